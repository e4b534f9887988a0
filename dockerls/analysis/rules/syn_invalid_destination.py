"""InvalidDestination: ADD with several sources into a non-directory."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class InvalidDestination(Rule):
    """What it does:
    Flags an `ADD` with two or more sources whose destination does not end
    with `/`. (`COPY` is covered by DL3021.) Destinations with variables
    are not checked.

    Why it matters:
    BuildKit refuses to add several sources to something that is not a
    directory.

    Example:
    ```dockerfile
    ADD a.tar.gz b.tar.gz /opt
    ```

    Fix:
    End the destination with a slash: `/opt/`.
    """

    code = "InvalidDestination"
    name = "invalid-destination"
    severity = Severity.ERROR
    group = "syntax"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"ADD"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        ops = inst.json_items if inst.json else inst.words
        if len(ops) < 3:
            return
        dest = ops[-1]
        v = dest.value
        quoted = not inst.json and len(v) >= 2 and v[0] == v[-1] and v[0] in "'\""
        bare = v[1:-1] if quoted else v
        if bare.endswith("/") or "$" in bare:
            return
        at = dest.span.end - 1 if inst.json or quoted else dest.span.end
        yield Finding(
            dest.span,
            f"`ADD` has several sources, so destination `{bare}` must end with `/`",
            Fix("Add a trailing `/`", (Edit(Span(at, at), "/"),), Applicability.SAFE),
        )


RULE = InvalidDestination()

"""DL4000: the deprecated MAINTAINER instruction."""

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
    Tag,
)
from dockerls.syntax.nodes import Instruction, Span

AUTHORS_LABEL = "org.opencontainers.image.authors"


def _quoted(value: str) -> str:
    """``value`` as a double-quoted LABEL value that expands to itself."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{out}"'


class MaintainerDeprecated(Rule):
    """What it does:
    Flags the `MAINTAINER` instruction.

    Why it matters:
    `MAINTAINER` has been deprecated for years. A label carries the same
    information in a standard place that tools read.

    Example:
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    Fix:
    Use the OCI authors label:
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```
    The quick fix does this rewrite and is safe.
    """

    code = "DL4000"
    name = "deprecated-maintainer"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"MAINTAINER"})
    onbuild = False
    same_as = ("MaintainerDeprecated",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        fix: Fix | None = None
        if inst.args_span is not None and inst.args and not inst.inner_comments:
            span = Span(inst.keyword_span.start, inst.args_span.end)
            fix = Fix(
                f"Replace with `LABEL {AUTHORS_LABEL}`",
                (Edit(span, f"LABEL {AUTHORS_LABEL}={_quoted(inst.args)}"),),
                Applicability.SAFE,
            )
        yield Finding(
            inst.keyword_span,
            "`MAINTAINER` is deprecated; use a `LABEL`",
            fix,
            tags=(Tag.DEPRECATED,),
        )


RULE = MaintainerDeprecated()

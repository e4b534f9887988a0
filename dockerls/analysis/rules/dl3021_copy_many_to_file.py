"""DL3021: COPY with several sources into a destination without a trailing slash."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import operands
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


class CopyManyToFile(Rule):
    """What it does:
    Flags a `COPY` with two or more sources whose destination does not end
    with `/`.

    Why it matters:
    Several sources can only go into a folder. Without the trailing slash
    the destination reads like a file name, and the builder refuses it or
    the reader misunderstands it.

    Example:
    ```dockerfile
    COPY package.json yarn.lock /app
    ```

    Fix:
    End the destination with a slash:
    ```dockerfile
    COPY package.json yarn.lock /app/
    ```
    """

    code = "DL3021"
    name = "copy-many-to-file"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"COPY"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        ops = operands(inst)
        if len(ops) < 3:
            return
        dest, span = ops[-1]
        quoted = not inst.json and len(dest) >= 2 and dest[0] == dest[-1] and dest[0] in "'\""
        bare = dest[1:-1] if quoted else dest
        if bare.endswith("/"):
            return
        at = span.end - 1 if inst.json or quoted else span.end  # before a closing quote
        fix = Fix(
            "Add a trailing `/` to the destination", (Edit(Span(at, at), "/"),), Applicability.SAFE
        )
        yield Finding(
            span, f"Destination `{bare}` of a multi-source `COPY` should end with `/`", fix
        )


RULE = CopyManyToFile()

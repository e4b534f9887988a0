"""DL3021: COPY with several sources into a destination without a trailing slash."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import (
    names_directory,
    operand_value,
    operands,
    windows_path,
)
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
    with `/`.  The destination is read as the builder reads it (quotes and
    the file's escape character removed); on Windows (a destination with a
    drive letter, or a stage running `cmd` or PowerShell) a trailing `\\`
    ends a folder too, so `C:\\\\Windows\\\\System32\\\\` is one.

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
        bare = operand_value(inst, dest, ctx.escape)
        if names_directory(bare, windows_path(bare, ctx.shell)):
            return
        quoted = not inst.json and len(dest) >= 2 and dest[0] == dest[-1] and dest[0] in "'\""
        at = span.end - 1 if inst.json or quoted else span.end  # before a closing quote
        fix = Fix(
            "Add a trailing `/` to the destination", (Edit(Span(at, at), "/"),), Applicability.SAFE
        )
        yield Finding(
            span, f"Destination `{bare}` of a multi-source `COPY` should end with `/`", fix
        )


RULE = CopyManyToFile()

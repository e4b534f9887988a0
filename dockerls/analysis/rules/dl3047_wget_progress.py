"""DL3047: wget without progress control."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._hl_run_util import commands_named
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

_QUIET = (
    "-q",
    "--quiet",
    "-nv",
    "--no-verbose",
    "--progress",
    "-o",
    "--output-file",
    "-a",
    "--append-output",
)


class WgetProgress(Rule):
    """What it does:
    Flags `wget` in a `RUN` instruction when none of `--progress`, `-q`,
    `-nv`, `-o` or `-a` controls its output.

    Why it matters:
    Without a terminal, `wget` prints a progress line per few kilobytes; a
    large download fills the build log with thousands of lines.

    Example:
    ```dockerfile
    RUN wget https://example.com/tool.tar.gz
    ```

    Fix:
    ```dockerfile
    RUN wget -q https://example.com/tool.tar.gz
    ```
    (GNU wget also accepts `--progress=dot:giga`; BusyBox wget only `-q`.)
    The quick fix adds `-q`; it is marked unsafe because `-q` also hides
    error messages.
    """

    code = "DL3047"
    name = "wget-without-progress-option"
    severity = Severity.INFO
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset({"wget"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in commands_named(inst, ctx.shell, "wget"):
            if any(w.value == "-nv" for w in cmd.args) or cmd.has_flag(*_QUIET):
                continue
            at = rs.span(Span(cmd.name_span.end, cmd.name_span.end))
            yield Finding(
                rs.span(cmd.name_span),
                "`wget` without `-q`, `-nv` or `--progress` floods the build log",
                Fix("Add `-q` to `wget`", (Edit(at, " -q"),), Applicability.UNSAFE),
            )


RULE = WgetProgress()

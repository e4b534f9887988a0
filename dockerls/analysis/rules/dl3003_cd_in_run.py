"""DL3003: cd inside RUN instead of WORKDIR."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._hl_run_util import direct_commands
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
from dockerls.analysis.shellview import RunScript
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.shell import Command


class CdInRun(Rule):
    """What it does:
    Flags `cd` in a `RUN` instruction.

    Why it matters:
    A `cd` lasts only for its own `RUN`, so the next step silently runs in
    the old directory again.  `WORKDIR` states the directory once, creates it
    if needed and applies to every later instruction.

    Example:
    ```dockerfile
    RUN cd /src && make
    ```

    Fix:
    ```dockerfile
    WORKDIR /src
    RUN make
    ```
    The quick fix does this when `cd` to an absolute path starts the `RUN`
    and is followed by `&&`.  It is marked unsafe: unlike `cd`, `WORKDIR`
    also changes the directory of the instructions after it, and creates the
    directory when it does not exist.
    """

    code = "DL3003"
    name = "cd-in-run"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})
    commands = frozenset({"cd"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        cmds = list(direct_commands(inst, ctx.shell))
        for k, (rs, cmd) in enumerate(cmds):
            if cmd.name != "cd":
                continue
            nxt = cmds[k + 1][1] if k + 1 < len(cmds) and cmds[k + 1][0] is rs else None
            fix = None if ctx.onbuild else _workdir_fix(inst, rs, cmd, nxt)
            yield Finding(
                rs.span(cmd.name_span), "Use `WORKDIR` to change directory instead of `cd`", fix
            )


def _workdir_fix(inst: Instruction, rs: RunScript, cmd: Command, nxt: Command | None) -> Fix | None:
    if rs.heredoc or nxt is None or cmd.assignments or cmd.redirects:
        return None
    if len(cmd.args) != 1:
        return None
    target = cmd.args[0]
    if not target.is_static or not target.value.startswith("/") or target.raw != target.value:
        return None
    text = rs.text
    if text[: cmd.span.start].strip():
        return None  # inside a subshell, a group, a condition...
    between = text[cmd.span.end : nxt.span.start].strip()
    if between != "&&" or nxt.connector_before != "&&":
        return None
    # nothing after the first && may fall back to the old directory
    if "||" in text:
        return None
    removed = rs.span(Span(cmd.span.start, nxt.span.start))
    return Fix(
        f"Replace `cd {target.value}` with `WORKDIR {target.value}`",
        (Edit(Span(0, 0), f"WORKDIR {target.value}\n"), Edit(removed, "")),
        Applicability.UNSAFE,
    )


RULE = CdInRun()

"""DL3001: RUN calls a tool that makes little sense inside a container build."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._hl_run_util import commands_named
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction

# not `kill`: no process outlives a build step, so whatever a RUN signals it
# started itself (a server run in the background for a set-up step)
POINTLESS = ("ssh", "vim", "shutdown", "service", "ps", "free", "top", "mount", "ifconfig")


class PointlessCommand(Rule):
    """What it does:
    Flags `RUN` commands such as `ssh`, `vim`, `shutdown`, `service`, `ps`,
    `free`, `top`, `mount` and `ifconfig`.  `kill` is not among them: no
    process outlives a build step, so a `kill` stops a helper the same `RUN`
    started (a database run in the background to load a schema, say).

    Why it matters:
    A build step runs once, without a terminal, init system or long-lived
    processes.  Interactive editors, process viewers and service managers do
    nothing useful there and usually mean the step is not doing what was meant.

    Example:
    ```dockerfile
    RUN service nginx start
    ```

    Fix:
    Remove the command; start long-running processes from `CMD` or
    `ENTRYPOINT` instead.
    """

    code = "DL3001"
    name = "pointless-command"
    severity = Severity.INFO
    group = "hadolint"
    kinds = frozenset({"RUN"})
    commands = frozenset(POINTLESS)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in commands_named(inst, ctx.shell, *POINTLESS):
            yield Finding(
                rs.span(cmd.name_span),
                f"`{cmd.name}` has no useful effect in a container build step",
            )


RULE = PointlessCommand()

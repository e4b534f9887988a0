"""DL3004: RUN uses sudo."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._hl_run_util import commands_named
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction


class Sudo(Rule):
    """What it does:
    Flags `sudo` in a `RUN` instruction.

    Why it matters:
    Build steps already run as the current `USER`; `sudo` adds a package, a
    TTY and signal-handling quirks, and hides which user a step really needs.

    Example:
    ```dockerfile
    USER app
    RUN sudo apt-get update
    ```

    Fix:
    Switch users around the step instead:
    ```dockerfile
    USER root
    RUN apt-get update
    USER app
    ```
    Where a runtime switch is needed, use `gosu` or `su-exec`.
    """

    code = "DL3004"
    name = "sudo-in-run"
    severity = Severity.ERROR
    group = "hadolint"
    kinds = frozenset({"RUN"})
    commands = frozenset({"sudo"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in commands_named(inst, ctx.shell, "sudo"):
            yield Finding(
                rs.span(cmd.name_span), "Do not use `sudo` in a build step: set `USER` instead"
            )


RULE = Sudo()

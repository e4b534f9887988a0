"""DL4005: RUN re-links /bin/sh instead of using SHELL."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._hl_run_util import commands_named
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction


class RelinkBinSh(Rule):
    """What it does:
    Flags `ln ... /bin/sh` in a `RUN` instruction.

    Why it matters:
    Replacing `/bin/sh` changes the shell for every later step and for every
    program in the image that calls `system()`, which is hard to see when
    reading the Dockerfile.

    Example:
    ```dockerfile
    RUN ln -sf /bin/bash /bin/sh
    ```

    Fix:
    Choose the shell for later `RUN` steps with `SHELL`:
    ```dockerfile
    SHELL ["/bin/bash", "-c"]
    ```
    """

    code = "DL4005"
    name = "relink-bin-sh"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"RUN"})
    commands = frozenset({"ln"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in commands_named(inst, ctx.shell, "ln"):
            positional = cmd.args_without_flags(("-S", "--suffix", "-t", "--target-directory"))
            if len(positional) >= 2 and positional[-1].value == "/bin/sh":
                yield Finding(
                    rs.span(positional[-1].span),
                    "Use `SHELL` to change the shell instead of re-linking `/bin/sh`",
                )


RULE = RelinkBinSh()

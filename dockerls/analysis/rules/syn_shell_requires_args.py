"""ShellRequiresArgs: SHELL with an empty array."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class ShellRequiresArgs(Rule):
    """What it does:
    Flags `SHELL []`: the array must name at least the shell program.

    Why it matters:
    BuildKit rejects an empty SHELL array.

    Example:
    ```dockerfile
    SHELL []
    ```

    Fix:
    Name the shell: `SHELL ["/bin/sh", "-c"]`.
    """

    code = "ShellRequiresArgs"
    name = "shell-requires-args"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"SHELL"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if inst.json and not inst.values and inst.args_span is not None:
            yield Finding(inst.args_span, "`SHELL` needs at least the shell program in its array")


RULE = ShellRequiresArgs()

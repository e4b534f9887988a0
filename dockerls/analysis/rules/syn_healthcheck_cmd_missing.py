"""HealthcheckCmdMissing: HEALTHCHECK CMD without a command."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class HealthcheckCmdMissing(Rule):
    """What it does:
    Flags `HEALTHCHECK CMD` with no command after it.

    Why it matters:
    BuildKit needs a command to run for the check and rejects the line.

    Example:
    ```dockerfile
    HEALTHCHECK --interval=30s CMD
    ```

    Fix:
    Add the command: `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`.
    """

    code = "HealthcheckCmdMissing"
    name = "healthcheck-cmd-missing"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"HEALTHCHECK"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if words and words[0].value.upper() == "CMD" and len(inst.values) <= 1:
            yield Finding(words[0].span, "`HEALTHCHECK CMD` needs a command to run")


RULE = HealthcheckCmdMissing()

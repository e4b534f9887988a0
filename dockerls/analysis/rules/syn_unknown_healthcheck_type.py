"""UnknownHealthcheckType: HEALTHCHECK whose first word is neither CMD nor NONE."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class UnknownHealthcheckType(Rule):
    """What it does:
    Flags a `HEALTHCHECK` whose first word (after the flags) is neither
    `CMD` nor `NONE`.

    Why it matters:
    BuildKit only knows these two forms and rejects anything else.

    Example:
    ```dockerfile
    HEALTHCHECK curl -f http://localhost/
    ```

    Fix:
    Put `CMD` before the command: `HEALTHCHECK CMD curl -f http://localhost/`.
    """

    code = "UnknownHealthcheckType"
    name = "unknown-healthcheck-type"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"HEALTHCHECK"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if words and words[0].value.upper() not in spec.HEALTHCHECK_SUBCOMMANDS:
            yield Finding(
                words[0].span, f"`HEALTHCHECK` expects `CMD` or `NONE`, not `{words[0].value}`"
            )


RULE = UnknownHealthcheckType()

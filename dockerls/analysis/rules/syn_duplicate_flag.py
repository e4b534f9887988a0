"""DuplicateFlag: a flag given twice where only one is allowed."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import known_flag
from dockerls.syntax.nodes import Instruction


class DuplicateFlag(Rule):
    """What it does:
    Flags the second and later occurrences of a flag that may appear only
    once, such as two `--chown` on one `COPY`. Repeatable flags (`--mount`,
    `--exclude`) are fine.

    Why it matters:
    BuildKit refuses an instruction that repeats a single-valued flag.

    Example:
    ```dockerfile
    COPY --chown=app --chown=root a /b
    ```

    Fix:
    Keep only the occurrence you mean.
    """

    code = "DuplicateFlag"
    name = "duplicate-flag"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        seen: set[str] = set()
        for fl in inst.flags:
            fs = known_flag(inst, fl)
            if fs is None or fs.repeatable:
                continue
            if fl.name in seen:
                yield Finding(fl.span, f"`--{fl.name}` is given more than once on `{inst.name}`")
            seen.add(fl.name)


RULE = DuplicateFlag()

"""MissingNames: an ENV, LABEL or ARG pair without a name."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class MissingNames(Rule):
    """What it does:
    Flags a `key=value` pair with nothing before `=`, such as `ENV =1` or
    `ARG =x`.

    Why it matters:
    BuildKit refuses blank names.

    Example:
    ```dockerfile
    ENV =production
    ```

    Fix:
    Name the variable: `ENV NODE_ENV=production`.
    """

    code = "MissingNames"
    name = "missing-names"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"ENV", "LABEL", "ARG"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if inst.name != "ARG" and words and "=" not in words[0].value:
            return  # legacy `ENV key value` form
        for w in words:
            if w.value.startswith("="):
                yield Finding(w.span, f"`{inst.name}` pair `{w.value}` has no name before `=`")


RULE = MissingNames()

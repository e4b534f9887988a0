"""InvalidRetries: HEALTHCHECK --retries that is not a non-negative integer."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import valued_flags
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class InvalidRetries(Rule):
    """What it does:
    Flags `HEALTHCHECK --retries` when its value is not a whole number, or is
    negative. (`0` is accepted: it means the default, 3.)

    Why it matters:
    BuildKit parses the count as an integer and stops the build otherwise.

    Example:
    ```dockerfile
    HEALTHCHECK --retries=three CMD true
    ```

    Fix:
    Write a positive integer: `--retries=3`.
    """

    code = "InvalidRetries"
    name = "invalid-retries"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"HEALTHCHECK"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl, _fs, value, span in valued_flags(inst, spec.ValueKind.INT):
            if not re.fullmatch(r"[+-]?\d+", value):
                yield Finding(span, f"`--{fl.name}` must be an integer, not `{value}`")
            elif int(value) < 0:
                yield Finding(span, f"`--{fl.name}` cannot be negative")


RULE = InvalidRetries()

"""InvalidDuration: a HEALTHCHECK time flag that is not a duration."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import parse_duration, valued_flags
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class InvalidDuration(Rule):
    """What it does:
    Flags a `HEALTHCHECK` `--interval`, `--timeout`, `--start-period` or
    `--start-interval` value that is not a Go duration: a number without a
    unit (`30`), an unknown unit (`30sec`) or no number at all.

    Why it matters:
    BuildKit parses these values itself and stops the build when it can't.

    Example:
    ```dockerfile
    HEALTHCHECK --interval=30 CMD curl -f http://localhost/
    ```

    Fix:
    Add a unit: `--interval=30s` (units: ns, us, ms, s, m, h).
    """

    code = "InvalidDuration"
    name = "invalid-duration"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"HEALTHCHECK"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl, _fs, value, span in valued_flags(inst, spec.ValueKind.DURATION):
            secs, why = parse_duration(value)
            if secs is None:
                yield Finding(span, f"`--{fl.name}` value `{value}` {why}")


RULE = InvalidDuration()

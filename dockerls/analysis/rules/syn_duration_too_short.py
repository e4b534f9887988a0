"""DurationTooShort: a HEALTHCHECK duration below one millisecond."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import parse_duration, valued_flags
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class DurationTooShort(Rule):
    """What it does:
    Flags a `HEALTHCHECK` duration that is negative or shorter than 1ms but
    not zero, such as `--timeout=500us`. Zero means "use the default" and is
    accepted.

    Why it matters:
    BuildKit refuses health-check durations under a millisecond.

    Example:
    ```dockerfile
    HEALTHCHECK --interval=100us CMD true
    ```

    Fix:
    Use at least `1ms`, or a realistic value such as `30s`.
    """

    code = "DurationTooShort"
    name = "duration-too-short"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"HEALTHCHECK"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl, _fs, value, span in valued_flags(inst, spec.ValueKind.DURATION):
            secs, _why = parse_duration(value)
            if secs is not None and secs != 0 and secs < 0.001:
                yield Finding(span, f"`--{fl.name}={value}` is shorter than 1ms")


RULE = DurationTooShort()

"""InvalidFlagValue: RUN --network / --security with an unknown mode."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import has_var, rename_fix, valued_flags
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class InvalidFlagValue(Rule):
    """What it does:
    Flags a choice flag whose value is not one of its modes:
    `RUN --network` takes `default`, `none` or `host`, and `RUN --security`
    takes `sandbox` or `insecure`.

    Why it matters:
    BuildKit rejects an unknown mode before running anything.

    Example:
    ```dockerfile
    RUN --network=off make test
    ```

    Fix:
    Use one of the listed modes, e.g. `--network=none`.
    """

    code = "InvalidFlagValue"
    name = "invalid-flag-value"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl, fs, value, span in valued_flags(inst, spec.ValueKind.ENUM):
            if value in fs.values or has_var(value):
                continue
            modes = ", ".join(f"`{v}`" for v in fs.values)
            best = spec.closest(value, fs.values)
            fix = None if best is None else rename_fix(span, best, "the mode", False)
            yield Finding(span, f"`--{fl.name}` does not accept `{value}`; use one of {modes}", fix)


RULE = InvalidFlagValue()

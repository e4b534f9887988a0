"""FlagMissingValue: a flag that needs a value has none."""

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
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class FlagMissingValue(Rule):
    """What it does:
    Flags an option that takes a value but is written bare or with nothing
    after `=`, such as `COPY --from a b` or `HEALTHCHECK --interval= CMD x`.

    Why it matters:
    BuildKit rejects a value flag without a value (and an empty one is never
    what was meant).

    Example:
    ```dockerfile
    COPY --chown /src /dst
    ```

    Fix:
    Give the value: `COPY --chown=app:app /src /dst`.
    """

    code = "FlagMissingValue"
    name = "flag-missing-value"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl in inst.flags:
            fs = known_flag(inst, fl)
            if fs is None or not fs.value_required or fs.kind is spec.ValueKind.BOOLEAN:
                continue
            if fl.value is None:
                yield Finding(
                    fl.span, f"`--{fl.name}` needs a value: `--{fl.name}=<{fs.placeholder}>`"
                )
            elif fl.value == "" and fs.kind is not spec.ValueKind.PLATFORM:
                yield Finding(fl.span, f"`--{fl.name}` has an empty value")


RULE = FlagMissingValue()

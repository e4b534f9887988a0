"""FlagExpectsBoolean: a switch flag given a value other than true/false."""

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


class FlagExpectsBoolean(Rule):
    """What it does:
    Flags a switch such as `--link`, `--parents`, `--keep-git-dir` or
    `--unpack` whose value is neither `true` nor `false`.

    Why it matters:
    BuildKit only accepts a bare switch or an explicit boolean, and stops the
    build on anything else.

    Example:
    ```dockerfile
    COPY --link=yes a /b
    ```

    Fix:
    Write the switch bare (`--link`) or with `=true` / `=false`.
    """

    code = "FlagExpectsBoolean"
    name = "flag-expects-boolean"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"COPY", "ADD"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl in inst.flags:
            fs = known_flag(inst, fl)
            if fs is None or fs.kind is not spec.ValueKind.BOOLEAN or fl.value is None:
                continue
            if fl.value.lower() not in spec.BOOLEAN_VALUES:
                span = fl.value_span if fl.value else fl.span
                yield Finding(
                    span or fl.span,
                    f"`--{fl.name}` expects `true` or `false`, not `{fl.value}`",
                )


RULE = FlagExpectsBoolean()

"""DL3043: ONBUILD with a trigger that ONBUILD does not allow."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

FORBIDDEN = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


class OnbuildForbiddenTrigger(Rule):
    """What it does:
    Flags `ONBUILD ONBUILD ...`, `ONBUILD FROM ...` and
    `ONBUILD MAINTAINER ...`.

    Why it matters:
    These three instructions cannot be deferred to a child build; the
    builder rejects them.

    Example:
    ```dockerfile
    ONBUILD FROM alpine:3.20
    ```

    Fix:
    Remove the trigger, or move the instruction out of `ONBUILD`.
    """

    code = "DL3043"
    name = "onbuild-forbidden-trigger"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"ONBUILD"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        sub = inst.sub
        if sub is not None and sub.name in FORBIDDEN:
            yield Finding(sub.keyword_span, f"`{sub.name}` cannot be used as an `ONBUILD` trigger")


RULE = OnbuildForbiddenTrigger()

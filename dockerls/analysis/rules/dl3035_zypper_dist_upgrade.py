"""DL3035: `zypper dist-upgrade` in a RUN."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import ZYPPER_TAKES_VALUE, invocations
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class ZypperDistUpgrade(Rule):
    """What it does:
    Flags `zypper dist-upgrade` (`zypper dup`) in a `RUN` instruction.

    Why it matters:
    A distribution upgrade may move the image to a new release with
    different packages and defaults; that belongs in the base image, not in
    a build step whose result depends on the day it runs.

    Example:
    ```dockerfile
    RUN zypper -n dup
    ```

    Fix:
    Use a newer base image, or upgrade only the packages you need with
    `zypper -n update <package>`.
    """

    code = "DL3035"
    name = "zypper-dist-upgrade"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"zypper"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(
            inst, ctx.shell, ("zypper",), ("dist-upgrade", "dup"), ZYPPER_TAKES_VALUE
        ):
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` upgrades the whole distribution during the build",
            )


RULE = ZypperDistUpgrade()

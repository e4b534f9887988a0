"""DL3038: `dnf install` without `-y`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import YUM_INSTALL, rpm_without_yes
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

# the dnf front ends that ask before installing (microdnf never does)
_PROMPTING = ("dnf", "dnf5")


class DnfWithoutYes(Rule):
    """What it does:
    Flags `dnf install` (also `groupinstall`, `localinstall`, and `dnf5`)
    run without `-y`/`--assumeyes`.  `microdnf` is left alone: it never asks
    for confirmation.

    Why it matters:
    Nobody can answer dnf's confirmation prompt during a build, so the
    install fails as soon as dnf asks.

    Example:
    ```dockerfile
    RUN dnf install httpd && dnf clean all
    ```

    Fix:
    ```dockerfile
    RUN dnf install -y httpd && dnf clean all
    ```
    The quick fix adds `-y` after the subcommand.
    """

    code = "DL3038"
    name = "dnf-without-yes"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset(_PROMPTING)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        return rpm_without_yes(inst, ctx.shell, _PROMPTING, YUM_INSTALL)


RULE = DnfWithoutYes()

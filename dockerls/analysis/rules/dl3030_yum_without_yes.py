"""DL3030: `yum install` without `-y`."""

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


class YumWithoutYes(Rule):
    """What it does:
    Flags `yum install` (also `groupinstall`, `localinstall`) run without
    `-y`/`--assumeyes`.

    Why it matters:
    Nobody can answer yum's confirmation prompt during a build, so the
    install fails as soon as yum asks.

    Example:
    ```dockerfile
    RUN yum install httpd && yum clean all
    ```

    Fix:
    ```dockerfile
    RUN yum install -y httpd && yum clean all
    ```
    The quick fix adds `-y` after the subcommand.
    """

    code = "DL3030"
    name = "yum-without-yes"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset({"yum"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        return rpm_without_yes(inst, ctx.shell, ("yum",), YUM_INSTALL)


RULE = YumWithoutYes()

"""DL3032: `yum install` without `yum clean all` afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import rpm_clean_missing, rpm_cleans
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

_CLEANS = rpm_cleans(("yum",), ("/var/cache/yum",))


class YumCleanMissing(Rule):
    """What it does:
    Flags `yum install` when no `yum clean` (or removal of
    `/var/cache/yum`) follows it in the same `RUN`.

    Why it matters:
    yum keeps repository metadata and downloaded packages under
    `/var/cache/yum`; left in the layer they only make the image bigger.

    Example:
    ```dockerfile
    RUN yum install -y httpd-2.4.6
    ```

    Fix:
    ```dockerfile
    RUN yum install -y httpd-2.4.6 && yum clean all
    ```
    A cache or tmpfs mount on `/var/cache/yum` also avoids the problem.
    The quick fix appends `yum clean all`.
    """

    code = "DL3032"
    name = "yum-clean-missing"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})
    commands = frozenset({"yum"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        return rpm_clean_missing(inst, ctx.shell, ("yum",), "/var/cache/yum", _CLEANS)


RULE = YumCleanMissing()

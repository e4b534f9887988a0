"""DL3040: `dnf install` without `dnf clean all` afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import DNF_NAMES, rpm_clean_missing, rpm_cleans
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

_CLEANS = rpm_cleans(DNF_NAMES, ("/var/cache/dnf",))


class DnfCleanMissing(Rule):
    """What it does:
    Flags `dnf install` (also `microdnf` and `dnf5`) when no `dnf clean`
    (or removal of `/var/cache/dnf`) follows it in the same `RUN`.

    Why it matters:
    dnf keeps repository metadata and downloaded packages under
    `/var/cache/dnf`; left in the layer they only make the image bigger.

    Example:
    ```dockerfile
    RUN dnf install -y httpd-2.4.6
    ```

    Fix:
    ```dockerfile
    RUN dnf install -y httpd-2.4.6 && dnf clean all
    ```
    A cache or tmpfs mount on `/var/cache/dnf` also avoids the problem.
    The quick fix appends `dnf clean all` (`microdnf clean all`, ...: the
    command the install used).
    """

    code = "DL3040"
    name = "dnf-clean-missing"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})
    commands = frozenset(DNF_NAMES)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        return rpm_clean_missing(inst, ctx.shell, DNF_NAMES, "/var/cache/dnf", _CLEANS)


RULE = DnfCleanMissing()

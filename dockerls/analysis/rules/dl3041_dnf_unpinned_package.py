"""DL3041: `dnf install` of a package without a version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import DNF_NAMES, rpm_unpinned
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class DnfUnpinnedPackage(Rule):
    """What it does:
    Flags each package given to `dnf install` without a version
    (`httpd` rather than `httpd-2.4.6`).

    Why it matters:
    An unversioned package installs whatever the repository holds on the
    day of the build, so rebuilds are not reproducible.

    Example:
    ```dockerfile
    RUN dnf install -y httpd && dnf clean all
    ```

    Fix:
    ```dockerfile
    RUN dnf install -y httpd-2.4.6 && dnf clean all
    ```
    A `-` followed by a version, or a `.rpm` file, counts as pinned.
    """

    code = "DL3041"
    name = "dnf-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset(DNF_NAMES)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        return rpm_unpinned(inst, ctx.shell, DNF_NAMES)


RULE = DnfUnpinnedPackage()

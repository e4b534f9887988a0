"""DL3037: zypper install of a package without a version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import ZYPPER_INSTALL, ZYPPER_TAKES_VALUE, invocations
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


def _pinned(value: str) -> bool:
    return any(c in value for c in "=<>") or value.endswith(".rpm")


class ZypperUnpinnedPackage(Rule):
    """What it does:
    Flags each package given to `zypper install` without a version
    constraint (`curl` rather than `curl=8.6.0` or `'curl>=8'`).

    Why it matters:
    An unversioned package installs whatever the repository holds on the
    day of the build, so rebuilds are not reproducible.

    Example:
    ```dockerfile
    RUN zypper -n install curl && zypper clean
    ```

    Fix:
    ```dockerfile
    RUN zypper -n install curl=8.6.0 && zypper clean
    ```
    Quote range constraints (`'curl>=8'`) so the shell does not read `>` as
    a redirection.  A local `.rpm` file counts as pinned.
    """

    code = "DL3037"
    name = "zypper-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"zypper"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("zypper",), ZYPPER_INSTALL, ZYPPER_TAKES_VALUE):
            for w in inv.packages:
                if not _pinned(w.value):
                    yield Finding(
                        inv.span_of(w),
                        f"Package `{w.raw}` has no version: pin it, e.g. `{w.value}=<version>`",
                    )


RULE = ZypperUnpinnedPackage()

"""DL3008: `apt-get install` of a package without a pinned version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import apt_get_installs
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


def _pinned(value: str) -> bool:
    # name=version, name/release, or a local .deb file
    return "=" in value or "/" in value or value.endswith(".deb")


class AptUnpinnedPackage(Rule):
    """What it does:
    Flags each package given to `apt-get install` without a version, such as
    `curl` instead of `curl=8.5.0-2`.

    Why it matters:
    Without a version the package is whatever the mirror serves on the day of
    the build, so rebuilding the same Dockerfile can install something else
    and break in ways that are hard to trace.

    Example:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    Fix:
    Pin the version you tested (`apt-cache policy curl` shows it):
    ```dockerfile
    RUN apt-get update && apt-get install -y curl=8.5.0-2
    ```
    A release (`curl/bookworm`) or a local `.deb` file also counts as pinned.
    """

    code = "DL3008"
    name = "apt-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"apt-get"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in apt_get_installs(inst, ctx.shell):
            for w in inv.packages:
                if not _pinned(w.value):
                    yield Finding(
                        inv.span_of(w),
                        f"Package `{w.raw}` has no version: pin it, e.g. `{w.raw}=<version>`",
                    )


RULE = AptUnpinnedPackage()

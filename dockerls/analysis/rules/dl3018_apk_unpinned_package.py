"""DL3018: `apk add` of a package without a version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import APK_TAKES_VALUE, invocations
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


def _pinned(value: str) -> bool:
    return any(c in value for c in "=~<>") or value.endswith(".apk")


class ApkUnpinnedPackage(Rule):
    """What it does:
    Flags each package given to `apk add` without a version constraint
    (`curl` rather than `curl=8.9.1-r0` or `curl~8.9`).

    Why it matters:
    Alpine repositories move on; an unversioned package installs whatever
    is current when the image is rebuilt.

    Example:
    ```dockerfile
    RUN apk add --no-cache curl
    ```

    Fix:
    ```dockerfile
    RUN apk add --no-cache curl=8.9.1-r0
    ```
    Any of `=`, `~`, `<` and `>` counts, and so does a local `.apk` file.
    """

    code = "DL3018"
    name = "apk-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"apk"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("apk",), ("add",), APK_TAKES_VALUE):
            for w in inv.packages:
                if not _pinned(w.value):
                    yield Finding(
                        inv.span_of(w),
                        f"Package `{w.raw}` has no version: pin it, e.g. `{w.value}=<version>`",
                    )


RULE = ApkUnpinnedPackage()

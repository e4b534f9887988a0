"""DL3013: `pip install` of a package without a pinned version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import pip_installs
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

_OPERATORS = ("==", ">=", "<=", "~=", "!=", "===", "<", ">", "@")
_FILES = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2")


def _pinned(value: str) -> bool:
    if any(op in value for op in _OPERATORS):
        return True
    # a local project or archive
    return value.startswith((".", "/", "~")) or value.endswith(_FILES)


class PipUnpinnedPackage(Rule):
    """What it does:
    Flags each package given to `pip install` without a version specifier,
    unless the packages come from a requirements or constraints file.

    Why it matters:
    An unpinned package resolves to the newest release at build time, so a
    rebuild can silently pick up a breaking change.

    Example:
    ```dockerfile
    RUN pip install --no-cache-dir requests
    ```

    Fix:
    ```dockerfile
    RUN pip install --no-cache-dir requests==2.32.3
    ```
    or list the pins in a file and run `pip install -r requirements.txt`.
    Any specifier (`>=`, `~=`, `@ url`), a local path or an archive counts.
    """

    code = "DL3013"
    name = "pip-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"pip", "pipx"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in pip_installs(inst, ctx.shell):
            if inv.cmd.has_flag("-r", "--requirement", "-c", "--constraint"):
                continue
            for w in inv.packages:
                if not _pinned(w.value):
                    yield Finding(
                        inv.span_of(w),
                        f"Package `{w.raw}` has no version: pin it, e.g. `{w.value}==<version>`",
                    )


RULE = PipUnpinnedPackage()

"""DL3028: `gem install` of a gem without a version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import invocations
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

_TAKES_VALUE = frozenset(
    {
        "-v",
        "--version",
        "-i",
        "--install-dir",
        "-n",
        "--bindir",
        "-s",
        "--source",
        "-P",
        "--trust-policy",
        "--platform",
        "--build-root",
        "--document",
        "-g",
        "--file",
        "--target-rbconfig",
        "-p",
        "--http-proxy",
    }
)


class GemUnpinnedPackage(Rule):
    """What it does:
    Flags each gem given to `gem install` without a version (`rails` rather
    than `rails:7.1.3` or `rails -v 7.1.3`).

    Why it matters:
    An unversioned gem resolves to the newest release at build time, so
    two builds of the same Dockerfile can differ.

    Example:
    ```dockerfile
    RUN gem install bundler
    ```

    Fix:
    ```dockerfile
    RUN gem install bundler:2.5.9
    ```
    `-v`/`--version` applies to the gems of the command and counts too, as
    does a local `.gem` file.
    """

    code = "DL3028"
    name = "gem-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"gem"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("gem",), ("install", "i"), _TAKES_VALUE):
            if inv.cmd.has_flag("-v", "--version"):
                continue
            for w in inv.packages:
                v = w.value
                if ":" in v or v.endswith(".gem"):
                    continue
                yield Finding(
                    inv.span_of(w),
                    f"Gem `{w.raw}` has no version: pin it, e.g. `{v}:<version>`",
                )


RULE = GemUnpinnedPackage()

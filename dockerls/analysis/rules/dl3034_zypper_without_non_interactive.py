"""DL3034: zypper run without a non-interactive flag."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import ZYPPER_TAKES_VALUE, invocations
from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span

_SUBS = frozenset({"install", "in", "remove", "rm", "source-install", "si", "patch"})


class ZypperWithoutNonInteractive(Rule):
    """What it does:
    Flags `zypper install` (and `remove`, `patch`, `source-install`) run
    without `-n`/`--non-interactive` or `-y`/`--no-confirm`.

    Why it matters:
    zypper asks for confirmation before changing packages; in a build
    nobody answers, and the step fails.

    Example:
    ```dockerfile
    RUN zypper install curl-8.6.0 && zypper clean
    ```

    Fix:
    ```dockerfile
    RUN zypper -n install curl-8.6.0 && zypper clean
    ```
    The quick fix adds the global `-n` option after `zypper`.
    """

    code = "DL3034"
    name = "zypper-without-non-interactive"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset({"zypper"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("zypper",), _SUBS, ZYPPER_TAKES_VALUE):
            if inv.cmd.has_flag("-n", "--non-interactive", "-y", "--no-confirm"):
                continue
            end = inv.cmd.name_span.end
            at = inv.rs.span(Span(end, end))
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` without `-n` stops at the confirmation prompt",
                Fix("Add `-n` (non-interactive)", (Edit(at, " -n"),), Applicability.SAFE),
            )


RULE = ZypperWithoutNonInteractive()

"""DL3040: `dnf install` without `dnf clean all` afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import (
    DNF_NAMES,
    RPM_TAKES_VALUE,
    cache_targets,
    covers,
    end_of_script_edit,
    invocations,
    occurs_after,
    rpm_cleans,
)
from dockerls.analysis.rules.base import (
    Applicability,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

_CLEANS = rpm_cleans(DNF_NAMES, ("/var/cache/dnf",))


class DnfCleanMissing(Rule):
    """What it does:
    Flags `dnf install` when no `dnf clean` (or removal of
    `/var/cache/dnf`) follows it in the same `RUN`.

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
    The quick fix appends `dnf clean all`.
    """

    code = "DL3040"
    name = "dnf-clean-missing"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if any(covers(t, "/var/cache/dnf") for t in cache_targets(inst)):
            return
        for inv in invocations(inst, ctx.shell, DNF_NAMES, ("install",), RPM_TAKES_VALUE):
            if occurs_after(inv, _CLEANS):
                continue
            tool = inv.cmd.name
            edit = end_of_script_edit(inv, f" && {tool} clean all")
            fix = Fix(f"Append `{tool} clean all`", (edit,), Applicability.SAFE) if edit else None
            yield Finding(
                inv.words_span(),
                f"`{inv.cmd.name} install` without a later `dnf clean all` leaves dnf's cache in the image",
                fix,
            )
            return


RULE = DnfCleanMissing()

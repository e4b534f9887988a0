"""DL3032: `yum install` without `yum clean all` afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import (
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

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if any(covers(t, "/var/cache/yum") for t in cache_targets(inst)):
            return
        for inv in invocations(inst, ctx.shell, ("yum",), ("install",), RPM_TAKES_VALUE):
            if occurs_after(inv, _CLEANS):
                continue
            edit = end_of_script_edit(inv, " && yum clean all")
            fix = Fix("Append `yum clean all`", (edit,), Applicability.SAFE) if edit else None
            yield Finding(
                inv.words_span(),
                "`yum install` without a later `yum clean all` leaves yum's cache in the image",
                fix,
            )
            return


RULE = YumCleanMissing()

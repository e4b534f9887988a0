"""DL3036: zypper install without `zypper clean` afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import (
    ZYPPER_INSTALL,
    ZYPPER_TAKES_VALUE,
    cache_targets,
    covers,
    end_of_script_edit,
    invocations,
    occurs_after,
    positional,
    removes,
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
from dockerls.syntax.shell import Command

_CACHE = "/var/cache/zypp"


def _cleans(c: Command) -> bool:
    if c.name == "zypper":
        pos = positional(c, ZYPPER_TAKES_VALUE)
        return bool(pos) and pos[0].value in ("clean", "cc")
    return removes(c, _CACHE)


class ZypperCleanMissing(Rule):
    """What it does:
    Flags `zypper install` when no `zypper clean` (`zypper cc`) follows it
    in the same `RUN`.

    Why it matters:
    zypper keeps repository metadata and downloaded packages under
    `/var/cache/zypp`; left in the layer they only make the image bigger.

    Example:
    ```dockerfile
    RUN zypper -n install curl-8.6.0
    ```

    Fix:
    ```dockerfile
    RUN zypper -n install curl-8.6.0 && zypper clean
    ```
    A cache or tmpfs mount on `/var/cache/zypp` also avoids the problem.
    The quick fix appends `zypper clean`.
    """

    code = "DL3036"
    name = "zypper-clean-missing"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})
    commands = frozenset({"zypper"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if any(covers(t, _CACHE) for t in cache_targets(inst)):
            return
        for inv in invocations(inst, ctx.shell, ("zypper",), ZYPPER_INSTALL, ZYPPER_TAKES_VALUE):
            if occurs_after(inv, _cleans):
                continue
            edit = end_of_script_edit(inv, " && zypper clean")
            fix = Fix("Append `zypper clean`", (edit,), Applicability.SAFE) if edit else None
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` without a later `zypper clean` leaves zypper's cache in the image",
                fix,
            )
            return


RULE = ZypperCleanMissing()

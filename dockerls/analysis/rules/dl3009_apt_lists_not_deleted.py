"""DL3009: `apt-get update` leaves the package lists in the image."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import (
    cache_targets,
    covers,
    end_of_script_edit,
    invocations,
    occurs_anywhere,
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

_LISTS = "/var/lib/apt/lists"


def _lists_cached(inst: Instruction) -> bool:
    return any(covers(t, _LISTS) or t.startswith(_LISTS + "/") for t in cache_targets(inst))


class AptListsNotDeleted(Rule):
    """What it does:
    Flags a `RUN` that downloads the apt package lists (`apt-get update`)
    without deleting `/var/lib/apt/lists` in the same instruction.

    Why it matters:
    The lists weigh tens of megabytes.  Once a layer is committed, deleting
    them in a later `RUN` no longer shrinks the image.

    Example:
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    Fix:
    Delete them at the end of the same `RUN`:
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    or keep them out of the image with
    `RUN --mount=type=cache,target=/var/lib/apt/lists ...` (or a tmpfs mount).
    The quick fix appends the `rm -rf`.
    """

    code = "DL3009"
    name = "apt-lists-not-deleted"
    severity = Severity.INFO
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("apt-get", "apt"), ("update",)):
            if _lists_cached(inst) or occurs_anywhere(
                inst, ctx.shell, lambda c: removes(c, _LISTS)
            ):
                return
            edit = end_of_script_edit(inv, " && rm -rf /var/lib/apt/lists/*")
            fix = None
            if edit is not None:
                fix = Fix(
                    "Delete the apt lists at the end of this RUN", (edit,), Applicability.SAFE
                )
            yield Finding(
                inv.words_span(),
                "`apt-get update` leaves `/var/lib/apt/lists` in the image: remove it in the same RUN",
                fix,
            )
            return


RULE = AptListsNotDeleted()

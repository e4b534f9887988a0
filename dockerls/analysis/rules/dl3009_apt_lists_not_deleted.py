"""DL3009: `apt-get update` leaves the package lists in the image."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._pkg import (
    cache_targets,
    covers,
    end_of_script_edit,
    image_layers_kept,
    invocations,
    occurs_anywhere,
    positional,
    removes,
    stage_runs,
)
from dockerls.analysis.rules.base import (
    Applicability,
    Finding,
    Fix,
    FixAvailability,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.shell import Command

_LISTS = "/var/lib/apt/lists"


def _cleans_lists(c: Command) -> bool:
    if c.name in ("apt-get", "apt"):
        pos = positional(c, frozenset({"-o", "-c"}))
        return bool(pos) and pos[0].value == "dist-clean"
    return removes(c, _LISTS)


def _lists_cached(inst: Instruction) -> bool:
    return any(covers(t, _LISTS) or t.startswith(_LISTS + "/") for t in cache_targets(inst))


class AptListsNotDeleted(Rule):
    """What it does:
    Flags a `RUN` that downloads the apt package lists (`apt-get update`,
    `apt update`)
    without deleting `/var/lib/apt/lists` in the same instruction.  Only
    stages whose layers live on are checked: the last stage and the stages
    another stage is built `FROM` (a stage that is only copied from with
    `COPY --from` leaves its layers behind).

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
    commands = frozenset({"apt-get", "apt"})
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not image_layers_kept(stage, model):
            return
        for idx, inst, shell in stage_runs(stage, model):
            yield from self._check_run(idx, inst, shell)

    def _check_run(self, idx: int, inst: Instruction, shell: tuple[str, ...]) -> Iterable[Finding]:
        if _lists_cached(inst):
            return
        for inv in invocations(inst, shell, ("apt-get", "apt"), ("update",)):
            if occurs_anywhere(inst, shell, _cleans_lists):
                return
            edit = end_of_script_edit(inv, " && rm -rf /var/lib/apt/lists/*")
            fix = None
            # deleting the lists is only safe when this RUN also installs:
            # a later RUN may still need them otherwise
            installs = any(True for _ in invocations(inst, shell, ("apt-get", "apt"), ("install",)))
            if edit is not None and installs:
                fix = Fix(
                    "Delete the apt lists at the end of this RUN", (edit,), Applicability.SAFE
                )
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` leaves `/var/lib/apt/lists` in the image: remove it in the same RUN",
                fix,
                item=idx,
            )
            return


RULE = AptListsNotDeleted()

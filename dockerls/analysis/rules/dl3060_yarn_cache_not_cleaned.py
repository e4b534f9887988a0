"""DL3060: `yarn install` without `yarn cache clean` afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._pkg import (
    cache_targets,
    end_of_script_edit,
    image_layers_kept,
    invocations,
    occurs_after,
    positional,
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

_TAKES_VALUE = frozenset(
    {"--cwd", "--cache-folder", "--modules-folder", "--mutex", "--network-timeout"}
)


def _cleans(c: Command) -> bool:
    if c.name != "yarn":
        return False
    pos = [w.value for w in positional(c, _TAKES_VALUE)]
    return pos[:2] == ["cache", "clean"]


def _cache_mounted(inst: Instruction) -> bool:
    return any(
        t.endswith("/.cache/yarn") or t.endswith("/.yarn/cache") for t in cache_targets(inst)
    )


class YarnCacheNotCleaned(Rule):
    """What it does:
    Flags `yarn install` when no `yarn cache clean` follows it in the same
    `RUN`, unless the yarn cache folder is a cache or tmpfs mount.  Only
    stages whose layers live on (the last stage, and stages another stage
    is built `FROM`) are checked.

    Why it matters:
    Yarn copies every package it downloads into its global cache; left in
    the layer, that cache can be larger than `node_modules` itself.

    Example:
    ```dockerfile
    RUN yarn install --frozen-lockfile
    ```

    Fix:
    ```dockerfile
    RUN yarn install --frozen-lockfile && yarn cache clean
    ```
    or `RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install`.
    The quick fix appends `yarn cache clean`.
    """

    code = "DL3060"
    name = "yarn-cache-not-cleaned"
    severity = Severity.INFO
    group = "hadolint"
    commands = frozenset({"yarn"})
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not image_layers_kept(stage, model):
            return
        for idx, inst, shell in stage_runs(stage, model):
            yield from self._check_run(idx, inst, shell)

    def _check_run(self, idx: int, inst: Instruction, shell: tuple[str, ...]) -> Iterable[Finding]:
        if _cache_mounted(inst):
            return
        for inv in invocations(
            inst, shell, ("yarn",), ("install",), _TAKES_VALUE, first_only=False
        ):
            if occurs_after(inv, _cleans):
                continue
            edit = end_of_script_edit(inv, " && yarn cache clean")
            fix = Fix("Append `yarn cache clean`", (edit,), Applicability.SAFE) if edit else None
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` leaves yarn's package cache in the image: run `yarn cache clean` after it",
                fix,
                item=idx,
            )
            return


RULE = YarnCacheNotCleaned()

"""DLS110: npm's download cache left in the image."""

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

_CACHE_DIRS = ("/root/.npm", "~/.npm", "$HOME/.npm", "/home/node/.npm")
_TAKES_VALUE = frozenset(
    {"--cache", "--prefix", "-C", "--registry", "--userconfig", "-w", "--workspace"}
)


def _cleans(c: Command) -> bool:
    if c.name == "npm":
        pos = [w.value for w in positional(c, _TAKES_VALUE)]
        return pos[:2] in (["cache", "clean"], ["cache", "clear"], ["cache", "rm"])
    return any(removes(c, d) for d in _CACHE_DIRS)


def _cache_mounted(inst: Instruction) -> bool:
    return any(t.endswith("/.npm") or t.endswith("/.npm/_cacache") for t in cache_targets(inst))


class NpmCacheLeftBehind(Rule):
    """What it does:
    Flags `npm install` / `npm ci` in a stage whose layers end up in the
    image (the last stage, or one another stage builds `FROM`) when no
    `npm cache clean --force` (or removal of `~/.npm`) follows in the same
    `RUN`, and `~/.npm` is not a cache or tmpfs mount.  Stages only used
    through `COPY --from` are left alone.  (yarn's cache is DL3060.)

    Why it matters:
    npm keeps a copy of every downloaded package in `~/.npm`; it is
    useless at run time and often tens of megabytes.

    Example:
    ```dockerfile
    RUN npm ci --omit=dev
    ```

    Fix:
    ```dockerfile
    RUN npm ci --omit=dev && npm cache clean --force
    ```
    or `RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev`.  The
    quick fix appends `npm cache clean --force`.
    """

    code = "DLS110"
    name = "npm-cache-left-behind"
    severity = Severity.INFO
    group = "best-practice"
    commands = frozenset({"npm"})
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not image_layers_kept(stage, model):
            return
        for idx, inst, shell in stage_runs(stage, model):
            if _cache_mounted(inst):
                continue
            for inv in invocations(inst, shell, ("npm",), ("install", "i", "ci"), _TAKES_VALUE):
                if occurs_after(inv, _cleans) or inv.cmd.has_flag("--cache"):
                    continue
                edit = end_of_script_edit(inv, " && npm cache clean --force")
                fix = None
                if edit is not None and model.parse.items[idx] is inst:
                    fix = Fix("Append `npm cache clean --force`", (edit,), Applicability.SAFE)
                yield Finding(
                    inv.words_span(),
                    f"`npm {inv.sub.value}` leaves npm's download cache in the image:"
                    " run `npm cache clean --force` after it",
                    fix,
                    item=idx,
                )
                break


RULE = NpmCacheLeftBehind()

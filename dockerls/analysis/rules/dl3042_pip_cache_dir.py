"""DL3042: `pip install` keeps its download cache in the image."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._pkg import FALSE_WORDS, cache_targets, pip_installs, stage_runs
from dockerls.analysis.rules.base import (
    Applicability,
    Finding,
    Fix,
    FixAvailability,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().strip("\"'").lower() not in FALSE_WORDS | {""}


def _pip_cache_mounted(inst: Instruction) -> bool:
    return any(t.endswith("/.cache/pip") or t == ".cache/pip" for t in cache_targets(inst))


def _names_variable(stage: Stage, model: Model) -> bool:
    """Whether an ARG or ENV of the stage or of the stage it builds on names
    ``PIP_NO_CACHE_DIR``: ``Model.env_at`` reads a variable from those
    definitions only, so without one the stage's environment has none."""
    stages = [stage]
    if stage.base_stage is not None:
        stages.append(model.stages[stage.base_stage])
    return any(d.name == "PIP_NO_CACHE_DIR" for st in stages for d in st.definitions())


class PipCacheDir(Rule):
    """What it does:
    Flags `pip install` run without `--no-cache-dir`, unless
    `PIP_NO_CACHE_DIR` is set (by `ENV`, `ARG` or on the command) or the pip
    cache directory is a cache or tmpfs mount.

    Why it matters:
    pip keeps every downloaded wheel in `~/.cache/pip`.  In an image that
    cache is dead weight, often as large as the packages themselves.

    Example:
    ```dockerfile
    RUN pip install -r requirements.txt
    ```

    Fix:
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    or `ENV PIP_NO_CACHE_DIR=1`, or
    `RUN --mount=type=cache,target=/root/.cache/pip pip install ...`.
    The quick fix adds `--no-cache-dir`.
    """

    code = "DL3042"
    name = "pip-cache-dir-kept"
    severity = Severity.WARNING
    group = "hadolint"
    commands = frozenset({"pip"})
    fix = FixAvailability.ALWAYS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for idx, inst, shell in stage_runs(stage, model):
            invs = list(pip_installs(inst, shell, pipx=False))
            if not invs or _pip_cache_mounted(inst):
                continue
            if _names_variable(stage, model) and _truthy(
                model.env_at(stage, idx).get("PIP_NO_CACHE_DIR")
            ):
                continue
            for inv in invs:
                if inv.cmd.has_flag("--no-cache-dir"):
                    continue
                if any(
                    a.name == "PIP_NO_CACHE_DIR" and _truthy(a.value.value)
                    for a in inv.cmd.assignments
                ):
                    continue
                yield Finding(
                    inv.words_span(),
                    f"`{inv.label}` without `--no-cache-dir` leaves pip's download cache in the image",
                    Fix(
                        "Add `--no-cache-dir`",
                        (inv.after_sub(" --no-cache-dir"),),
                        Applicability.SAFE,
                    ),
                    item=idx,
                )


RULE = PipCacheDir()

"""DLS130: a stage that no known build runs."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.buildview import build_views, names
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity, Tag
from dockerls.syntax.nodes import Instruction, Span


class StageNotBuilt(Rule):
    """What it does:
    When the builds of the Dockerfile are known (Compose services, Bake
    targets, the `build.*` settings, `dockerls check --target`), marks a stage
    that none of them runs: not their `--target` (or the last stage), and not
    reached from one through `FROM <stage>`, `COPY --from=<stage>` or
    `RUN --mount=from=<stage>` (unless a named build context of the stage's
    name overwrites it there: then those read the context). Editors grey the
    stage out. Without any known build the rule is silent: every stage could
    be someone's target.

    Why it matters:
    A stage nobody builds is dead code: it is not tested by the builds you
    run, its findings don't matter for them, and it is easy to keep editing
    it by mistake.

    Example:
    ```dockerfile
    # compose.yaml builds `target: prod`
    FROM python:3.12-slim AS base
    FROM base AS debug
    RUN pip install --no-cache-dir debugpy==1.8.0
    FROM base AS prod
    CMD ["gunicorn", "app:app"]
    ```

    Fix:
    Delete the stage, or add the build that needs it (a Compose service or a
    Bake target with `target: debug`).
    """

    code = "DLS130"
    name = "stage-not-built"
    severity = Severity.INFO
    group = "best-practice"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not model.facts.builds:
            return
        views = build_views(model)
        if any(stage.index in v.reached for v in views):
            return
        if not any(v.target_found for v in views):
            return  # every build names a missing target: that is the finding to fix
        label = f"`{stage.name}`" if stage.name else f"{stage.index}"
        yield Finding(
            _whole_stage(stage, model),
            f"Stage {label} is not built by any known build ({names(views)})",
            item=stage.first,
            tags=(Tag.UNNECESSARY,),
        )


def _whole_stage(stage: Stage, model: Model) -> Span:
    """From the FROM to the end of the stage's last instruction (relative to the FROM)."""
    last = max((i for i, _ in stage.instructions), default=stage.first)
    item = model.parse.items[last]
    assert isinstance(item, Instruction)
    base = model.start(stage.first)
    return Span(0, model.start(last) + len(item.text.rstrip("\r\n")) - base)


RULE = StageNotBuilt()

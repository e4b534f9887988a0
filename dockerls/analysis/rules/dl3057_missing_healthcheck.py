"""DL3057: the image has no HEALTHCHECK (off by default)."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


def _has_healthcheck(stage: Stage, model: Model, seen: frozenset[int] = frozenset()) -> bool:
    if any(True for _ in stage.by_name("HEALTHCHECK")):
        return True
    base = stage.base_stage
    if base is None or base in seen or base >= stage.index:
        return False
    return _has_healthcheck(model.stages[base], model, seen | {stage.index})


class MissingHealthcheck(Rule):
    """What it does:
    Flags the final stage when neither it nor a stage it builds on declares
    a `HEALTHCHECK`. Off by default; turn it on in the settings.

    Why it matters:
    Without a health check the runtime only knows whether the process is
    alive, not whether it serves requests, so orchestrators cannot restart
    a hung container.

    Example:
    ```dockerfile
    FROM nginx:1.27
    COPY site/ /usr/share/nginx/html/
    ```

    Fix:
    Declare how to probe the service (or `HEALTHCHECK NONE` to say there is
    nothing to probe):
    ```dockerfile
    HEALTHCHECK CMD ["curl", "-fs", "http://localhost/"]
    ```
    """

    code = "DL3057"
    name = "missing-healthcheck"
    severity = Severity.OFF
    group = "hadolint"
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not stage.is_last or _has_healthcheck(stage, model):
            return
        span = stage.from_inst.keyword_span
        yield Finding(span, "The image declares no `HEALTHCHECK`", item=stage.first)


RULE = MissingHealthcheck()

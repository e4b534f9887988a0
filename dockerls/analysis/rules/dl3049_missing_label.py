"""DL3049: a label required by the label schema is missing."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import schema, stage_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Span


class MissingLabel(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), reports each label
    of the schema that a stage does not set.

    Why it matters:
    A schema is how a team makes sure every image says who owns it, where its
    source lives and which version it is; a missing label defeats that.

    Example:
    With the schema `{org.opencontainers.image.source: url}`:
    ```dockerfile
    FROM alpine:3.20
    ```

    Fix:
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.source="https://github.com/acme/app"
    ```
    """

    code = "DL3049"
    name = "missing-label"
    severity = Severity.INFO
    group = "hadolint"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        sch = schema(model)
        if not sch:
            return
        present = {pair.key for _i, pair in stage_labels(stage)}
        span = stage.image_span or stage.from_inst.keyword_span or Span(0, 0)
        for key in sch:
            if key not in present:
                yield Finding(span, f"Stage lacks the required label `{key}`", item=stage.first)


RULE = MissingLabel()

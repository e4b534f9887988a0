"""DL3051: a label of the label schema is set to an empty value."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import schema, stage_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class EmptyLabel(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), flags a schema
    label whose value is empty.

    Why it matters:
    An empty label satisfies "the label exists" but carries no information,
    which usually means a build argument was not passed.

    Example:
    With the schema `{org.opencontainers.image.version: text}`:
    ```dockerfile
    LABEL org.opencontainers.image.version=""
    ```

    Fix:
    Give the label a value.
    """

    code = "DL3051"
    name = "empty-label"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        sch = schema(model)
        if not sch:
            return
        for idx, pair in stage_labels(stage):
            if pair.key in sch and not pair.value.strip():
                yield Finding(pair.key_span, f"Label `{pair.key}` is empty", item=idx)


RULE = EmptyLabel()

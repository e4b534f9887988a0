"""DL3050: a label outside the label schema (with strict labels)."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import schema, stage_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class SuperfluousLabel(Rule):
    """What it does:
    When the settings turn on `strict_labels`, flags every label whose key is
    not in the label schema (`label_schema`).

    Why it matters:
    Strict labels keep image metadata to an agreed set, so typos such as
    `org.opencontainers.image.sorce` are caught instead of silently adding a
    new label.

    Example:
    With the schema `{org.opencontainers.image.source: url}` and strict labels:
    ```dockerfile
    LABEL org.opencontainers.image.sorce="https://github.com/acme/app"
    ```

    Fix:
    Correct the key, remove the label, or add it to the schema.
    """

    code = "DL3050"
    name = "superfluous-label"
    severity = Severity.INFO
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not model.options.strict_labels:
            return
        sch = schema(model)
        for idx, pair in stage_labels(stage):
            if pair.key not in sch:
                yield Finding(
                    pair.key_span, f"Label `{pair.key}` is not in the label schema", item=idx
                )


RULE = SuperfluousLabel()

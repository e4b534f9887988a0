"""DL3053: a label typed `rfc3339` in the label schema holds something else."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import CHECKS, typed_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LabelNotRfc3339(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), checks that every
    label declared there as `rfc3339` holds an RFC 3339 date-time such as `2024-05-01T12:00:00Z`.  Values built from
    variables are not checked.

    Why it matters:
    Tools that read image metadata (registries, scanners, SBOM generators)
    expect these labels in a fixed format and drop or misread other values.

    Example:
    With the schema `{org.opencontainers.image.created: rfc3339}`:
    ```dockerfile
    LABEL org.opencontainers.image.created="2024-05-01"
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.created="2024-05-01T12:00:00Z"
    ```
    """

    code = "DL3053"
    name = "label-not-rfc3339"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        valid = CHECKS["rfc3339"]
        for idx, pair in typed_labels(stage, model, "rfc3339"):
            if not valid(pair.value):
                yield Finding(
                    pair.value_span,
                    f"Label `{pair.key}` should be an RFC 3339 time, not `{pair.value}`",
                    item=idx,
                )


RULE = LabelNotRfc3339()

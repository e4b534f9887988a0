"""DL3052: a label typed `url` in the label schema holds something else."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import CHECKS, typed_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LabelNotUrl(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), checks that every
    label declared there as `url` holds a URL with a scheme and a host.  Values built from
    variables are not checked.

    Why it matters:
    Tools that read image metadata (registries, scanners, SBOM generators)
    expect these labels in a fixed format and drop or misread other values.

    Example:
    With the schema `{org.opencontainers.image.source: url}`:
    ```dockerfile
    LABEL org.opencontainers.image.source="github.com/acme/app"
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.source="https://github.com/acme/app"
    ```
    """

    code = "DL3052"
    name = "label-not-url"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        valid = CHECKS["url"]
        for idx, pair in typed_labels(stage, model, "url"):
            if not valid(pair.value):
                yield Finding(
                    pair.value_span,
                    f"Label `{pair.key}` should be a URL, not `{pair.value}`",
                    item=idx,
                )


RULE = LabelNotUrl()

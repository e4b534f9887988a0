"""DL3056: a label typed `semver` in the label schema holds something else."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import CHECKS, typed_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LabelNotSemver(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), checks that every
    label declared there as `semver` holds a semantic version (`1.4.2`, `2.0.0-rc.1`), without a `v` prefix.  Values built from
    variables are not checked.

    Why it matters:
    Tools that read image metadata (registries, scanners, SBOM generators)
    expect these labels in a fixed format and drop or misread other values.

    Example:
    With the schema `{org.opencontainers.image.version: semver}`:
    ```dockerfile
    LABEL org.opencontainers.image.version="v1.4"
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.version="1.4.0"
    ```
    """

    code = "DL3056"
    name = "label-not-semver"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        valid = CHECKS["semver"]
        for idx, pair in typed_labels(stage, model, "semver"):
            if not valid(pair.value):
                yield Finding(
                    pair.value_span,
                    f"Label `{pair.key}` should be a semantic version, not `{pair.value}`",
                    item=idx,
                )


RULE = LabelNotSemver()

"""DL3054: a label typed `spdx` in the label schema holds something else."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import CHECKS, typed_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LabelNotSpdx(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), checks that every
    label declared there as `spdx` holds an SPDX license identifier or expression (`MIT`, `Apache-2.0 OR MIT`).  Values built from
    variables are not checked.

    Why it matters:
    Tools that read image metadata (registries, scanners, SBOM generators)
    expect these labels in a fixed format and drop or misread other values.

    Example:
    With the schema `{org.opencontainers.image.licenses: spdx}`:
    ```dockerfile
    LABEL org.opencontainers.image.licenses="Apache 2"
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.licenses="Apache-2.0"
    ```
    """

    code = "DL3054"
    name = "label-not-spdx"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        valid = CHECKS["spdx"]
        for idx, pair in typed_labels(stage, model, "spdx"):
            if not valid(pair.value):
                yield Finding(
                    pair.value_span,
                    f"Label `{pair.key}` should be an SPDX license expression, not `{pair.value}`",
                    item=idx,
                )


RULE = LabelNotSpdx()

"""DL3058: a label typed `email` in the label schema holds something else."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import CHECKS, typed_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LabelNotEmail(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), checks that every
    label declared there as `email` holds a bare e-mail address (`ops@example.com`, no display name).  Values built from
    variables are not checked.

    Why it matters:
    Tools that read image metadata (registries, scanners, SBOM generators)
    expect these labels in a fixed format and drop or misread other values.

    Example:
    With the schema `{maintainer: email}`:
    ```dockerfile
    LABEL maintainer="Ops Team <ops@example.com>"
    ```

    Fix:
    ```dockerfile
    LABEL maintainer="ops@example.com"
    ```
    """

    code = "DL3058"
    name = "label-not-email"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        valid = CHECKS["email"]
        for idx, pair in typed_labels(stage, model, "email"):
            if not valid(pair.value):
                yield Finding(
                    pair.value_span,
                    f"Label `{pair.key}` should be an e-mail address, not `{pair.value}`",
                    item=idx,
                )


RULE = LabelNotEmail()

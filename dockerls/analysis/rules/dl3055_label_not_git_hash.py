"""DL3055: a label typed `hash` in the label schema holds something else."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._labels import CHECKS, typed_labels
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LabelNotGitHash(Rule):
    """What it does:
    With a label schema in the settings (`label_schema`), checks that every
    label declared there as `hash` holds a git commit hash (7 to 40 hexadecimal digits, or 64 for SHA-256 repositories).  Values built from
    variables are not checked.

    Why it matters:
    Tools that read image metadata (registries, scanners, SBOM generators)
    expect these labels in a fixed format and drop or misread other values.

    Example:
    With the schema `{org.opencontainers.image.revision: hash}`:
    ```dockerfile
    LABEL org.opencontainers.image.revision="main"
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.revision="3f2a9c1"
    ```
    """

    code = "DL3055"
    name = "label-not-git-hash"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        valid = CHECKS["hash"]
        for idx, pair in typed_labels(stage, model, "hash"):
            if not valid(pair.value):
                yield Finding(
                    pair.value_span,
                    f"Label `{pair.key}` should be a git commit hash, not `{pair.value}`",
                    item=idx,
                )


RULE = LabelNotGitHash()

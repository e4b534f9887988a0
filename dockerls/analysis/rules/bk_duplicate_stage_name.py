"""DuplicateStageName: two stages with the same name."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity


class DuplicateStageName(Rule):
    """What it does:
    Flags a stage whose name (compared case-insensitively) was already used
    by an earlier stage.

    Why it matters:
    `--from=name`, `FROM name` and `--target` become ambiguous; BuildKit
    refuses to build such a file.

    Example:
    ```dockerfile
    FROM alpine:3.20 AS build
    FROM golang:1.22 AS build
    ```

    Fix:
    Give each stage its own name.
    """

    code = "DuplicateStageName"
    name = "duplicate-stage-name"
    severity = Severity.WARNING
    group = "buildkit"
    same_as = ("DL3024",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        st = model.earlier_stage_with_name_of(stage)
        if st is not None and stage.name_span is not None:
            yield Finding(
                stage.name_span,
                f"Stage name `{stage.name}` is already used on line {model.parse.lines[st.first] + 1}",
                item=stage.first,
            )


RULE = DuplicateStageName()

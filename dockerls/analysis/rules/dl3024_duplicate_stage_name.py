"""DL3024: two stages share the same alias."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class DuplicateStageName(Rule):
    """What it does:
    Flags a `FROM ... AS <name>` whose alias an earlier stage already uses
    (compared without regard to case, as the builder does).

    Why it matters:
    `COPY --from=<name>` and `FROM <name>` can only mean one stage; the
    builder rejects the Dockerfile.

    Example:
    ```dockerfile
    FROM node:20 AS build
    FROM golang:1.22 AS build
    ```

    Fix:
    Give every stage its own alias:
    ```dockerfile
    FROM node:20 AS web
    FROM golang:1.22 AS api
    ```
    """

    code = "DL3024"
    name = "duplicate-stage-alias"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.NONE
    same_as = ("DuplicateStageName",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        st = model.earlier_stage_with_name_of(stage)
        if st is not None and stage.name_span is not None:
            yield Finding(
                stage.name_span,
                f"Stage name `{stage.name}` is already used by stage {st.index}",
                item=stage.first,
            )


RULE = DuplicateStageName()

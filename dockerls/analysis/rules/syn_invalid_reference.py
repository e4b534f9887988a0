"""InvalidReference: a FROM image that is not a valid image reference."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Span


class InvalidReference(Rule):
    """What it does:
    Flags a `FROM` image that is not a valid reference: an empty tag
    (`alpine:`), an uppercase repository, a bad tag or digest, an empty path
    component. Images with variables and names of earlier stages are skipped.

    Why it matters:
    BuildKit parses the reference before pulling and fails on a malformed one.

    Example:
    ```dockerfile
    FROM Ubuntu:22.04
    ```

    Fix:
    Correct the reference: `FROM ubuntu:22.04`.
    """

    code = "InvalidReference"
    name = "invalid-reference"
    severity = Severity.ERROR
    group = "syntax"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        ref = stage.image_ref
        span = stage.image_span
        if ref is None or span is None or ref.has_variables or stage.base_stage is not None:
            return
        if '"' in stage.image or "'" in stage.image or stage.base_stage is not None:
            return
        if not ref.errors:
            return
        exact = len(span) == len(stage.image)
        for message, sp in ref.errors[:1]:
            start, end = (sp.start, sp.end) if isinstance(sp, Span) else sp
            where = Span(span.start + start, span.start + max(end, start + 1)) if exact else span
            if where.end > span.end:
                where = span
            yield Finding(
                where, f"Invalid image reference `{stage.image}`: {message}", item=stage.first
            )


RULE = InvalidReference()

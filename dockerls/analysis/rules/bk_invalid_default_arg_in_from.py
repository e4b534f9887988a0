"""InvalidDefaultArgInFrom: FROM is not a valid image with the ARG defaults."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage, expand
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_common import PLATFORM_DEFAULTS
from dockerls.syntax.imageref import parse_image_ref


class InvalidDefaultArgInFrom(Rule):
    """What it does:
    Expands a `FROM` image that uses variables with the default values of
    the global ARGs (as if no `--build-arg` were given) and flags it when the
    result is empty or not a valid image reference.

    Why it matters:
    A build without the right `--build-arg` then fails with a confusing
    error, and tools that read the Dockerfile cannot tell which image is
    meant.

    Example:
    ```dockerfile
    ARG TAG
    FROM alpine:${TAG}
    ```

    Fix:
    Give the argument a usable default (`ARG TAG=3.20`) or a fallback in the
    reference (`FROM alpine:${TAG:-3.20}`).
    """

    code = "InvalidDefaultArgInFrom"
    name = "invalid-default-arg-in-from"
    severity = Severity.WARNING
    group = "buildkit"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if stage.image_span is None or "$" not in stage.image:
            return
        env: dict[str, str | None] = dict(PLATFORM_DEFAULTS)
        env.update(model.global_env())
        try:
            result = expand(stage.image, env, model.escape)
        except RecursionError:
            return
        if (
            result
            and model.stage_named(result) is not None
            and model.stage_named(result) is not stage
        ):
            return
        ref = parse_image_ref(result) if result else None
        if ref is not None and ref.is_valid and not ref.has_variables:
            return
        shown = f"`{result}`" if result else "an empty string"
        yield Finding(
            stage.image_span,
            f"With the default ARG values `{stage.image}` becomes {shown}, which is not a valid image reference",
            item=stage.first,
        )


RULE = InvalidDefaultArgInFrom()

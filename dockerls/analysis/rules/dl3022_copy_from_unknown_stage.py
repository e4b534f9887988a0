"""DL3022: COPY --from names a stage that no earlier FROM defined."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.buildview import context_everywhere
from dockerls.analysis.model import Model, Stage, stage_ref_index
from dockerls.analysis.rules._misc_common import get_flag
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


def looks_external(value: str) -> bool:
    """``--from`` values that can only name an image, never a stage: a stage
    name has no ``/``, ``:`` or ``@``, while an image reference with a
    registry or namespace (``docker.io/x/y``), a tag or port (``nginx:1``) or
    a digest (``name@sha256:...``) has one of them."""
    return any(c in value for c in "/:@")


class CopyFromUnknownStage(Rule):
    """What it does:
    Flags `COPY --from=<name>` when no earlier `FROM ... AS <name>` defines
    that stage, and a stage number that does not exist yet. Values that can
    only be an image reference (with a `/`, `:` or `@`, which a stage name
    never has: `nginx:1.27`, `docker.io/x/y`, `name@sha256:...`) and values
    with variables are left alone, as is a name every known build that runs
    the stage gives a named build context (Compose's `additional_contexts`,
    Bake's `contexts`, `--build-context`).

    Why it matters:
    An unknown name is pulled as an image from a registry instead, which is
    rarely what was meant: usually the stage is misspelled or defined later.

    Example:
    ```dockerfile
    FROM golang:1.22 AS build
    FROM alpine:3.20
    COPY --from=bulid /out/app /app
    ```

    Fix:
    Use the alias of an earlier stage, or a full image reference with a tag.
    """

    code = "DL3022"
    name = "copy-from-unknown-stage"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"COPY"})
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for idx, inst in stage.by_name("COPY"):
            f = get_flag(inst, "from")
            if f is None or not f.value or f.value_span is None:
                continue
            value = f.value
            if "$" in value or looks_external(value):
                continue
            if stage_ref_index(value, stage, model) is not None:
                continue
            if context_everywhere(model, stage, value):  # every build names that context
                continue
            yield Finding(
                f.value_span,
                f"`--from={value}` names no stage defined before this one",
                item=idx,
            )


RULE = CopyFromUnknownStage()

"""UndefinedArgInFrom: FROM uses a variable no global ARG declares."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import PLATFORM_ARGS, Model, Stage, VarRef, may_reference
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_common import DEFAULTING_MODIFIERS, suggest, text_refs
from dockerls.syntax.nodes import Span


class UndefinedArgInFrom(Rule):
    """What it does:
    Flags a `$NAME` in a `FROM` line (image or `--platform`) that no `ARG`
    before the first `FROM` declares. BuildKit's automatic platform
    arguments (`TARGETPLATFORM`, `BUILDARCH`, ...) count as declared, and so
    do references with a fallback such as `${TAG:-latest}`. A close declared
    name is suggested.

    Why it matters:
    Only global ARGs are visible to `FROM`; an undeclared one expands to
    nothing, so `FROM alpine:$TAG` becomes `FROM alpine:` and the build
    fails or pulls something unexpected.

    Example:
    ```dockerfile
    ARG VERSION=3.20
    FROM alpine:${VERSON}
    ```

    Fix:
    Declare the argument before the first `FROM` (`ARG VERSON=...`) or fix
    the name.
    """

    code = "UndefinedArgInFrom"
    name = "undefined-arg-in-from"
    severity = Severity.WARNING
    group = "buildkit"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not may_reference(stage.from_inst):
            return
        declared = {d.name for d in model.global_args}
        known = declared | PLATFORM_ARGS
        inst = stage.from_inst
        escape = model.escape
        refs: list[tuple[VarRef, Span]] = []
        if stage.image_span is not None:
            refs.extend(text_refs(stage.image, stage.image_span, escape))
        for f in inst.flags:
            if f.name == "platform" and f.value is not None:
                refs.extend(text_refs(f.value, f.value_span, escape))
        for ref, span in refs:
            if ref.name in known or ref.modifier in DEFAULTING_MODIFIERS:
                continue
            near = suggest(ref.name, known)
            hint = f" (did you mean `{near}`?)" if near else ""
            yield Finding(
                span,
                f"`{ref.name}` is not declared by an `ARG` before the first `FROM`{hint}",
                item=stage.first,
            )


RULE = UndefinedArgInFrom()

"""DLS131: an ARG without a default that a known build doesn't set, read by a stage it runs."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.buildview import BuildView, names, views_reaching
from dockerls.analysis.model import PLATFORM_ARGS, PROXY_ARGS, Model, Stage, var_refs
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Span

# references that bring their own value when the variable is unset
_DEFAULTED = frozenset({":-", "-", ":+", "+"})


class BuildArgNotSet(Rule):
    """What it does:
    When the builds of the Dockerfile are known (Compose services, Bake
    targets, the `build.*` settings, `dockerls check --build-arg`), flags an
    `ARG` without a default that a build running the stage doesn't set,
    where the stage reads it: in `FROM` (a global `ARG`), or in a later
    instruction of the stage. The message names the builds. References with
    their own fallback (`${NAME:-x}`) and BuildKit's automatic platform and
    proxy arguments are fine.

    Why it matters:
    The variable expands to an empty string in that build: an image reference
    with no name or tag, a download URL missing its version, a `RUN` that
    quietly does something else than in the builds that pass the argument.

    Example:
    ```dockerfile
    # compose.yaml's `web` service passes no `args`
    FROM python:3.12-slim
    ARG APP_VERSION
    RUN pip install --no-cache-dir "app==${APP_VERSION}"
    ```

    Fix:
    Pass the argument in every build (`args:` in Compose or Bake,
    `--build-arg`), or give the `ARG` a default.
    """

    code = "DLS131"
    name = "build-arg-not-set"
    severity = Severity.WARNING
    group = "best-practice"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not model.facts.builds:
            return
        views = views_reaching(model, stage)
        if not views:
            return
        yield from _in_from(stage, model, views)
        yield from _in_stage(stage, model, views)


def _message(name: str, missing: list[BuildView]) -> str:
    verb = "does" if len(missing) == 1 else "do"
    return f"ARG `{name}` has no default and {names(missing)} {verb} not set it"


def _unset(name: str, views: list[BuildView]) -> list[BuildView]:
    return [v for v in views if v.build is not None and name not in v.build.args]


def _in_from(stage: Stage, model: Model, views: list[BuildView]) -> Iterable[Finding]:
    if stage.image_span is None or "$" not in stage.image:
        return
    bare = {d.name for d in model.global_args if d.value is None}
    reported = set()
    for ref in var_refs(stage.image, model.escape):
        if ref.name not in bare or ref.modifier in _DEFAULTED or ref.name in reported:
            continue
        missing = _unset(ref.name, views)
        if missing:
            reported.add(ref.name)
            start = stage.image_span.start + ref.start
            yield Finding(
                Span(start, stage.image_span.start + ref.end),
                _message(ref.name, missing),
                item=stage.first,
            )


def _in_stage(stage: Stage, model: Model, views: list[BuildView]) -> Iterable[Finding]:
    defaults = {d.name for d in model.global_args if d.value is not None}
    defs = stage.definitions()
    for k, d in enumerate(defs):
        if d.kind != "ARG" or d.value is not None or d.name in defaults:
            continue
        if d.name in PLATFORM_ARGS or d.name in PROXY_ARGS:
            continue
        # a later definition of the same name in the stage gives it a value from there on
        end = next((e.item for e in defs[k + 1 :] if e.name == d.name), stage.end)
        if not _read(stage, model, d.name, d.item, end):
            continue
        missing = _unset(d.name, views)
        if missing:
            yield Finding(d.name_span, _message(d.name, missing), item=d.item)


def _read(stage: Stage, model: Model, name: str, after: int, end: int) -> bool:
    """Whether an instruction between ``after`` and ``end`` reads ``$name`` without a fallback."""
    for idx, inst in stage.instructions:
        if after < idx < end and "$" in inst.text:
            for ref in var_refs(inst.text, model.escape):
                if ref.name == name and ref.modifier not in _DEFAULTED:
                    return True
    return False


RULE = BuildArgNotSet()

"""A ``Build`` checked against the Dockerfile it builds.

The one place that decides whether a build's ``target`` names a stage, which of its ``args``
no ARG declares, and what a missing Dockerfile means.  The Compose and Bake side of the
server (diagnostics, definition, completion) and anything else that needs the target's
stage read these.  Pure: no IO (the caller says whether the Dockerfile could be read).
"""

from __future__ import annotations

from pathlib import PurePath

from dockerls.analysis.builds import (
    MISSING_DOCKERFILE,
    UNKNOWN_TARGET,
    UNUSED_ARG,
    UNUSED_CONTEXT,
    Build,
    Problem,
)
from dockerls.analysis.model import Model, Stage
from dockerls.syntax.spec import closest, predefined_arg

__all__ = ["arg_names", "check_build", "target_stage", "unknown_target"]


def target_stage(build: Build, model: Model) -> Stage | None:
    """The stage a build's ``target`` names (stage names ignore case, as BuildKit's do)."""
    return model.stage_named(build.target) if build.target else None


def unknown_target(build: Build, model: Model) -> bool:
    """The build names a target and no stage has that name: BuildKit fails the build."""
    return bool(build.target) and target_stage(build, model) is None


def arg_names(model: Model) -> list[str]:
    """Every name an ARG declares, global ARGs first, each once, in the file's order."""
    names = [d.name for d in model.global_args if d.kind == "ARG"]
    for stage in model.stages:
        names += [d.name for d in stage.definitions() if d.kind == "ARG"]
    return list(dict.fromkeys(names))


def check_build(build: Build, model: Model | None) -> list[Problem]:
    """What is wrong with ``build`` for its Dockerfile (``model`` None: it can't be read)."""
    name = PurePath(build.dockerfile).name if build.dockerfile else "Dockerfile"
    if model is None:
        where = build.dockerfile_origin or build.origin
        message = f"{build.name}: {build.dockerfile} does not exist"
        return [Problem(message, where, "error", MISSING_DOCKERFILE)]
    problems: list[Problem] = []
    if build.target and unknown_target(build, model):
        stages = [s.name for s in model.stages if s.name]
        hint = closest(build.target, stages)
        message = f"{build.name}: no stage named {build.target!r} in {name}"
        if hint is not None:
            message += f"; did you mean {hint!r}?"
        where = build.target_origin or build.origin
        # its fix rewrites the value: only where the value's place is known
        suggestion = hint if build.target_origin is not None else None
        problems.append(Problem(message, where, "error", UNKNOWN_TARGET, suggestion))
    names = arg_names(model)
    declared = set(names)
    for key, origin in build.arg_origins.items():
        if key not in declared and predefined_arg(key) is None:
            message = f"{build.name}: no ARG {key} in {name}, so the build argument is unused"
            # not one the build sets already: the fix would make a duplicate key
            hint = closest(key, [n for n in names if n not in build.arg_origins])
            if hint is not None:
                message += f"; did you mean {hint!r}?"
            problems.append(Problem(message, origin, "information", UNUSED_ARG, hint))
    problems += _unused_contexts(build, model, name)
    return problems


def _unused_contexts(build: Build, model: Model, name: str) -> list[Problem]:
    """The build's named contexts nothing in the file reads (when all it reads is known)."""
    if not build.context_origins:
        return []
    # (buildview imports this module)
    from dockerls.analysis.buildview import context_key, names_read

    read = names_read(model, build)
    if read is None:
        return []
    given = {context_key(k) for k in build.contexts}
    # a name read that neither a stage nor another context gives: what a typo meant
    meant = sorted(n for n in read if n not in given and model.stage_named(n) is None)
    out = []
    for key, origin in build.context_origins.items():
        if context_key(key) in read:
            continue
        message = (
            f"{build.name}: nothing in {name} reads the named context {key!r} "
            "(no FROM, --from or from= names it)"
        )
        hint = closest(key, meant)
        if hint is not None:
            message += f"; did you mean {hint!r}?"
        out.append(Problem(message, origin, "information", UNUSED_CONTEXT, hint))
    return out

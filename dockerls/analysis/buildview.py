"""The Dockerfile as each known build sees it: FROM's ARG values and the stages it builds.

``build_views(model)`` gives one ``BuildView`` per build in ``model.facts.builds``, or a single
default view (``build`` None) when no build is known: the global ARGs' defaults, as BuildKit
uses them without ``--build-arg``, and every stage counted as built (any could be a target).

A view's ``env`` is what FROM lines read: the global ARGs, each build argument overriding the
default of an ARG declared before the first FROM (BuildKit passes no other build argument to
FROM).  Its ``reached`` stages are those the build runs: its ``--target`` (else the last stage)
and, transitively, every stage one of them builds on (``FROM stage``, ``FROM ${VAR}`` naming a
stage in that build), copies from (``COPY --from``) or mounts (``RUN --mount=from=``), but a
stage one of the build's named contexts overwrites (a context of the stage's name: what names
the stage reads the context).

Pure: no IO, no LSP types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from dockerls.analysis.buildcheck import target_stage
from dockerls.analysis.builds import Build
from dockerls.analysis.model import Model, Stage, expand, stage_ref_index
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import unquote

__all__ = [
    "BuildView",
    "build_env",
    "build_views",
    "context_everywhere",
    "context_key",
    "context_named",
    "context_names",
    "context_readers",
    "contexts_for",
    "image_in",
    "named_context",
    "names",
    "names_read",
    "stage_parent",
    "values_per_build",
    "views_reaching",
]


class BuildView(NamedTuple):
    """The file as one build sees it: its global ARGs and the stages it runs."""

    build: Build | None  # None: no build is known (ARG defaults, every stage)
    env: Mapping[str, str | None]  # the global ARGs as FROM reads them
    reached: frozenset[int]  # indices of the stages this build runs
    target_found: bool = True  # False: its --target names no stage (it reaches nothing)

    @property
    def name(self) -> str | None:
        return None if self.build is None else self.build.name


def names(views: list[BuildView] | tuple[BuildView, ...]) -> str:
    """``compose:web, bake:prod`` (empty for the default view)."""
    return ", ".join(v.name for v in views if v.name is not None)


def build_env(model: Model, build: Build | None) -> dict[str, str | None]:
    """The global ARGs' values in ``build`` (its build args over the defaults)."""
    if build is None or not build.args:
        return model.global_env()
    env: dict[str, str | None] = {}
    for d in model.global_args:
        if d.name in build.args:
            env[d.name] = build.args[d.name]
        else:
            env[d.name] = (
                expand(unquote(d.value), env, model.escape) if d.value is not None else None
            )
    return env


def stage_parent(model: Model, stage: Stage, env: Mapping[str, str | None]) -> Stage | None:
    """The earlier stage ``stage`` is built on with the FROM values ``env``."""
    if stage.base_stage is not None:
        return model.stages[stage.base_stage] if stage.base_stage < stage.index else None
    if "$" not in stage.image:
        return None
    name = expand(stage.image, env, model.escape)
    found = model.stage_named(name) if name else None
    return found if found is not None and found.index < stage.index else None


def _needs(model: Model, stage: Stage, env: Mapping[str, str | None]) -> list[int]:
    """The stages ``stage`` reads: its parent, ``COPY --from`` and ``RUN --mount from=``."""
    out: list[int] = []
    parent = stage_parent(model, stage, env)
    if parent is not None:
        out.append(parent.index)
    literal, variable = _stage_sources(stage, model)
    out += literal
    for value in variable:
        k = stage_ref_index(expand(value, env, model.escape), stage, model)
        if k is not None and k != stage.index:
            out.append(k)
    return out


def _stage_sources(stage: Stage, model: Model) -> tuple[list[int], list[str]]:
    """What ``stage``'s ``COPY --from``/``ADD --from`` and ``RUN --mount=from=`` name: the
    stages literal values name, and the values with variables (once per Stage object: its
    items never change, and the keystroke path keeps the objects of untouched stages and
    the stage names)."""
    cached = stage.sources_memo
    if cached is None:
        values = _source_values(stage)
        literal = []
        for value in dict.fromkeys(v for v in values if "$" not in v):
            k = stage_ref_index(value, stage, model)
            if k is not None and k != stage.index:
                literal.append(k)
        cached = (literal, [v for v in values if "$" in v])
        stage.sources_memo = cached
    return cached


def _source_values(stage: Stage) -> list[str]:
    """The values of ``stage``'s ``COPY --from``/``ADD --from`` and ``RUN --mount=from=``."""
    return [v for _idx, inst in stage.by_name("COPY", "ADD", "RUN") for v in _sources(inst)]


def _sources(inst: Instruction) -> list[str]:
    """The ``--from`` values of a COPY or ADD, the ``from=`` values of a RUN's mounts."""
    if inst.name == "RUN":
        return _mount_sources(inst)
    return [fl.value for fl in inst.flags if fl.name == "from" and fl.value]


def image_in(model: Model, stage: Stage, env: Mapping[str, str | None]) -> str:
    """``stage``'s FROM image with the FROM values ``env``."""
    return expand(stage.image, env, model.escape) if "$" in stage.image else stage.image


def context_names(model: Model, build: Build | None) -> list[str]:
    """The names in the file a named context of ``build`` could be given for, each once in
    the file's order: each FROM image as the build expands it (a stage or ``scratch``
    left out), and each literal ``--from``/``from=`` value that names no stage."""
    env = build_env(model, build)
    out: dict[str, None] = {}
    for stage in model.stages:
        image = image_in(model, stage, env)
        built_on_stage = stage_parent(model, stage, env) is not None
        if not built_on_stage and image and "$" not in image and image != "scratch":
            out[image] = None
        for value in _source_values(stage):
            if "$" not in value and stage_ref_index(value, stage, model) is None:
                out[value] = None
    return list(out)


def context_readers(model: Model, build: Build, name: str) -> list[int]:
    """The items that read ``build``'s named context ``name``: each FROM whose image, as the
    build expands it, looks it up (``context_key``), and each instruction with a
    ``--from``/``from=`` that does."""
    env = build_env(model, build)
    key = context_key(name)
    out = []
    for stage in model.stages:
        if context_key(image_in(model, stage, env)) == key:
            out.append(stage.first)
        out += [
            i
            for i, inst in stage.by_name("COPY", "ADD", "RUN")
            if any(context_key(v) == key for v in _sources(inst))
        ]
    return out


def names_read(model: Model, build: Build) -> frozenset[str] | None:
    """What ``build``'s run of the file names that a named context can stand for, each as
    contexts are looked up (``context_key``): each FROM's image as the build expands it,
    every ``--from``/``from=`` value, and its ``--target``; None when one of them can't be
    known here (an image left empty or with a variable by the build's values, or a
    ``--from`` built from variables)."""
    env = build_env(model, build)
    out = {build.target} if build.target else set()
    for stage in model.stages:
        image = image_in(model, stage, env)
        values = _source_values(stage)
        if not image or "$" in image or any("$" in v for v in values):
            return None
        out.update(values, (image,))
    return frozenset(map(context_key, out))


def _mount_sources(inst: Instruction) -> list[str]:
    """The ``from=`` values of a RUN's ``--mount`` flags."""
    out = []
    for fl in inst.flags:
        if fl.name == "mount" and fl.value and "from=" in fl.value:
            for part in fl.value.split(","):
                key, _, value = part.partition("=")
                if key.strip().lower() == "from" and value.strip():
                    out.append(unquote(value.strip()))
    return out


def _reached(
    model: Model, build: Build, env: Mapping[str, str | None]
) -> tuple[frozenset[int], bool]:
    if not model.stages:
        return frozenset(), True
    if build.target:
        start = target_stage(build, model)  # the one decision, shared with the build files
        if start is None:
            return frozenset(), False
    else:
        start = model.stages[-1]
    seen = {start.index}
    todo = [start.index]
    # a stage a named context of its name overwrites: what names it reads the context
    overwritten = {context_key(k).lower() for k in build.contexts}
    while todo:
        for k in _needs(model, model.stages[todo.pop()], env):
            name = model.stages[k].name
            if k not in seen and not (name and name.lower() in overwritten):
                seen.add(k)
                todo.append(k)
    return frozenset(seen), True


def build_views(model: Model) -> tuple[BuildView, ...]:
    """One view per known build (computed once per model and builds)."""
    builds = model.facts.builds
    cached = model.build_views_memo
    if cached is not None and cached[0] is builds:
        views: tuple[BuildView, ...] = cached[1]
        return views
    if not builds:
        views = (BuildView(None, model.global_env(), frozenset(range(len(model.stages)))),)
    else:
        out = []
        for b in builds:
            env = build_env(model, b)
            reached, found = _reached(model, b, env)
            out.append(BuildView(b, env, reached, found))
        views = tuple(out)
    model.build_views_memo = (builds, views)
    return views


def values_per_build(model: Model, name: str, item: int) -> list[tuple[str, str | None]]:
    """``name``'s value at ``item`` in each known build: (build name, value or None when
    unset).  A global ARG (``item`` on a FROM line or before the first FROM) takes the
    build's argument over its default; a stage ARG takes it over its own default, else the
    global value.  Empty when no build is known or ``name`` is no ARG there."""
    if not model.facts.builds:
        return []
    stage = model.stage_of(item)
    out: list[tuple[str, str | None]] = []
    if stage is None or item == stage.first:
        if not any(d.name == name for d in model.global_args):
            return []
        for view in build_views(model):
            out.append((view.name or "", view.env.get(name)))
        return out
    arg = None
    for d in stage.definitions():
        if d.item >= item:
            break
        if d.name == name:
            arg = d
    if arg is None or arg.kind != "ARG":
        return []
    for view in build_views(model):
        assert view.build is not None
        if name in view.build.args:
            value: str | None = view.build.args[name]
        elif arg.value is not None:
            value = expand(unquote(arg.value), model.env_at(stage, arg.item), model.escape)
        else:
            value = view.env.get(name)
        out.append((view.build.name, value))
    return out


def views_reaching(model: Model, stage: Stage) -> list[BuildView]:
    """The views whose build runs ``stage``."""
    return [v for v in build_views(model) if stage.index in v.reached]


def context_key(name: str) -> str:
    """The form a named context is looked up by: BuildKit (and buildx, for the names it is
    given) takes an image reference's familiar form without ``:latest``, so
    ``docker.io/library/alpine:latest``, ``alpine:latest`` and ``alpine`` are one name;
    a name that is no reference stays as written."""
    ref = parse_image_ref(name)
    if ref.errors or ref.has_variables:
        return name
    key = ref.familiar_name + (f":{ref.tag}" if ref.tag is not None else "")
    key += f"@{ref.digest}" if ref.digest is not None else ""
    return key.removesuffix(":latest")


def context_named(build: Build | None, name: str) -> str | None:
    """The key of ``build``'s named context that ``name`` looks up (``context_key``)."""
    if build is None or not build.contexts:
        return None
    if name in build.contexts:
        return name
    key = context_key(name)
    return next((k for k in build.contexts if context_key(k) == key), None)


def named_context(build: Build | None, name: str) -> str | None:
    """The value of ``build``'s named build context ``name``, which BuildKit takes for
    ``FROM name``, ``COPY --from=name`` and ``RUN --mount=from=name`` in place of the image
    or stage of that name (None: it has none of that name)."""
    key = context_named(build, name)
    return None if key is None or build is None else build.contexts[key]


def contexts_for(model: Model, stage: Stage, name: str | None = None) -> list[tuple[Build, str]]:
    """(build, context key) of each known build that runs ``stage`` and has a named
    context ``name`` looks up (None: the stage's FROM image, as that build expands it)."""
    out = []
    for v in views_reaching(model, stage):
        if v.build is not None and v.build.contexts:
            key = context_named(v.build, image_in(model, stage, v.env) if name is None else name)
            if key is not None:
                out.append((v.build, key))
    return out


def context_everywhere(model: Model, stage: Stage, name: str | None = None) -> bool:
    """Whether every known build that runs ``stage`` (one at least) has such a context
    (``contexts_for``): for the FROM image, the image written there is built by none of
    them; for a ``--from`` value, none of them reads a stage or image of that name."""
    views = views_reaching(model, stage)
    return bool(views) and len(contexts_for(model, stage, name)) == len(views)

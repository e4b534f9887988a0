"""A FROM's base image as the build sees it (the shared reading of the base-image features).

``base_image(stage, model)`` reads a FROM's image: a literal reference, or one built from global
ARGs (their defaults, as BuildKit uses them when no build arg is given).  ``base_images(stage,
model)`` reads it in every known build that runs the stage (``model.facts.builds``, see
``buildview.py``): one ``Located`` per distinct image, naming the builds that use it.  ``Located.span(part)``
maps a part of the resolved reference (the tag, the OS suffix) to the source: the part itself in
a literal, the variable reference whose value holds it otherwise.  The lifecycle and
vulnerability rules, hover and the server's lookups all read images through it.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from dockerls.analysis.buildview import build_views, named_context, stage_parent, views_reaching
from dockerls.analysis.imagetags import ImageRelease, classify
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.upgrade import suggest_upgrade, upgrade_due
from dockerls.syntax.imageref import ImageRef, parse_image_ref
from dockerls.syntax.nodes import Span

__all__ = [
    "Located",
    "base_image",
    "base_images",
    "classified",
    "inspected_platforms",
    "plain_word",
    "upgrades",
]


def plain_word(stage: Stage) -> bool:
    """Spans inside the image word line up with the source (no quotes, no
    continuation inside it)."""
    span = stage.image_span
    return span is not None and len(span) == len(stage.image) and stage.image[:1] not in "\"'"


@dataclass(frozen=True, slots=True)
class Located:
    """A FROM's image as built, and where its parts are written."""

    ref: ImageRef  # the resolved reference
    text: str  # the resolved reference text
    written: str  # as written in FROM
    word: Span  # the image word within the FROM item
    env: Mapping[str, str | None] | None  # the ARG values it was built from (None: literal)
    escape: str = "\\"
    builds: tuple[str, ...] = ()  # the known builds that use this image (none: the defaults)
    # the named build context that gives the image (``docker-image://<ref>``) in ``builds``,
    # in place of the one written: nothing in the Dockerfile spells it
    context: str | None = None

    @property
    def from_arg(self) -> bool:
        """Whether the image is not as written in FROM (built from ARGs, or a named
        context's): no edit there can change it."""
        return self.env is not None or self.context is not None

    def span(self, part: tuple[int, int] | None) -> Span:
        """The source range of ``part`` (offsets in ``text``): the part itself in a literal
        reference, else the variable reference whose value holds it."""
        if self.context is not None:
            return self.word
        if self.env is None:
            if part is None:
                return self.word
            return Span(self.word.start + part[0], self.word.start + part[1])
        refs = var_refs(self.written, self.escape)
        if not refs:
            return self.word
        chosen = refs[0]
        pos_w = pos_r = 0
        for ref in refs:
            pos_r += ref.start - pos_w  # literal text before the reference
            value = expand(self.written[ref.start : ref.end], self.env, self.escape)
            if part is not None and pos_r <= part[0] < pos_r + max(len(value), 1):
                chosen = ref
                break
            pos_r += len(value)
            pos_w = ref.end
        return Span(self.word.start + chosen.start, self.word.start + chosen.end)

    @property
    def described(self) -> str:
        """`python:3.7`, or for an ARG-built reference "`${BASE}` is `python:3.7`", with the
        builds that pass it ("... in compose:web, bake:prod")."""
        if not self.from_arg:
            return f"`{self.text}`"
        where = f" in {', '.join(self.builds)}" if self.builds else ""
        if self.context is not None:
            where = f" (named context `{self.context}`){where}"
        return f"`{self.written}` is `{self.text}`{where}"


def base_image(
    stage: Stage, model: Model, env: Mapping[str, str | None] | None = None
) -> Located | None:
    """The stage's base image as built with the FROM values ``env`` (default: the global
    ARGs' defaults), when it is an image (not a stage, not scratch)."""
    if stage.base_stage is not None or stage.image_span is None or not stage.image:
        return None
    written = stage.image
    if "$" not in written:  # a literal: the reference the model read from the FROM
        ref = stage.image_ref
        if ref is None or ref.errors or ref.is_scratch or not plain_word(stage):
            return None
        if env is None and model.parent_stage(stage) is not None:
            return None
        return Located(ref, written, written, stage.image_span, None, model.escape)
    if env is None:
        if model.parent_stage(stage) is not None:
            return None
        env = model.global_env()
    elif stage_parent(model, stage, env) is not None:
        return None
    text = expand(written, env, model.escape)
    if not text or "$" in text:
        return None
    ref = parse_image_ref(text)
    if ref.errors or ref.is_scratch:
        return None
    return Located(ref, text, written, stage.image_span, env, model.escape)


def inspected_platforms(
    stage: Stage, model: Model, located: Located, chosen: str | None = None
) -> tuple[str | None, ...]:
    """The platforms whose images of ``located`` are inspected (vulnerabilities, sizes),
    for the server and the command line alike: FROM's literal ``--platform``; else
    ``chosen`` (the ``images.platform`` setting); else, for a stage built for the target
    platform, each literal platform of the known builds that use this image
    (``build.platform``, Compose's and Bake's ``platforms``, ``--platform``: the build
    views carry them), in order; else None (the registry's default, linux/amd64)."""
    wanted = stage.platform
    if wanted and "$" not in wanted:
        return (wanted,)
    if chosen is not None or (wanted and wanted.strip("${}") != "TARGETPLATFORM"):
        return (chosen,)  # $BUILDPLATFORM and others: the builder's, not known here
    found: dict[str, None] = {}
    for view in views_reaching(model, stage):
        build = view.build
        if build is None or (located.builds and build.name not in located.builds):
            continue
        found.update((platform, None) for platform in build.platforms if "$" not in platform)
    return tuple(found) or (None,)


def base_images(stage: Stage, model: Model) -> list[Located]:
    """The stage's base image in each known build that runs it, one per distinct image with
    the names of its builds; with no build known, the image with the ARG defaults.  A literal
    image is the same in every build: it comes once, naming no build, unless builds have
    named contexts of its name (then it names the builds without one, and each
    ``docker-image://`` context's image comes with its builds).  (Computed once per stage of
    a model and builds: a dozen rules read it.)"""
    builds = model.facts.builds
    memo = model.base_images_memo
    if memo is None or memo[0] is not builds:
        memo = model.base_images_memo = (builds, {})
    per_stage: dict[int, tuple[Stage, list[Located]]] = memo[1]
    hit = per_stage.get(stage.index)
    if hit is None or hit[0] is not stage:
        hit = per_stage[stage.index] = (stage, _base_images(stage, model))
    return list(hit[1])


def _base_images(stage: Stage, model: Model) -> list[Located]:
    """(A build with a named context of the image's name takes that context instead: its
    image when the context is one, ``docker-image://<ref>``, else none.)"""
    views = [v for v in build_views(model) if stage.index in v.reached]
    literal = "$" not in stage.image
    if literal and not any(v.build is not None and v.build.contexts for v in views):
        located = base_image(stage, model)
        return [] if located is None else [located]
    out: dict[tuple[str, str | None], Located] = {}
    for view in views:
        located = base_image(stage, model, None if literal else view.env)
        if located is None:
            continue
        context = named_context(view.build, located.text)
        if context is not None:
            located = _context_image(located, context)
            if located is None:
                continue
        key = (located.text, located.context)
        known = out.get(key)
        names = known.builds if known is not None else ()
        name = () if view.name is None else (view.name,)
        out[key] = replace(known or located, builds=(*names, *name))
    return list(out.values())


def _context_image(located: Located, value: str) -> Located | None:
    """The image a named context of ``located``'s name gives in its place: the reference of
    a ``docker-image://`` value (None for the others: a folder, a Git or HTTP source, an
    OCI layout, another Bake target)."""
    if not value.startswith(_IMAGE_SCHEME):
        return None
    text = value[len(_IMAGE_SCHEME) :]
    ref = parse_image_ref(text)
    if ref.errors or ref.has_variables or ref.is_scratch:
        return None
    return replace(located, ref=ref, text=text, env=None, context=located.text)


_IMAGE_SCHEME = "docker-image://"


def classified(stage: Stage, model: Model) -> list[tuple[Located, ImageRelease]]:
    """What each image the stage is built from (one per build, see ``base_images``) says
    about its release line, for the lifecycle rules.  (Computed once per stage of a model,
    builds and release data: three rules read it.)"""
    lifecycle = model.facts.lifecycle
    if lifecycle is None:
        return []
    builds = model.facts.builds
    memo = model.classified_memo
    if memo is None or memo[0] is not builds or memo[1] is not lifecycle.data:
        memo = model.classified_memo = (builds, lifecycle.data, {})
    hit = memo[2].get(stage.index)
    if hit is None or hit[0] is not stage:
        out = []
        for located in base_images(stage, model):
            found = classify(located.ref, lifecycle.data)
            if found is not None:
                out.append((located, found))
        hit = memo[2][stage.index] = (stage, out)
    return list(hit[1])


def upgrades(model: Model, lifecycle: LifecycleFacts, warn_days: int) -> dict[str, bool]:
    """The references the lifecycle rules' fix suggests for the model's literal FROMs, each
    with whether a FROM it replaces is pinned by digest: what the server asks the registry
    about, so the fix can verify the tag and re-pin."""
    out: dict[str, bool] = {}
    judged: dict[str, str | None] = {}  # reference -> its upgrade: each distinct one judged once
    for stage in model.stages:
        located = base_image(stage, model)
        if located is None or located.from_arg:
            continue
        if located.text not in judged:
            judged[located.text] = _due_upgrade(located, lifecycle, warn_days)
        reference = judged[located.text]
        if reference is not None:
            out[reference] = out.get(reference, False) or bool(located.ref.digest)
    return out


def _due_upgrade(located: Located, lifecycle: LifecycleFacts, warn_days: int) -> str | None:
    found = classify(located.ref, lifecycle.data)
    if found is None or not upgrade_due(found, lifecycle.data, lifecycle.today, warn_days):
        return None
    upgrade = suggest_upgrade(found, lifecycle.data, lifecycle.today)
    if upgrade is None or upgrade.reference == located.text:
        return None
    return upgrade.reference

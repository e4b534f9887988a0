"""What the base-image lifecycle and vulnerability rules share.

``base_image(stage, model)`` reads a FROM's image as the build sees it: a literal reference, or
one built from global ARGs (their defaults, as BuildKit uses them when no build arg is given).
``Located.span(a, b)`` maps a part of the resolved reference (the tag, the OS suffix) to the
source: the part itself for a literal, the variable reference for an ARG-built one.
``upgrade_fix`` is the "Upgrade to ..." quick fix of DLS301-DLS303.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from dockerls.analysis.imagetags import ImageRelease, classify
from dockerls.analysis.lifecycle import Product, Release, SupportState, support_state
from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.rules._registry import plain_word
from dockerls.analysis.rules.base import Applicability, Edit, Fix
from dockerls.analysis.upgrade import suggest_upgrade
from dockerls.syntax.imageref import ImageRef, parse_image_ref
from dockerls.syntax.nodes import Span

__all__ = ["Judged", "Located", "base_image", "classified", "judged", "upgrade_fix"]


@dataclass(frozen=True, slots=True)
class Located:
    ref: ImageRef  # the resolved reference
    text: str  # the resolved reference text
    written: str  # as written in FROM
    word: Span  # the image word within the FROM item
    env: Mapping[str, str | None] | None  # the ARG values it was built from (None: literal)
    escape: str = "\\"

    @property
    def from_arg(self) -> bool:
        return self.env is not None

    def span(self, part: tuple[int, int] | None) -> Span:
        """The source range of ``part`` (offsets in ``text``): the part itself in a literal
        reference, else the variable reference whose value holds it."""
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
        """``python:3.7`` or, for an ARG-built reference, ``${BASE}` is `python:3.7``."""
        return f"`{self.written}` is `{self.text}`" if self.from_arg else f"`{self.text}`"


def base_image(stage: Stage, model: Model) -> Located | None:
    """The stage's base image as built, when it is an image (not a stage, not scratch)."""
    if stage.base_stage is not None or stage.image_span is None or not stage.image:
        return None
    if model.parent_stage(stage) is not None:
        return None
    written = stage.image
    from_arg = "$" in written
    env = model.global_env() if from_arg else None
    text = expand(written, env, model.escape) if env is not None else written
    if not text or "$" in text or (not from_arg and not plain_word(stage)):
        return None
    ref = parse_image_ref(text)
    if ref.errors or ref.is_scratch:
        return None
    return Located(ref, text, written, stage.image_span, env, model.escape)


def classified(stage: Stage, model: Model) -> tuple[Located, ImageRelease] | None:
    lifecycle = model.facts.lifecycle
    located = base_image(stage, model)
    if lifecycle is None or located is None:
        return None
    found = classify(located.ref, lifecycle.data)
    return None if found is None else (located, found)


@dataclass(frozen=True, slots=True)
class Judged:
    """A FROM's image, what its tag says, and where its release line (or OS) stands."""

    located: Located
    found: ImageRelease
    product: Product
    release: Release
    state: SupportState
    today: dt.date


def judged(stage: Stage, model: Model, *, os: bool = False, warn_days: int = 0) -> Judged | None:
    """The support state of the stage's image line (``os``: of the OS release under it)."""
    hit = classified(stage, model)
    lifecycle = model.facts.lifecycle
    if hit is None or lifecycle is None:
        return None
    located, found = hit
    if os:
        if found.os is None or found.os.cycle is None:
            return None
        slug, cycle = found.os.product, found.os.cycle
    else:
        if found.cycle is None:
            return None
        slug, cycle = found.product, found.cycle
    product = lifecycle.data.product(slug)
    release = product.release(tuple(cycle.split("."))) if product else None
    if product is None or release is None:
        return None
    state = support_state(product, release, lifecycle.today, warn_days)
    return Judged(located, found, product, release, state, lifecycle.today)


def upgrade_fix(located: Located, found: ImageRelease, model: Model) -> Fix | None:
    """ "Upgrade to ``python:3.14-slim-trixie``": the FROM's image replaced (flags and ``AS``
    kept, a digest dropped).  Unsafe: it changes what the build does.  The title says when the
    tag was not checked against the registry's tag list (offline)."""
    lifecycle = model.facts.lifecycle
    if lifecycle is None or located.from_arg:
        return None
    upgrade = suggest_upgrade(found, lifecycle.data, lifecycle.today)
    if upgrade is None or upgrade.reference == located.text:
        return None
    tags = model.facts.images.get(located.written)
    known = tags.tags if tags is not None else None
    if known is not None and upgrade.image == found.name and upgrade.tag not in known:
        return None  # the registry has no such tag: offer nothing rather than a broken FROM
    checked = "" if known is not None and upgrade.image == found.name else " (tag not verified)"
    return Fix(
        f"Upgrade to `{upgrade.reference}`{checked}",
        (Edit(located.word, upgrade.reference),),
        Applicability.UNSAFE,
    )

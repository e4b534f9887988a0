"""What the base-image lifecycle and vulnerability rules share.

``base_image(stage, model)`` reads a FROM's image as the build sees it: a literal reference, or
one built from global ARGs (their defaults, as BuildKit uses them when no build arg is given).
``Located.span(a, b)`` maps a part of the resolved reference (the tag, the OS suffix) to the
source: the part itself for a literal, the variable reference for an ARG-built one.
``upgrade_fix`` is the "Upgrade to ..." quick fix of DLS301-DLS303.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from dockerls.analysis.baseimage import Located, classified
from dockerls.analysis.imagetags import ImageRelease
from dockerls.analysis.lifecycle import Product, Release, SupportState, support_state
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Applicability, Edit, Fix
from dockerls.analysis.upgrade import suggest_upgrade

__all__ = ["Judged", "judged", "upgrade_fix"]


class Judged(NamedTuple):
    """A FROM's image, what its tag says, and where its release line (or OS) stands."""

    located: Located
    found: ImageRelease
    product: Product
    release: Release
    state: SupportState
    today: dt.date


def judged(stage: Stage, model: Model, *, os: bool = False, warn_days: int = 0) -> list[Judged]:
    """The support state of the stage's image line (``os``: of the OS release under it), for
    each image it is built from (one per build that runs it)."""
    lifecycle = model.facts.lifecycle
    if lifecycle is None:
        return []
    out = []
    for located, found in classified(stage, model):
        if os:
            if found.os is None or found.os.cycle is None:
                continue
            slug, cycle = found.os.product, found.os.cycle
        else:
            if found.cycle is None:
                continue
            slug, cycle = found.product, found.cycle
        product = lifecycle.data.product(slug)
        release = product.release(tuple(cycle.split("."))) if product else None
        if product is None or release is None:
            continue
        state = support_state(product, release, lifecycle.today, warn_days)
        out.append(Judged(located, found, product, release, state, lifecycle.today))
    return out


def upgrade_fix(located: Located, found: ImageRelease, model: Model) -> Fix | None:
    """ "Upgrade to ``python:3.14-slim-trixie``": the FROM's image replaced (flags and ``AS``
    kept).  Unsafe: it changes what the build does.

    What the registry said about the suggested reference (``model.facts.images`` under that
    reference: the server looks it up when registry lookups are on) verifies it: a tag missing
    from the repository's tag list offers nothing; a digest on the old reference is re-pinned to
    the new tag's digest.  Without those facts (offline, the CLI) the title says the tag is not
    verified and a digest is dropped."""
    lifecycle = model.facts.lifecycle
    if lifecycle is None or located.from_arg:
        return None
    upgrade = suggest_upgrade(found, lifecycle.data, lifecycle.today)
    if upgrade is None or upgrade.reference == located.text:
        return None
    target = model.facts.images.get(upgrade.reference)
    known = target.tags if target is not None else None
    if known is not None and upgrade.tag not in known:
        return None  # the registry has no such tag: offer nothing rather than a broken FROM
    title = f"Upgrade to `{upgrade.reference}`"
    text = upgrade.reference
    if known is None:
        title += " (tag not verified)"
    if located.ref.digest:
        digest = target.digest if target is not None else None
        if digest:
            text += f"@{digest}"
            title += " (digest re-pinned)"
        else:
            title += " (digest dropped)"
    return Fix(title, (Edit(located.word, text),), Applicability.UNSAFE)

"""The base image to move to when a release line (or the OS under it) is past its end.

``suggest_upgrade(found, data, today)`` keeps the image's variant, moves the release line to the
newest maintained one (the newest LTS line where the product has LTS: Node.js, Ubuntu, Java,
.NET), maps an OS suffix to a maintained release of the same OS, and drops any digest (the caller
re-pins when it can).  The result is a tag nobody has checked against a registry yet; the caller
says so or checks it.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from dockerls.analysis.imagetags import ImageRelease, OsRelease
from dockerls.analysis.lifecycle import LifecycleData, Product, Release, Support, support_state

__all__ = ["Upgrade", "maintained_release", "suggest_upgrade", "upgrade_due"]


class Upgrade(NamedTuple):
    image: str  # the repository name to use (the same as written, or a replacement image)
    tag: str
    release: Release

    @property
    def reference(self) -> str:
        return f"{self.image}:{self.tag}"


def _state(data: LifecycleData, slug: str, cycle: str | None, today: dt.date, warn: int) -> Support:
    product = data.product(slug)
    release = product.release(tuple(cycle.split("."))) if product and cycle else None
    if product is None or release is None:
        return Support.SUPPORTED
    return support_state(product, release, today, warn).support


def upgrade_due(found: ImageRelease, data: LifecycleData, today: dt.date, warn_days: int) -> bool:
    """Whether the lifecycle rules flag the image, and so offer the upgrade: a deprecated
    image, a release line ended, ending within ``warn_days`` or in extended support
    (DLS301, DLS302), an OS release ended (DLS303).  The server looks up the suggested tag
    (and its digest) only for these."""
    if found.family.replaced_by and found.family.deprecated_since:
        return True
    if _state(data, found.product, found.cycle, today, warn_days) is not Support.SUPPORTED:
        return True
    return found.os is not None and (
        _state(data, found.os.product, found.os.cycle, today, 0) is Support.ENDED
    )


def maintained_release(
    product: Product, today: dt.date, *, prefer_lts: bool = True
) -> Release | None:
    """The newest released line in regular support; among LTS lines where the product has any."""
    live = [
        r
        for r in product.releases
        if (r.released is None or r.released <= today)
        and support_state(product, r, today, 0).support in (Support.SUPPORTED, Support.ENDING)
    ]
    if prefer_lts and any(r.lts is not False for r in product.releases):
        lts = [r for r in live if r.is_lts(today)]
        live = lts or live
    live.sort(key=lambda r: r.released or dt.date.min, reverse=True)
    return live[0] if live else None


def _os_token(os: OsRelease, data: LifecycleData, today: dt.date) -> str:
    product = data.product(os.product)
    if product is None or os.cycle is None:
        return os.token
    current = product.release((os.cycle,)) or product.release(tuple(os.cycle.split(".")))
    if current is not None:
        state = support_state(product, current, today, 0).support
        if state in (Support.SUPPORTED, Support.ENDING, Support.EXTENDED):
            return os.token
    target = maintained_release(product, today)
    if target is None:
        return os.token
    if os.product == "alpine-linux":
        return f"alpine{target.cycle}"
    if target.codename and not os.token[:1].isdigit():
        return target.codename.split()[0].lower()
    return target.cycle


def _same_shape(cycle: str, found: ImageRelease) -> str:
    """``10`` -> ``10.0`` where the tag wrote its line as ``6.0`` (.NET's style)."""
    if found.version is None or found.cycle is None:
        return cycle
    extra = found.version.split(".")[len(found.cycle.split(".")) :]
    if extra and all(part == "0" for part in extra):
        return ".".join([cycle, *extra])
    return cycle


def suggest_upgrade(found: ImageRelease, data: LifecycleData, today: dt.date) -> Upgrade | None:
    family = found.family
    product = data.product(family.product)
    if product is None or family.cycle_from_name:
        return None
    target = maintained_release(product, today)
    if target is None:
        return None
    image = family.replaced_by or found.name
    if family.is_os:
        if found.version is None and target.codename:  # a codename tag: answer in kind
            head = target.codename.split()[0].lower()
        else:
            head = target.cycle
        return Upgrade(image, "-".join([head, *found.variant]), target)
    parts = [_same_shape(target.cycle, found), *found.variant]
    if found.os is not None:
        parts.append(_os_token(found.os, data, today))
    return Upgrade(image, "-".join(parts), target)

"""Ordering of tag lists: highest versions first (used by tag completion)."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["sort_tags", "tag_version"]

_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)(.*)", re.IGNORECASE)
_PRERELEASE = re.compile(r"[-._]?(rc|alpha|beta|a|b|pre|preview|dev)\d*(?:$|[-._])", re.IGNORECASE)


def tag_version(tag: str) -> tuple[tuple[int, ...], str] | None:
    """``"20.11-alpine"`` -> ``((20, 11), "-alpine")``; ``None`` for tags without a leading version."""
    m = _VERSION.fullmatch(tag)
    if m is None:
        return None
    return tuple(int(p) for p in m.group(1).split(".")), m.group(2)


def sort_tags(tags: Iterable[str]) -> list[str]:
    """Versioned tags first, highest version first; then the other tags alphabetically.

    For one version, the plain tag comes first, then its variants (``-alpine``,
    ``-slim``…) alphabetically; pre-releases (``rc1``, ``-beta``…) sort below the
    release of the same numbers.  ``20.11.1 > 20.11 > 20`` (more specific first).
    Duplicates are dropped.
    """
    versioned: list[tuple[tuple[int, ...], bool, str, str]] = []
    others: list[str] = []
    for tag in dict.fromkeys(tags):
        v = tag_version(tag)
        if v is None:
            others.append(tag)
            continue
        nums, suffix = v
        is_release = _PRERELEASE.match(suffix) is None
        versioned.append((nums, is_release, suffix, tag))
    # suffix ascending, then (numbers, release) descending: two stable sorts
    versioned.sort(key=lambda t: (t[2], t[3]))
    versioned.sort(key=lambda t: (t[0], t[1]), reverse=True)
    others.sort()
    return [t[3] for t in versioned] + others

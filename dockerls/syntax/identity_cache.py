"""A cache keyed by an object's identity, for results derived from nodes.

Reparse keeps untouched nodes as the same objects, so a result computed for a
node stays valid for as long as that very object is in the tree.  Entries
hold their object, so an ``id`` is never reused while its entry lives; the
cache empties itself when it reaches its size (old trees' nodes go with it).
"""

from __future__ import annotations

from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """``obj`` (by identity) plus a ``key`` (by equality: what else the value
    depends on) -> value."""

    __slots__ = ("_entries", "_max")

    def __init__(self, max_size: int) -> None:
        self._entries: dict[int, tuple[object, object, V]] = {}
        self._max = max_size

    def get(self, obj: object, key: object = None) -> V | None:
        hit = self._entries.get(id(obj))
        if hit is not None and hit[0] is obj and hit[1] == key:
            return hit[2]
        return None

    def put(self, obj: object, key: object, value: V) -> V:
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[id(obj)] = (obj, key, value)
        return value

    def retain(self, objs: object) -> None:
        """Keep only the entries of the objects in ``objs`` (an iterable)."""
        alive = set(map(id, objs))  # type: ignore[call-overload]
        self._entries = {k: e for k, e in self._entries.items() if k in alive}

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

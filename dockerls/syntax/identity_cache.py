"""Caches keyed by a node's identity, for results derived from nodes.

Reparse keeps untouched nodes as the same objects, so a result computed for a
node stays valid for as long as that very object is in the tree.  An entry
holds its node weakly: it goes when the node goes (an edit replaced it, its
document closed), so a cache never keeps a tree alive, and an ``id`` can't be
reused while its entry lives.  A value must therefore not refer to its node
(derived values keep what they need, e.g. ``Instruction.source_map``).  The
cache also empties itself when it reaches its size.

A module-level cache of node results is made by ``node_cache(size)``, or by
``per_node(size)``, which turns a function of a node (and more arguments,
compared by equality) into one cached this way (shell scripts of a RUN,
ARG/ENV definitions, ShellCheck jobs, semantic tokens, symbols).  Both list
the cache in ``NODE_CACHES``; ``clear_node_caches()`` empties them all (tests
that compare warm answers with cold ones).  Per-document caches (the
engine's, the serialised diagnostics) are ``IdentityCache`` objects owned by
the document's objects and go with them.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

__all__ = ["NODE_CACHES", "IdentityCache", "clear_node_caches", "node_cache", "per_node"]

V = TypeVar("V")
N = TypeVar("N")
P = ParamSpec("P")


class _Entry(weakref.ref):  # type: ignore[type-arg]
    """One entry: a weak reference to its object that carries the entry's ``key``
    and ``value`` (one small object per entry: the cache's biggest files hold
    tens of thousands)."""

    __slots__ = ("ident", "key", "value")

    ident: int
    key: object
    value: Any


class IdentityCache(Generic[V]):
    """``obj`` (by identity, held weakly) plus a ``key`` (by equality: what
    else the value depends on) -> value."""

    __slots__ = ("__weakref__", "_drop", "_entries", "_max")

    def __init__(self, max_size: int) -> None:
        # one dict for the cache's life (``per_node`` reads it directly): emptied in place
        self._entries: dict[int, _Entry] = {}
        self._max = max_size
        self._drop = _dropper(weakref.ref(self))  # each entry's callback

    def get(self, obj: object, key: object = None) -> V | None:
        hit = self._entries.get(id(obj))
        if hit is not None and hit.key == key and hit() is obj:
            return hit.value  # type: ignore[no-any-return]
        return None

    def get_by_id(self, ident: int, key: object = None) -> V | None:
        """The value of the live object whose ``id()`` is ``ident`` (an entry
        goes with its object, so the id is still that object's), e.g. the
        result for the parse a reparse came from (``Parse.parent_id``)."""
        hit = self._entries.get(ident)
        if hit is not None and hit() is not None and hit.key == key:
            return hit.value  # type: ignore[no-any-return]
        return None

    def put(self, obj: object, key: object, value: V) -> V:
        if len(self._entries) >= self._max:
            self._entries.clear()
        entry = _Entry(obj, self._drop)
        entry.ident = ident = id(obj)
        entry.key = key
        entry.value = value
        self._entries[ident] = entry
        return value

    def retain(self, objs: object) -> None:
        """Keep only the entries of the objects in ``objs`` (an iterable)."""
        alive = set(map(id, objs))  # type: ignore[call-overload]
        entries = self._entries
        for k in [k for k in entries if k not in alive]:
            del entries[k]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _dropper(cache_ref: weakref.ref[IdentityCache[Any]]) -> Callable[[_Entry], None]:
    """The callback of a cache's entries: a dead object's entry leaves (unless a
    newer entry for a new object with the same id took its place)."""

    def drop(entry: _Entry) -> None:
        cache = cache_ref()
        if cache is not None and cache._entries.get(entry.ident) is entry:
            del cache._entries[entry.ident]

    return drop


NODE_CACHES: list[IdentityCache[Any]] = []


def node_cache(max_size: int) -> IdentityCache[Any]:
    """A module-level ``IdentityCache``, listed in ``NODE_CACHES``."""
    cache: IdentityCache[Any] = IdentityCache(max_size)
    NODE_CACHES.append(cache)
    return cache


def clear_node_caches() -> None:
    """Empty every ``per_node`` cache."""
    for cache in NODE_CACHES:
        cache.clear()


def per_node(
    max_size: int,
) -> Callable[[Callable[Concatenate[N, P], V]], Callable[Concatenate[N, P], V]]:
    """Cache ``fn(node, *args)`` per node object (weakly) and ``args`` (by equality)."""

    def wrap(fn: Callable[Concatenate[N, P], V]) -> Callable[Concatenate[N, P], V]:
        cache: IdentityCache[V] = node_cache(max_size)
        lookup = cache._entries.get  # ``IdentityCache.get`` inline: rules call these often
        put = cache.put

        @functools.wraps(fn)
        def cached(node: N, *args: P.args, **kwargs: P.kwargs) -> V:
            key = (args, tuple(kwargs.items())) if kwargs else args
            hit = lookup(id(node))
            if hit is not None and hit.key == key and hit() is node:
                return hit.value  # type: ignore[no-any-return]
            return put(node, key, fn(node, *args, **kwargs))

        return cached  # type: ignore[return-value]  # functools.wraps' type

    return wrap

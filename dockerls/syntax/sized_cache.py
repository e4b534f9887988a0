"""A least-recently-used cache bounded by the size of what it holds, for
results keyed by text (shell scripts, instruction text).

``functools.lru_cache`` counts entries: 4,096 parsed scripts are a few
megabytes for one-line RUNs and hundreds for long ones.  Results derived from
text are kept here while the texts of all entries stay under ``max_chars``
characters (what a result takes grows with its text); the least recently used
go first.  Live documents ask for their texts again on each lint (and their
nodes' own caches hold their results), so what they use stays; old versions
of edited text go.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

__all__ = ["sized_cache"]

V = TypeVar("V")
P = ParamSpec("P")


def sized_cache(max_chars: int) -> Callable[[Callable[P, V]], Callable[P, V]]:
    """Cache ``fn(text, *args)`` by its arguments while the cached texts total at
    most ``max_chars`` characters (the first argument is the text)."""

    def wrap(fn: Callable[P, V]) -> Callable[P, V]:
        entries: OrderedDict[Any, tuple[V, int]] = OrderedDict()
        total = [0]
        lock = threading.Lock()

        @functools.wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> V:
            key = (args, tuple(kwargs.items())) if kwargs else args
            with lock:
                hit = entries.get(key)
                if hit is not None:
                    entries.move_to_end(key)
                    return hit[0]
            value = fn(*args, **kwargs)
            size = len(args[0]) + 64 if args and isinstance(args[0], str) else 64
            with lock:
                if key not in entries:
                    entries[key] = (value, size)
                    total[0] += size
                while total[0] > max_chars and len(entries) > 1:
                    total[0] -= entries.popitem(last=False)[1][1]
            return value

        def cache_clear() -> None:
            with lock:
                entries.clear()
                total[0] = 0

        def cache_chars() -> int:
            return total[0]

        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        cached.cache_chars = cache_chars  # type: ignore[attr-defined]
        return cached

    return wrap

"""IdentityCache: values by an object's identity (held weakly) and a key."""

from __future__ import annotations

import gc

from dockerls.syntax.identity_cache import IdentityCache, per_node


class Node:
    pass


def test_hit_needs_the_same_object_and_an_equal_key() -> None:
    cache: IdentityCache[str] = IdentityCache(10)
    a, b = Node(), Node()
    cache.put(a, ("sh",), "A")
    assert cache.get(a, ("sh",)) == "A"
    assert cache.get(a, ("bash",)) is None
    assert cache.get(b, ("sh",)) is None
    assert cache.get_by_id(id(a), ("sh",)) == "A"


def test_an_entry_leaves_with_its_object_and_never_serves_a_new_one() -> None:
    cache: IdentityCache[str] = IdentityCache(10)
    a = Node()
    ident = id(a)
    cache.put(a, None, "A")
    del a
    gc.collect()
    assert len(cache) == 0
    assert cache.get_by_id(ident) is None
    fresh = [Node() for _ in range(50)]  # one of them may take the dead object's id
    assert all(cache.get(n) is None for n in fresh)


def test_a_replaced_entry_stays_when_the_old_object_dies() -> None:
    cache: IdentityCache[str] = IdentityCache(10)
    a = Node()
    cache.put(a, 1, "first")
    cache.put(a, 2, "second")  # same object, new key: the entry is replaced
    assert cache.get(a, 2) == "second"
    assert len(cache) == 1


def test_full_cache_starts_over_and_retain_keeps_the_named() -> None:
    cache: IdentityCache[int] = IdentityCache(3)
    nodes = [Node() for _ in range(4)]
    for i, n in enumerate(nodes[:3]):
        cache.put(n, None, i)
    cache.put(nodes[3], None, 3)  # the cache was full: emptied first
    assert len(cache) == 1 and cache.get(nodes[3]) == 3
    cache.put(nodes[0], None, 0)
    cache.retain(nodes[:2])
    assert [cache.get(n) for n in nodes] == [0, None, None, None]


def test_per_node_computes_once_per_object_and_arguments() -> None:
    calls: list[tuple[int, str]] = []

    @per_node(100)
    def shout(node: Node, word: str) -> str:
        calls.append((id(node), word))
        return word.upper()

    a = Node()
    assert shout(a, "x") == "X" and shout(a, "x") == "X"
    assert shout(a, "y") == "Y"
    assert len(calls) == 2

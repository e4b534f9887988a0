"""The text-keyed caches are bounded by the size of their texts, not by a
count: old versions of an edited script go, what is asked for again stays."""

from __future__ import annotations

from dockerls.syntax.sized_cache import sized_cache


def test_bounded_by_characters_least_recently_used_first() -> None:
    calls: list[str] = []

    @sized_cache(1000)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    live = "a" * 300
    for i in range(50):  # 50 versions of a 200-character script, one live script
        assert length(live) == 300
        assert length(f"{i:03d}" + "b" * 197) == 200
    assert length.cache_chars() <= 1000  # type: ignore[attr-defined]
    assert calls.count(live) == 1  # asked for on every round: never dropped
    before = len(calls)
    length("049" + "b" * 197)  # the newest version is still there
    length("000" + "b" * 197)  # the oldest went
    assert calls[before:] == ["000" + "b" * 197]


def test_one_entry_larger_than_the_bound_is_kept_until_the_next() -> None:
    @sized_cache(10)
    def upper(text: str) -> str:
        return text.upper()

    assert upper("x" * 100) == "X" * 100
    assert upper("y") == "Y"
    assert upper.cache_chars() <= 10 + 64  # type: ignore[attr-defined]

"""Instructions compare and hash by identity (Python's contract: equal objects hash equal),
and ``same_as``/``same_item``/``same_items`` compare values, ONBUILD triggers included."""

from __future__ import annotations

from dockerls.syntax.nodes import Instruction, same_item, same_items
from dockerls.syntax.parser import parse

TEXT = "FROM alpine\n# note\nONBUILD RUN make\nRUN echo hi\n"


def _instructions(text: str) -> list[Instruction]:
    return [it for it in parse(text).items if isinstance(it, Instruction)]


def test_equal_means_identical_and_hashes_agree() -> None:
    a, b = _instructions(TEXT), _instructions(TEXT)
    for x, y in zip(a, b, strict=True):
        assert x == x and hash(x) == hash(x)
        assert x != y  # distinct nodes of the same text
        assert {x: 1}.get(y) is None
        assert x.same_as(y) and same_item(x, y)


def test_value_comparison_sees_every_field_and_the_trigger() -> None:
    a = parse(TEXT)
    b = parse(TEXT)
    assert same_items(a.items, b.items) and a.equivalent(b)
    c = parse(TEXT.replace("make", "mak"))
    assert not same_items(a.items, c.items) and not a.equivalent(c)
    onbuild_a = next(i for i in _instructions(TEXT) if i.name == "ONBUILD")
    onbuild_c = next(i for i in _instructions(TEXT.replace("make", "mak")) if i.name == "ONBUILD")
    assert not onbuild_a.same_as(onbuild_c)
    assert not same_item(onbuild_a, "ONBUILD RUN make\n")  # other values are never the same
    comments = [it for it in a.items if not isinstance(it, Instruction)]
    assert same_item(comments[0], parse(TEXT).items[1])  # other items: by value

"""Instructions compare and hash by identity (Python's contract: equal objects hash equal),
and ``same_as``/``same_item``/``same_items`` compare values, ONBUILD triggers included."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, replace

import pytest

from dockerls.syntax.nodes import Blank, Instruction, ItemKind, Span, Word, same_item, same_items
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


def test_nodes_built_by_their_generated_constructor_are_plain_dataclasses() -> None:
    """Node classes fill their slots through an unfrozen twin (``nodes.writes_slots``);
    keywords, defaults, equality, repr, ``replace``, frozenness, pickling and copying stay
    a dataclass's."""
    assert Span(end=3, start=1) == Span(1, 3) and hash(Span(1, 3)) == hash(Span(1, 3))
    assert repr(Word("a", Span(0, 1))) == "Word(value='a', span=Span(start=0, end=1))"
    assert Blank("\n").kind is ItemKind.BLANK and Blank("\n") == Blank(text="\n")
    assert replace(Span(1, 2), end=5) == Span(1, 5)
    with pytest.raises(FrozenInstanceError):
        Span(1, 2).start = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        Span(1)  # type: ignore[call-arg]
    assert type(Span(1, 2)) is Span and pickle.loads(pickle.dumps(Span(1, 2))) == Span(1, 2)
    inst = _instructions(TEXT)[0]
    again = replace(inst)
    assert again is not inst and again.same_as(inst) and again.kind is ItemKind.INSTRUCTION
    for twin in (pickle.loads(pickle.dumps(inst)), copy.copy(inst)):
        assert type(twin) is Instruction and twin is not inst and twin.same_as(inst)
    with pytest.raises(FrozenInstanceError):
        inst.name = "RUN"  # type: ignore[misc]


def test_node_classes_keep_what_they_define_and_honour_field_flags() -> None:
    """As ``dataclass`` does: a class's own ``__repr__`` stays, and a field with
    ``compare=False`` / ``repr=False`` is left out of equality / the repr."""
    from dataclasses import field

    from dockerls.syntax.nodes import node

    @node(frozen=True, slots=True)
    class Own:
        a: int

        def __repr__(self) -> str:
            return "own"

    @node(frozen=True, slots=True)
    class Flags:
        a: int
        memo: int = field(default=0, compare=False, repr=False)

    assert repr(Own(1)) == "own" and Own(1) == Own(1) and Own(1) != Own(2)
    assert Flags(1, 5) == Flags(1, 6) and hash(Flags(1, 5)) == hash(Flags(1, 6))
    assert (
        repr(Flags(1, 5))
        == "test_node_classes_keep_what_they_define_and_honour_field_flags.<locals>.Flags(a=1)"
    )
    with pytest.raises(FrozenInstanceError):
        Flags(1).a = 2  # type: ignore[misc]

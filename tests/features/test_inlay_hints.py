"""Inlay hints: resolved variable values, within the requested range."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.inlay_hints import inlay_hints
from tests.features.helpers import parsed

SRC = """ARG NODE_VERSION=20
FROM node:${NODE_VERSION}
ARG NODE_VERSION
ENV A=x B=${Q:-dflt}
RUN echo $A $NODE_VERSION $NOPE ${B} '$A'
FROM alpine
RUN echo $A
"""

ALL = lsp.Range(lsp.Position(0, 0), lsp.Position(100, 0))


def hints(src: str, rng: lsp.Range = ALL) -> list[tuple[int, int, str]]:
    p, m, _ = parsed(src + "$0")
    out = []
    for h in inlay_hints(p, m, rng, ClientCaps()):
        assert isinstance(h.label, str)
        out.append((h.position.line, h.position.character, h.label))
    return out


def test_values() -> None:
    assert hints(SRC) == [
        (1, 25, "= 20"),
        (3, 20, "= dflt"),
        (4, 11, "= x"),
        (4, 25, "= 20"),
        (4, 36, "= dflt"),
    ]


def test_range_is_respected() -> None:
    rng = lsp.Range(lsp.Position(4, 0), lsp.Position(4, 20))
    assert hints(SRC, rng) == [(4, 11, "= x")]


def test_bare_stage_arg_without_global_has_no_value() -> None:
    assert hints("FROM a\nARG X\nRUN echo $X\n") == []


def test_long_values_are_cut() -> None:
    (h,) = hints("FROM a\nENV X=" + "y" * 100 + "\nRUN echo $X\n")
    assert len(h[2]) <= 42 and h[2].endswith("…")

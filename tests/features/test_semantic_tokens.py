"""Semantic tokens: legend, decoding, range, delta, encodings."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.capabilities import TOKEN_MODIFIERS, TOKEN_TYPES
from dockerls.features.caps import ClientCaps
from dockerls.features.semantic_tokens import delta_edits, semantic_tokens
from dockerls.syntax.identity_cache import clear_node_caches
from tests.features.helpers import parsed

Token = tuple[int, str, str, set[str]]


def decode(text: str, data: list[int], encoding: str = "utf-16") -> list[Token]:
    lines = text.split("\n")
    out = []
    line = col = 0
    for k in range(0, len(data), 5):
        dl, ds, length, t, mods = data[k : k + 5]
        line += dl
        col = ds if dl else col + ds
        s = lines[line]
        if encoding == "utf-16":
            word = s.encode("utf-16-le")[col * 2 : (col + length) * 2].decode("utf-16-le")
        elif encoding == "utf-8":
            word = s.encode("utf-8")[col : col + length].decode("utf-8")
        else:
            word = s[col : col + length]
        names = {m for i, m in enumerate(TOKEN_MODIFIERS) if mods & (1 << i)}
        out.append((line, word, TOKEN_TYPES[t], names))
    return out


SRC = """# syntax=docker/dockerfile:1
# a comment
ARG V=1
from node:${V} AS build
RUN --mount=type=cache,from=build echo $HOME $TARGETARCH <<EOF
body
EOF
MAINTAINER me
EXPOSE 8080/udp
COPY ["a", "b"] /
"""


def tokens(src: str, caps: ClientCaps | None = None, rng: lsp.Range | None = None) -> list[Token]:
    p, m, _ = parsed(src + "$0")
    caps = caps or ClientCaps()
    return decode(p.text, list(semantic_tokens(p, m, caps, rng).data), caps.encoding)


def test_full_document() -> None:
    got = tokens(SRC)
    expected: list[Token] = [
        (0, "syntax", "macro", set()),
        (0, "docker/dockerfile:1", "string", set()),
        (1, "# a comment", "comment", set()),
        (2, "V", "variable", {"declaration"}),
        (2, "=", "operator", set()),
        (3, "from", "keyword", set()),
        (3, "node:", "namespace", set()),
        (3, "${V}", "variable", set()),
        (3, "AS", "keyword", set()),
        (3, "build", "type", {"declaration"}),
        (4, "--mount", "parameter", set()),
        (4, "build", "type", set()),
        (4, "$HOME", "variable", set()),
        (4, "$TARGETARCH", "variable", {"readonly"}),
        (4, "<<EOF", "label", set()),
        (5, "body", "string", set()),
        (6, "EOF", "label", set()),
        (7, "MAINTAINER", "keyword", {"deprecated"}),
        (8, "8080", "number", set()),
        (9, '"a"', "string", set()),
    ]
    for tok in expected:
        assert tok in got
    pos = [(ln, w) for ln, w, _, _ in got]
    assert len(pos) == len(set(pos))


def test_range_only_covers_requested_lines() -> None:
    got = tokens(SRC, rng=lsp.Range(lsp.Position(7, 0), lsp.Position(8, 3)))
    assert {ln for ln, *_ in got} == {7, 8}


def test_encodings() -> None:
    src = "FROM a\nENV 😀=1 X=$Y\n"
    for enc in ("utf-16", "utf-8", "utf-32"):
        got = tokens(src, ClientCaps(encoding=enc))
        assert (1, "$Y", "variable", set()) in got
        assert (1, "X", "variable", {"declaration"}) in got
        assert (1, "😀", "variable", {"declaration"}) in got


def test_delta_edits() -> None:
    a = [0, 0, 4, 0, 0, 1, 0, 3, 0, 0]
    b = [0, 0, 4, 0, 0, 2, 0, 3, 0, 0]
    (e,) = delta_edits(a, b)
    assert b == a[: e.start] + list(e.data or []) + a[e.start + e.delete_count :]
    assert delta_edits(a, a) == []
    (e,) = delta_edits(a, [])
    assert e.start == 0 and e.delete_count == len(a)


def test_cached_item_tokens_equal_a_fresh_paint_after_edits() -> None:
    """Tokens of untouched items come from the per-item cache; after edits
    that change what the model adds (a base image becoming a stage, a stage
    renamed), a cold computation must give the same data."""
    from dockerls.analysis.model import build_model
    from dockerls.syntax.parser import parse
    from dockerls.syntax.reparse import reparse

    fill = "RUN true\n" * 30
    head = "FROM alpine AS base\n" + fill
    text = head + fill + "RUN echo ü $HOME\n# note\nFROM builder\nCOPY --from=base /a /b\n"
    text += fill + "FROM base AS final\n"
    at = len(head)
    edits = [
        (at, at, "FROM scratch AS builder\n"),  # `FROM builder` now names a stage
        (at + len("FROM scratch AS "), at + len("FROM scratch AS builder"), "maker"),  # no more
        (at, at, "FROM scratch AS base\n"),  # a second `base`: references move to it
    ]
    for caps in (ClientCaps(), ClientCaps(encoding="utf-8")):
        clear_node_caches()
        p = parse(text)
        semantic_tokens(p, build_model(p), caps)
        for start, end, repl in edits:
            q = reparse(p, start, end, repl)
            assert any(it is q.items[-1] for it in p.items), "the tail is reused"
            p = q
            cached = list(semantic_tokens(p, build_model(p), caps).data)
            clear_node_caches()
            fresh = list(semantic_tokens(p, build_model(p), caps).data)
            assert cached == fresh, (p.text, caps.encoding)


def test_tokens_stop_at_line_ends_of_every_kind() -> None:
    # a painted run never crosses a line break nor takes in a \r (CRLF or alone),
    # and a continued instruction's words keep their own lines
    src = "FROM a\r\nENV A=1 \\\r\n    B=$C\r\nRUN echo \\\n  $D\r\nRUN <<EOF\r\none\r\ntwo\r\nEOF\r\n"
    for enc in ("utf-16", "utf-8", "utf-32"):
        got = tokens(src, ClientCaps(encoding=enc))
        words = [(ln, w, kind) for ln, w, kind, _ in got]
        assert (1, "A", "variable") in words
        assert (2, "B", "variable") in words
        assert (2, "$C", "variable") in words
        assert (4, "$D", "variable") in words
        assert (6, "one", "string") in words and (7, "two", "string") in words
        assert all("\r" not in w and "\n" not in w for _, w, _ in words)
        assert sum(1 for _, w, _ in words if w == "ENV") == 1

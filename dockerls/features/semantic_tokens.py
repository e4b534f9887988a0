"""``textDocument/semanticTokens/full``, ``/range`` and ``/full/delta``.

Each item is painted into a per-character array (later paints win, so a
``$VAR`` inside a flag value shows as a variable), then runs of equal paint
become tokens, split at line breaks and encoded relative to each other in
the client's position units.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from lsprotocol import types as lsp

from dockerls.analysis.model import PLATFORM_ARGS, Model, Stage, var_refs
from dockerls.features.capabilities import TOKEN_TYPES
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import UTF32, units
from dockerls.features.raw import RawJSON
from dockerls.features.references import heredoc_bodies, stage_names, stage_spans_in
from dockerls.features.references import stage_spans as stage_occurrences
from dockerls.syntax.identity_cache import IdentityCache, node_cache
from dockerls.syntax.nodes import Comment, Directive, Instruction, Span
from dockerls.syntax.parser import Parse

_T = {name: i for i, name in enumerate(TOKEN_TYPES)}
DECL = 1
DEPRECATED = 2
READONLY = 4


def _code(kind: str, mods: int = 0) -> int:
    return _T[kind] * 8 + mods + 1


# one byte per character: a token's code (type * 8 + modifiers + 1), 0 unpainted
assert _code(TOKEN_TYPES[-1], 7) < 256
# a token: a run of one code, never across a line break (line breaks are unpainted)
_RUN = re.compile(rb"([^\x00])\1*")


class _Painter:
    __slots__ = ("n", "paint")

    def __init__(self, n: int) -> None:
        self.paint = bytearray(n)
        self.n = n

    def __call__(self, span: Span | tuple[int, int] | None, kind: str, mods: int = 0) -> None:
        if span is None:
            return
        s, e = (span.start, span.end) if isinstance(span, Span) else span
        s, e = max(0, s), min(self.n, e)
        if e > s:
            self.paint[s:e] = _code(kind, mods).to_bytes(1, "little") * (e - s)


def _kv_words(inst: Instruction, paint: _Painter, key_kind: str, key_mods: int = 0) -> None:
    for w in inst.words:
        eq = w.value.find("=")
        if eq <= 0:
            paint(w.span, "string")
            continue
        src_eq = inst.text.find("=", w.span.start, w.span.end)
        if src_eq < 0:
            continue
        paint((w.span.start, src_eq), key_kind, key_mods)
        paint((src_eq, src_eq + 1), "operator")
        paint((src_eq + 1, w.span.end), "string")


def _paint_instruction(p: Parse, model: Model, i: int, inst: Instruction, paint: _Painter) -> None:
    deprecated = DEPRECATED if inst.name == "MAINTAINER" else 0
    paint(inst.keyword_span, "keyword", deprecated)
    tgt = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
    if tgt is not inst:
        paint(tgt.keyword_span, "keyword", DEPRECATED if tgt.name == "MAINTAINER" else 0)
    for f in tgt.flags:
        paint((f.span.start, f.name_span.end), "parameter")
        if f.value_span is not None:
            paint((f.name_span.end, f.value_span.start), "operator")
            paint(f.value_span, "property")
    name = tgt.name
    if tgt.json:
        for w in tgt.json_items:
            paint(w.span, "string")
    elif name == "FROM":
        words = tgt.words
        if words:
            st = model.stage_of(i)
            is_stage = st is not None and st.base_stage is not None
            paint(words[0].span, "type" if is_stage else "namespace")
        if len(words) >= 3 and words[1].value.lower() == "as":
            paint(words[1].span, "keyword")
            paint(words[2].span, "type", DECL)
    elif name == "ARG":
        _kv_words(tgt, paint, "variable", DECL)
        for w in tgt.words:
            if "=" not in w.value:
                paint(w.span, "variable", DECL)
    elif name == "ENV":
        words = tgt.words
        if words and "=" not in words[0].value:
            paint(words[0].span, "variable", DECL)
            for w in words[1:]:
                paint(w.span, "string")
        else:
            _kv_words(tgt, paint, "variable", DECL)
    elif name == "LABEL":
        _kv_words(tgt, paint, "property")
    elif name == "EXPOSE":
        for w in tgt.words:
            digits = len(w.value) - len(w.value.lstrip("0123456789-"))
            if digits and len(w.span) == len(w.value):
                paint((w.span.start, w.span.start + digits), "number")
                if digits < len(w.value):
                    paint((w.span.start + digits, w.span.end), "property")
    elif name == "STOPSIGNAL" or name == "USER" or name == "WORKDIR":
        for w in tgt.words:
            paint(w.span, "string")
    for h in tgt.heredocs:
        paint(h.marker_span, "label")
        paint(h.body_span, "string")
        if h.terminator_span is not None:
            paint(h.terminator_span, "label")
    for sp in inst.inner_comments:
        paint(sp, "comment")
    if "$" in inst.logical:
        for r in var_refs(inst.logical, p.escape):
            # BuildKit's automatic platform ARGs can't be changed: readonly
            mods = READONLY if r.name in PLATFORM_ARGS else 0
            paint(inst.source_span(r.start, r.end), "variable", mods)
    for start, body in heredoc_bodies(inst):
        for r in var_refs(body):
            paint((start + r.start, start + r.end), "variable")


def _paint_item(
    p: Parse, model: Model, i: int, stage_spans: dict[int, list[tuple[Span, int]]]
) -> bytearray:
    it = p.items[i]
    paint = _Painter(len(it.text))
    if isinstance(it, Comment):
        paint((0, len(it.text.rstrip("\r\n"))), "comment")
    elif isinstance(it, Directive):
        paint((0, len(it.text.rstrip("\r\n"))), "comment")
        paint(it.name_span, "macro")
        paint(it.value_span, "string")
    elif isinstance(it, Instruction):
        _paint_instruction(p, model, i, it, paint)
        for sp, mods in stage_spans.get(i, ()):
            paint(sp, "type", mods)
    return paint.paint


def _encode(text: str, paint: bytearray, enc: str) -> tuple[int, ...]:
    """Tokens of one item, relative to its first line: the first token's
    ``(line, col)``, the last token's ``(line, col)``, then the first token's
    ``(length, type, modifiers)`` and the rest already delta-encoded."""
    for brk in ("\n", "\r"):  # no token spans a line break, nor includes a \r
        at = text.find(brk)
        while at >= 0:
            paint[at] = 0
            at = text.find(brk, at + 1)
    ascii_ = text.isascii() or enc == UTF32
    line = line_start = seen = 0  # ``line`` counts the breaks in text[:seen]
    out: list[int] = []
    first: tuple[int, int] | None = None
    last_line = last_col = 0
    for m in _RUN.finditer(paint):
        k, j = m.span()
        breaks = text.count("\n", seen, k)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", seen, k) + 1
        seen = k
        if ascii_:
            col, length = k - line_start, j - k
        else:
            col, length = units(text[line_start:k], enc), units(text[k:j], enc)
        code = paint[k] - 1
        if first is None:
            first = (line, col)
            out.extend((length, code // 8, code % 8))
        else:
            dl = line - last_line
            out.extend((dl, col - last_col if dl == 0 else col, length, code // 8, code % 8))
        last_line, last_col = line, col
    if first is None:
        return ()
    return (first[0], first[1], last_line, last_col, *out)


# Item tokens by item, checked against the encoding and what the model adds:
# an edit re-paints only the items it touched.
_CACHE: IdentityCache[tuple[int, ...]] = node_cache(50_000)


def _item_tokens(
    p: Parse, model: Model, i: int, stage_spans: dict[int, list[tuple[Span, int]]], enc: str
) -> tuple[int, ...]:
    it = p.items[i]
    ctx: object = None
    if isinstance(it, Instruction):
        if it.name == "FROM":
            st = model.stage_of(i)
            ctx = st is not None and st.base_stage is not None
        spans = stage_spans.get(i)
        if spans:
            ctx = (ctx, tuple(spans))
    hit = _CACHE.get(it, (enc, ctx))
    if hit is not None:
        return hit
    return _CACHE.put(it, (enc, ctx), _encode(it.text, _paint_item(p, model, i, stage_spans), enc))


def _items_tokens(
    p: Parse,
    model: Model,
    lo: int,
    hi: int,
    stage_spans: dict[int, list[tuple[Span, int]]],
    enc: str,
) -> tuple[int, ...]:
    """The tokens of items ``lo`` to ``hi - 1`` in an item's form (see
    :func:`_encode`), relative to the line of item ``lo``."""
    lines = p.lines
    top = lines[lo] if lo < len(lines) else 0
    out: list[int] = []
    first: tuple[int, int] | None = None
    prev_line = prev_col = 0
    for i in range(lo, hi):
        toks = _item_tokens(p, model, i, stage_spans, enc)
        if not toks:
            continue
        base = lines[i] - top
        line = base + toks[0]
        if first is None:
            first = (line, toks[1])
        else:
            dl = line - prev_line
            out.extend((dl, toks[1] - prev_col if dl == 0 else toks[1]))
        out.extend(toks[4:])
        prev_line, prev_col = base + toks[2], toks[3]
    if first is None:
        return ()
    return (first[0], first[1], prev_line, prev_col, *out)


class _StageTokens:
    """A stage's tokens in an item's form, relative to its FROM's line, and
    their tail (all but the first token's position) as JSON.  It holds the
    stage's items, so their ids (its key) stay theirs."""

    __slots__ = ("items", "json", "tokens")

    def __init__(self, items: tuple[object, ...], tokens: tuple[int, ...]) -> None:
        self.items = items
        self.tokens = tokens
        self.json = ",".join(map(str, tokens[4:]))


# per stage, keyed by its FROM node (weakly) and what its tokens depend on beyond
# the node: the encoding, the escape character, the stage's index and base stage,
# the ids of its other items and the stage names a --from may read
_STAGES: IdentityCache[_StageTokens] = node_cache(50_000)
_NAMES: list[frozenset[str]] = [frozenset()]  # the last stage names seen: one object per set


def _stage_names(model: Model) -> frozenset[str]:
    names = stage_names(model)
    if names != _NAMES[0]:
        _NAMES[0] = names
    return _NAMES[0]  # the same object while the names hold: stage keys compare it by identity


def _stage_tokens(
    p: Parse, model: Model, st: Stage, names: frozenset[str], enc: str
) -> _StageTokens:
    items = p.items
    rest = items[st.first + 1 : st.end]
    key = (enc, p.escape, st.index, st.base_stage, names, tuple(map(id, rest)))
    hit = _STAGES.get(items[st.first], key)
    if hit is None:
        spans: dict[int, list[tuple[Span, int]]] = {}
        for i, span, decl in stage_spans_in(st, names):
            spans.setdefault(i, []).append((span, DECL if decl else 0))
        toks = _items_tokens(p, model, st.first, st.end, spans, enc)
        hit = _STAGES.put(items[st.first], key, _StageTokens(rest, toks))
    return hit


def semantic_tokens_json(
    p: Parse, model: Model, caps: ClientCaps, result_id: str
) -> tuple[RawJSON, list[int]]:
    """The whole document's ``SemanticTokens`` answer as JSON, assembled from
    per-stage parts (an edit encodes again only the stage it touched), and its
    data (for a later delta)."""
    body, data = _whole(p, model, caps, result_id)
    assert body is not None
    return body, data


def _whole(
    p: Parse, model: Model, caps: ClientCaps, result_id: str | None
) -> tuple[RawJSON | None, list[int]]:
    """The whole document's tokens, and their answer's JSON unless ``result_id`` is None."""
    enc = caps.encoding
    names = _stage_names(model)
    first_from = model.stages[0].first if model.stages else len(p.items)
    # before the first FROM: directives, comments, global ARGs (read item by item)
    head = _items_tokens(p, model, 0, first_from, {}, enc) if first_from else ()
    parts: list[tuple[int, tuple[int, ...], str | None]] = [(0, head, None)]
    for st in model.stages:
        hit = _stage_tokens(p, model, st, names, enc)
        parts.append((st.first, hit.tokens, hit.json))
    data: list[int] = []
    texts: list[str] = []
    lines = p.lines
    prev_line = prev_col = 0
    for top, toks, text in parts:
        if not toks:
            continue
        line = lines[top] + toks[0]
        dl = line - prev_line
        pair = (dl, toks[1] - prev_col if dl == 0 else toks[1])
        data.extend(pair)
        data.extend(toks[4:])
        if result_id is not None:
            texts.append(f"{pair[0]},{pair[1]}")
            texts.append(text if text is not None else ",".join(map(str, toks[4:])))
        prev_line, prev_col = lines[top] + toks[2], toks[3]
    if result_id is None:
        return None, data
    body = f'{{"resultId":{json.dumps(result_id)},"data":[{",".join(texts)}]}}'
    return RawJSON(body.encode()), data


def semantic_tokens(
    p: Parse, model: Model, caps: ClientCaps, rng: lsp.Range | None = None
) -> lsp.SemanticTokens:
    """Tokens for the whole document, or for the items touching ``rng``."""
    if not p.items:
        return lsp.SemanticTokens(data=[])
    if rng is None:
        return lsp.SemanticTokens(data=_whole(p, model, caps, None)[1])
    stage_spans = {
        i: [(span, DECL if decl else 0) for span, decl in found]
        for i, found in stage_occurrences(model).items()
    }
    first = p.item_at_line(rng.start.line)
    last_item = p.item_at_line(rng.end.line)
    toks = _items_tokens(p, model, first, last_item + 1, stage_spans, caps.encoding)
    if not toks:
        return lsp.SemanticTokens(data=[])
    return lsp.SemanticTokens(data=[p.lines[first] + toks[0], toks[1], *toks[4:]])


def tokens_json(result_id: str, data: Sequence[int]) -> RawJSON:
    """A ``SemanticTokens`` answer as JSON."""
    return RawJSON(
        json.dumps({"resultId": result_id, "data": list(data)}, separators=(",", ":")).encode()
    )


def delta_edits(prev: list[int], cur: list[int]) -> list[lsp.SemanticTokensEdit]:
    """One edit turning ``prev`` into ``cur`` (common prefix and suffix kept)."""
    if prev == cur:
        return []
    n, m = len(prev), len(cur)
    s = 0
    while s < n and s < m and prev[s] == cur[s]:
        s += 1
    e = 0
    while e < n - s and e < m - s and prev[n - 1 - e] == cur[m - 1 - e]:
        e += 1
    return [lsp.SemanticTokensEdit(start=s, delete_count=n - s - e, data=cur[s : m - e])]

"""``textDocument/selectionRange``: word -> flag value -> flag or argument ->
instruction -> stage -> document."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import offset_of, range_of
from dockerls.syntax.nodes import Blank, Comment, Instruction, Span
from dockerls.syntax.parser import Parse

_WORD = re.compile(r"[A-Za-z0-9_]+")


def _chain(p: Parse, model: Model, off: int) -> list[tuple[int, int]]:
    """Absolute spans around ``off``, outermost first."""
    spans: list[tuple[int, int]] = [(0, p.length)]
    i = p.item_at(off)
    if i < 0:
        return spans
    base = p.starts[i]
    st = model.stage_of(i)
    if st is not None:
        last = st.first
        for k in range(st.first, st.end):
            if not isinstance(p.items[k], (Blank, Comment)):
                last = k
        end = p.starts[last] + len(p.items[last].text.rstrip("\r\n"))
        spans.append((p.starts[st.first], end))
    it = p.items[i]
    if isinstance(it, Blank):
        return spans
    content_end = len(it.text.rstrip("\r\n"))
    spans.append((base, base + content_end))
    rel = off - base
    inner: list[Span] = []
    if isinstance(it, Instruction):
        tgt = it.sub if it.name == "ONBUILD" and it.sub is not None else it
        parts: list[Span] = [it.keyword_span]
        if tgt is not it:
            parts.append(tgt.keyword_span)
        for f in tgt.flags:
            if f.span.contains(rel):
                parts = [f.span]
                if f.value_span is not None and f.value_span.contains(rel):
                    parts.append(f.value_span)
                elif f.name_span.contains(rel):
                    parts.append(f.name_span)
                break
        else:
            for h in tgt.heredocs:
                if h.body_span.start <= rel < h.body_span.end:
                    parts = [h.body_span]
                    break
            else:
                words = tgt.json_items if tgt.json else tgt.words
                if tgt.json and tgt.args_span is not None and tgt.args_span.contains(rel):
                    parts = [tgt.args_span]
                for w in words:
                    if w.span.contains(rel):
                        parts.append(w.span)
                        break
        inner = [sp for sp in parts if sp.contains(rel)]
    elif isinstance(it, Comment):
        inner = [it.body_span] if it.body_span.contains(rel) else []
    for sp in inner:
        spans.append((base + sp.start, base + sp.end))
    text = it.text
    for m in _WORD.finditer(text, max(0, rel - 200), min(len(text), rel + 200)):
        if m.start() <= rel <= m.end():
            spans.append((base + m.start(), base + m.end()))
            break
    return spans


def selection_ranges(
    p: Parse, model: Model, positions: list[lsp.Position], caps: ClientCaps
) -> list[lsp.SelectionRange]:
    out: list[lsp.SelectionRange] = []
    for pos in positions:
        off = offset_of(p, pos, caps.encoding)
        spans = _chain(p, model, off)
        sel: lsp.SelectionRange | None = None
        prev: tuple[int, int] | None = None
        for s, e in spans:
            if prev is not None and (s, e) == prev:
                continue
            if prev is not None and not (prev[0] <= s and e <= prev[1]):
                continue
            sel = lsp.SelectionRange(range_of(p, s, e, caps.encoding), sel)
            prev = (s, e)
        assert sel is not None
        out.append(sel)
    return out

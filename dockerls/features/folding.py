"""``textDocument/foldingRange``: stages, multi-line instructions, heredoc
bodies and comment blocks of two or more lines."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.syntax.nodes import Blank, Comment, Instruction
from dockerls.syntax.parser import Parse
from dockerls.syntax.text import breaks_before


def _last_line(p: Parse, i: int) -> int:
    text = p.items[i].text
    return p.lines[i] + breaks_before(text, len(text.rstrip("\r\n")))


def folding_ranges(p: Parse, model: Model, caps: ClientCaps) -> list[lsp.FoldingRange]:
    out: list[lsp.FoldingRange] = []
    items = p.items
    for st in model.stages:
        last = st.first
        for k in range(st.first, st.end):
            if not isinstance(items[k], (Blank, Comment)):
                last = k
        end = _last_line(p, last)
        if end > p.lines[st.first]:
            out.append(lsp.FoldingRange(p.lines[st.first], end, kind=lsp.FoldingRangeKind.Region))
    run_start: int | None = None
    run_end = 0
    for i, it in enumerate(items):
        if isinstance(it, Comment):
            if run_start is None:
                run_start = p.lines[i]
            run_end = p.lines[i]
            continue
        if run_start is not None and run_end > run_start:
            out.append(lsp.FoldingRange(run_start, run_end, kind=lsp.FoldingRangeKind.Comment))
        run_start = None
        if not isinstance(it, Instruction):
            continue
        first = p.lines[i]
        last_line = _last_line(p, i)
        hds = it.heredocs or (it.sub.heredocs if it.sub is not None else ())
        head_end = last_line
        if hds:
            head_end = first + breaks_before(it.text, hds[0].body_span.start) - 1
            for h in hds:
                start = first + breaks_before(it.text, h.body_span.start) - 1
                stop_at = (
                    h.terminator_span.end if h.terminator_span is not None else h.body_span.end
                )
                stop = first + breaks_before(it.text, max(h.body_span.start, stop_at - 1))
                if stop > start:
                    out.append(lsp.FoldingRange(start, stop))
        if head_end > first:
            out.append(lsp.FoldingRange(first, head_end))
        elif hds and last_line > first and not any(r.start_line == first for r in out[-len(hds) :]):
            out.append(lsp.FoldingRange(first, last_line))
    if run_start is not None and run_end > run_start:
        out.append(lsp.FoldingRange(run_start, run_end, kind=lsp.FoldingRangeKind.Comment))
    out.sort(key=lambda r: (r.start_line, -r.end_line))
    return out

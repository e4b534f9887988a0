"""``textDocument/documentSymbol`` (stages -> instructions) and
``workspace/symbol`` (the stages of the open documents)."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types as lsp

from dockerls.analysis.model import Definition, Model, Stage
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import item_range
from dockerls.syntax.nodes import Blank, Comment, Instruction
from dockerls.syntax.parser import Parse

_KINDS = {
    "ARG": lsp.SymbolKind.Variable,
    "ENV": lsp.SymbolKind.Variable,
    "LABEL": lsp.SymbolKind.Property,
    "EXPOSE": lsp.SymbolKind.Number,
    "CMD": lsp.SymbolKind.Function,
    "ENTRYPOINT": lsp.SymbolKind.Function,
    "HEALTHCHECK": lsp.SymbolKind.Event,
    "ONBUILD": lsp.SymbolKind.Event,
    "FROM": lsp.SymbolKind.Class,
}


def _content_end(text: str) -> int:
    return len(text.rstrip("\r\n"))


def _inst_range(p: Parse, i: int, caps: ClientCaps) -> lsp.Range:
    it = p.items[i]
    return item_range(p, i, 0, _content_end(it.text), caps.encoding)


def _last_content_item(p: Parse, st: Stage) -> int:
    last = st.first
    for k in range(st.first, st.end):
        if not isinstance(p.items[k], (Blank, Comment)):
            last = k
    return last


def stage_range(p: Parse, st: Stage, caps: ClientCaps) -> lsp.Range:
    last = _last_content_item(p, st)
    start = item_range(p, st.first, 0, 0, caps.encoding).start
    end = _inst_range(p, last, caps).end
    return lsp.Range(start, end)


def stage_label(st: Stage) -> str:
    return st.name if st.name else f"stage {st.index} ({st.image or '?'})"


def _detail(inst: Instruction) -> str:
    args = inst.args.strip()
    return args if len(args) <= 60 else args[:59] + "…"


def _inst_symbol(
    p: Parse, i: int, inst: Instruction, caps: ClientCaps, defs: dict[int, list[Definition]]
) -> lsp.DocumentSymbol:
    rng = _inst_range(p, i, caps)
    sel = item_range(p, i, inst.keyword_span.start, inst.keyword_span.end, caps.encoding)
    name = inst.name
    children: list[lsp.DocumentSymbol] = []
    for d in defs.get(i, ()):
        vr = item_range(p, i, d.name_span.start, d.name_span.end, caps.encoding)
        children.append(lsp.DocumentSymbol(d.name or "?", lsp.SymbolKind.Variable, vr, vr))
    return lsp.DocumentSymbol(
        name=name,
        detail=_detail(inst),
        kind=_KINDS.get(inst.name, lsp.SymbolKind.Method),
        range=rng,
        selection_range=sel,
        children=children or None,
    )


def document_symbols(
    p: Parse, model: Model, caps: ClientCaps, uri: str
) -> list[lsp.DocumentSymbol] | list[lsp.SymbolInformation]:
    out: list[lsp.DocumentSymbol] = []
    items = p.items
    defs: dict[int, list[Definition]] = {}
    for d in model.global_args + [d for st in model.stages for d in st.definitions()]:
        defs.setdefault(d.item, []).append(d)
    for i in model.preamble:
        inst = items[i]
        assert isinstance(inst, Instruction)
        out.append(_inst_symbol(p, i, inst, caps, defs))
    for st in model.stages:
        children = [
            _inst_symbol(p, i, inst, caps, defs) for i, inst in st.instructions if i != st.first
        ]
        if st.name_span is not None:
            sel = item_range(p, st.first, st.name_span.start, st.name_span.end, caps.encoding)
        else:
            sel = item_range(
                p,
                st.first,
                st.from_inst.keyword_span.start,
                st.from_inst.keyword_span.end,
                caps.encoding,
            )
        out.append(
            lsp.DocumentSymbol(
                name=stage_label(st),
                detail=f"FROM {st.image}",
                kind=lsp.SymbolKind.Class,
                range=stage_range(p, st, caps),
                selection_range=sel,
                children=children or None,
            )
        )
    if caps.hierarchical_symbols:
        return out
    flat: list[lsp.SymbolInformation] = []

    def walk(syms: Iterable[lsp.DocumentSymbol], container: str | None) -> None:
        for s in syms:
            flat.append(
                lsp.SymbolInformation(
                    name=s.name,
                    kind=s.kind,
                    location=lsp.Location(uri, s.range),
                    container_name=container,
                )
            )
            if s.children:
                walk(s.children, s.name)

    walk(out, None)
    return flat


def workspace_symbols(
    query: str, documents: Iterable[tuple[str, Parse, Model]], caps: ClientCaps
) -> list[lsp.WorkspaceSymbol]:
    """Stages of the open documents whose label contains ``query`` (case-insensitive subsequence)."""
    q = query.lower()
    out: list[lsp.WorkspaceSymbol] = []
    for uri, p, model in documents:
        for st in model.stages:
            label = stage_label(st)
            if not _matches(q, label.lower()):
                continue
            if st.name_span is not None:
                rng = item_range(p, st.first, st.name_span.start, st.name_span.end, caps.encoding)
            else:
                rng = _inst_range(p, st.first, caps)
            out.append(
                lsp.WorkspaceSymbol(
                    name=label,
                    kind=lsp.SymbolKind.Class,
                    location=lsp.Location(uri, rng),
                    container_name=uri.rsplit("/", 1)[-1],
                )
            )
    return out


def _matches(q: str, label: str) -> bool:
    pos = 0
    for ch in q:
        pos = label.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True

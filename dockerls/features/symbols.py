"""``textDocument/documentSymbol`` (stages -> instructions) and
``workspace/symbol`` (the stages of the open documents)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from dockerls.analysis.model import Definition, Model, Stage
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import in_lines, item_range
from dockerls.features.raw import RawJSON
from dockerls.syntax.identity_cache import IdentityCache, node_cache
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


def stage_label(st: Stage) -> str:
    return st.name if st.name else f"stage {st.index} ({st.image or '?'})"


def _detail(inst: Instruction) -> str:
    args = inst.args.strip()
    return args if len(args) <= 60 else args[:59] + "…"


# One instruction's symbol as JSON with its line numbers left open: a
# %-template with a ``%d`` per line number, and each one's offset from the
# instruction's first line.
# Cached per instruction (reparse keeps untouched ones as the same objects),
# so a keystroke re-renders only what it touched plus the stage wrappers.
_Frag = tuple[str, tuple[int, ...]]
_CACHE: IdentityCache[_Frag] = node_cache(50_000)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _Builder:
    """A %-template of JSON text: ``text`` pieces (a ``%`` in them doubled) and a
    ``%d`` for each line number, whose offsets ``lines`` keeps in order."""

    __slots__ = ("lines", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lines: list[int] = []

    def text(self, s: str) -> None:
        self.parts.append(s.replace("%", "%%") if "%" in s else s)

    def position(self, at: Callable[[int], tuple[int, int]], rel: int, line: int) -> None:
        """``{"line":..,"character":..}`` of ``rel`` in a text (``at``: its
        :func:`in_lines`), whose first line is ``line`` lines after the template's."""
        row, col = at(rel)
        self.parts.extend(('{"line":', "%d", f',"character":{col}}}'))
        self.lines.append(line + row)

    def range(self, at: Callable[[int], tuple[int, int]], start: int, end: int) -> None:
        """A range of a text whose first line is the template's (``at``: its :func:`in_lines`)."""
        (l0, c0), (l1, c1) = at(start), at(end)
        self.parts.extend(
            (
                '{"start":{"line":',
                "%d",
                f',"character":{c0}}},"end":{{"line":',
                "%d",
                f',"character":{c1}}}}}',
            )
        )
        self.lines.extend((l0, l1))

    def done(self) -> _Frag:
        return "".join(self.parts), tuple(self.lines)


def _inst_fragment(inst: Instruction, defs: list[Definition], enc: str) -> _Frag:
    text = inst.text
    b = _Builder()
    kind = int(_KINDS.get(inst.name, lsp.SymbolKind.Method))
    b.text(f'{{"name":{_dumps(inst.name)},"detail":{_dumps(_detail(inst))},"kind":{kind},')
    b.text('"range":')
    at = in_lines(text, enc)
    b.range(at, 0, _content_end(text))
    b.text(',"selectionRange":')
    b.range(at, inst.keyword_span.start, inst.keyword_span.end)
    if defs:
        var = int(lsp.SymbolKind.Variable)
        b.text(',"children":[')
        for n, d in enumerate(defs):
            b.text(("," if n else "") + f'{{"name":{_dumps(d.name or "?")},"kind":{var},"range":')
            b.range(at, d.name_span.start, d.name_span.end)
            b.text(',"selectionRange":')
            b.range(at, d.name_span.start, d.name_span.end)
            b.text("}")
        b.text("]")
    b.text("}")
    return b.done()


def _inst_frag(inst: Instruction, mine: list[Definition], enc: str) -> _Frag:
    key: object = tuple((d.name, d.name_span) for d in mine) if mine else None
    frag = _CACHE.get(inst, (enc, key))
    if frag is None:
        frag = _CACHE.put(inst, (enc, key), _inst_fragment(inst, mine, enc))
    return frag


def _defs_by_item(defs: Iterable[Definition]) -> dict[int, list[Definition]]:
    out: dict[int, list[Definition]] = {}
    for d in defs:
        out.setdefault(d.item, []).append(d)
    return out


class _StageFrag:
    """A stage's symbol as a template (its line numbers open, as offsets from
    the FROM's line), and its UTF-8 JSON as last rendered (for the FROM on ``line``).
    The template is kept in pieces, its instructions' the very strings of their cached
    fragments (joined when the stage is rendered: one copy of the text, not two).
    It holds the stage's items, so their ids (its key) stay theirs."""

    __slots__ = ("items", "line", "offsets", "pieces", "text")
    text: bytes

    def __init__(
        self, items: tuple[object, ...], pieces: tuple[str, ...], offsets: tuple[int, ...]
    ) -> None:
        self.items = items
        self.pieces = pieces
        self.offsets = offsets
        self.line = -1
        self.text = b""


# per stage, keyed by its FROM node (weakly) and (encoding, stage index, the ids
# of its other items): an edit renders again only the stage it touched, and a
# stage that moved to other lines only fills its template in again
_STAGES: IdentityCache[_StageFrag] = node_cache(50_000)


def _stage_json(p: Parse, st: Stage, enc: str) -> bytes:
    items = p.items
    rest = items[st.first + 1 : st.end]
    key = (enc, st.index, tuple(map(id, rest)))
    hit = _STAGES.get(items[st.first], key)
    if hit is None:
        hit = _STAGES.put(items[st.first], key, _stage_template(p, st, rest, enc))
    line = p.lines[st.first]
    if hit.line != line:
        text = "".join(hit.pieces) % tuple([line + off for off in hit.offsets])
        # a lone surrogate (a client may send one) can only sit inside a string:
        # written as its \uXXXX escape, the JSON stays valid
        hit.text = text.encode("utf-8", "backslashreplace")
        hit.line = line
    return hit.text


def _stage_template(p: Parse, st: Stage, rest: tuple[object, ...], enc: str) -> _StageFrag:
    items, lines = p.items, p.lines
    base = lines[st.first]
    last = _last_content_item(p, st)
    sel = st.name_span if st.name_span is not None else st.from_inst.keyword_span
    b = _Builder()
    kind = int(lsp.SymbolKind.Class)
    b.text(f'{{"name":{_dumps(stage_label(st))},"detail":{_dumps(f"FROM {st.image}")},')
    b.text(f'"kind":{kind},"range":{{"start":')
    from_at = in_lines(st.from_inst.text, enc)  # the stage's first item
    b.position(from_at, 0, 0)
    b.text(',"end":')
    last_text = items[last].text
    b.position(in_lines(last_text, enc), _content_end(last_text), lines[last] - base)
    b.text('},"selectionRange":{"start":')
    b.position(from_at, sel.start, 0)
    b.text(',"end":')
    b.position(from_at, sel.end, 0)
    b.text("}")
    parts, offsets = [b.done()[0]], list(b.lines)
    inner = [(i, inst) for i, inst in st.instructions if i != st.first]
    if inner:
        defs = _defs_by_item(st.definitions())
        parts.append(',"children":[')
        for n, (i, inst) in enumerate(inner):
            tmpl, offs = _inst_frag(inst, defs.get(i, []), enc)
            parts.extend((",", tmpl) if n else (tmpl,))
            offsets.extend(lines[i] - base + off for off in offs)
        parts.append("]")
    parts.append("}")
    return _StageFrag(rest, tuple(parts), tuple(offsets))


def document_symbols_json(p: Parse, model: Model, caps: ClientCaps) -> RawJSON:
    """The hierarchical symbols (stages, then their instructions and the
    variables those declare), as the JSON of a ``DocumentSymbol[]``."""
    enc = caps.encoding
    items = p.items
    out: list[bytes] = []
    defs = _defs_by_item(model.global_args)
    for i in model.preamble:
        inst = items[i]
        assert isinstance(inst, Instruction)
        tmpl, offs = _inst_frag(inst, defs.get(i, []), enc)
        text = tmpl % tuple([p.lines[i] + off for off in offs])
        out.append(text.encode("utf-8", "backslashreplace"))
    out.extend([_stage_json(p, st, enc) for st in model.stages])
    if not out:
        return RawJSON(b"[]")
    out[0] = b"[" + out[0]  # the brackets joined with the ends: the answer is copied once
    out[-1] += b"]"
    return RawJSON(b",".join(out))


def document_symbols(
    p: Parse, model: Model, caps: ClientCaps, uri: str
) -> list[lsp.DocumentSymbol] | list[lsp.SymbolInformation]:
    """The same symbols as lsprotocol objects, flattened to
    ``SymbolInformation`` for clients without hierarchical support."""
    raw = json.loads(document_symbols_json(p, model, caps))
    out: list[lsp.DocumentSymbol] = get_converter().structure(raw, list[lsp.DocumentSymbol])
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

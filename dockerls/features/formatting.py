"""``textDocument/formatting``, ``/rangeFormatting`` and ``/onTypeFormatting``.

Only whitespace outside quotes and keyword case change, so formatting never
changes what BuildKit builds:

- keywords (and FROM's ``AS``) upper-cased when the setting asks for it;
- one space between the keyword, each flag and the arguments (and between
  FROM's words); no indentation before the keyword;
- continuation lines indented by one unit (the editor's tab/spaces options,
  or the ``continuationIndent`` setting), keeping any deeper nesting the
  user chose relative to the least indented line when
  ``keepNestedIndentation`` is on; a line is never re-indented where its
  leading whitespace is inside quotes or would split a word;
- trailing blanks removed (also after a line-continuation character);
- exec-form JSON spacing normalised (``["a", "b"]``) when ``normalizeJson``;
- heredoc bodies, comments, directives and blank lines are left as written.

The result is one :class:`TextEdit` per changed line, and formatting is
idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import item_position
from dockerls.settings import FormatSettings
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import CONTINUATION_RE, Parse


@dataclass(frozen=True)
class FormatOptions:
    unit: str = "    "
    uppercase: bool = True
    keep_nested: bool = True
    normalize_json: bool = False


def options(settings: FormatSettings, fo: lsp.FormattingOptions | None) -> FormatOptions:
    ci = settings.continuation_indent
    if ci == "tab":
        unit = "\t"
    elif isinstance(ci, int):
        unit = " " * ci
    elif fo is not None and not fo.insert_spaces:
        unit = "\t"
    else:
        unit = " " * (fo.tab_size if fo is not None and fo.tab_size > 0 else 4)
    return FormatOptions(
        unit, settings.uppercase_keywords, settings.keep_nested_indentation, settings.normalize_json
    )


def _scan_quotes(s: str, quote: str, escape: str) -> str:
    """Quote state after ``s`` given the state before it ("" = none)."""
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if quote == "'":
            if ch == "'":
                quote = ""
        elif ch == escape:
            i += 2
            continue
        elif quote == '"':
            if ch == '"':
                quote = ""
        elif ch in ("'", '"'):
            quote = ch
        i += 1
    return quote


def _width(ws: str) -> int:
    return sum(4 if c == "\t" else 1 for c in ws)


@dataclass
class _Line:
    start: int  # relative to the item
    content: str  # without the line break
    new: str
    kind: str  # "first" | "cont" | "skip"
    quote_in: str = ""
    joint_ok: bool = False
    lead: str = ""


def _gap_edits(
    text: str, gaps: list[tuple[int, int, str]], limit: int
) -> list[tuple[int, int, str]]:
    """Keep the replacements that are real changes: of blanks, or of a
    keyword's case, or of a whole JSON array."""
    out = []
    for s, e, rep in gaps:
        old = text[s:e]
        if not (0 <= s < e <= limit) or old == rep:
            continue
        if (
            old.strip(" \t") == ""
            or old.upper() == rep
            or (old.startswith("[") and rep.startswith("["))
        ):
            out.append((s, e, rep))
    return out


def format_instruction(
    inst: Instruction, escape: str, opts: FormatOptions
) -> list[tuple[int, str, str]]:
    """(line offset inside the item, old line, new line) for each changed line."""
    text = inst.text
    tgt = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
    hds = tgt.heredocs
    head_end = min(h.body_span.start for h in hds) if hds else len(text)
    cont_re = CONTINUATION_RE[escape]
    skip_starts = {sp.start for sp in inst.inner_comments} | {
        sp.start for sp in inst.empty_continuation_lines
    }
    lines: list[_Line] = []
    pos = 0
    while pos < head_end:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 or nl >= len(text) else nl
        raw = text[pos:end]
        content = raw[:-1] if raw.endswith("\r") else raw
        kind = (
            "first"
            if not lines
            else ("skip" if pos in skip_starts or not content.strip() else "cont")
        )
        lines.append(_Line(pos, content, content, kind))
        if nl < 0:
            break
        pos = nl + 1
    if not lines:
        return []
    first_end = lines[0].start + len(lines[0].content)

    # -- the first line: keyword case and the gaps between keyword, flags and args
    gaps: list[tuple[int, int, str]] = []
    first = lines[0].content
    ks = inst.keyword_span
    gaps.append((0, ks.start, ""))
    if opts.uppercase and inst.keyword != inst.keyword.upper():
        gaps.append((ks.start, ks.end, inst.keyword.upper()))
    anchors: list[tuple[int, int]] = [(ks.start, ks.end)]
    if tgt is not inst:
        tks = tgt.keyword_span
        if opts.uppercase and tgt.keyword != tgt.keyword.upper() and tks.end <= first_end:
            gaps.append((tks.start, tks.end, tgt.keyword.upper()))
        anchors.append((tks.start, tks.end))
    for f in tgt.flags:
        anchors.append((f.span.start, f.span.end))
    if tgt.args_span is not None:
        if tgt.name == "FROM" and not tgt.json:
            words = tgt.words
            for w in words:
                anchors.append((w.span.start, w.span.end))
            if (
                opts.uppercase
                and len(words) >= 3
                and words[1].value.lower() == "as"
                and words[1].value != "AS"
            ):
                gaps.append((words[1].span.start, words[1].span.end, "AS"))
        else:
            anchors.append((tgt.args_span.start, tgt.args_span.end))
    for (_s1, e1), (s2, _e2) in pairwise(anchors):
        if s2 > e1:
            gaps.append((e1, s2, " "))
    if (
        opts.normalize_json
        and tgt.json
        and tgt.args_span is not None
        and tgt.args_span.end <= first_end
        and tgt.json_items
        and all(text[w.span.start] == '"' and text[w.span.end - 1] == '"' for w in tgt.json_items)
    ):
        close = text.find("]", tgt.json_items[-1].span.end, first_end)
        if close > 0 and text[tgt.args_span.start] == "[":
            inner = ", ".join(text[w.span.start : w.span.end] for w in tgt.json_items)
            gaps.append((tgt.args_span.start, close + 1, f"[{inner}]"))
    edits = _gap_edits(text, gaps, first_end)
    # keep only non-overlapping edits (later anchors may nest inside JSON rewrite)
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for ed in edits:
        if kept and ed[0] < kept[-1][1]:
            continue
        kept.append(ed)
    new_first = first
    for s, e, rep in reversed(kept):
        new_first = new_first[:s] + rep + new_first[e:]
    lines[0].new = new_first

    # -- quote state, continuation lines, trailing blanks
    quote = ""
    prev_tail_ws = False
    last_cont = True
    for ln in lines:
        if ln.kind == "skip":
            continue
        if not last_cont:
            break
        m = cont_re.search(ln.new)
        body = ln.new[: m.start(1)] if m else ln.new
        if ln.kind == "cont":
            ln.quote_in = quote
            ln.lead = body[: len(body) - len(body.lstrip(" \t"))]
            ln.joint_ok = not quote and (bool(ln.lead) or prev_tail_ws)
        quote = _scan_quotes(body, quote, escape)
        prev_tail_ws = body[-1:] in (" ", "\t") or (not body.strip() and prev_tail_ws)
        if m:
            ln.new = ln.new[: m.start(1)] + escape
        elif not quote:
            ln.new = ln.new.rstrip(" \t")
        last_cont = m is not None

    cands = [ln for ln in lines if ln.kind == "cont" and ln.joint_ok and ln.new.strip(" \t")]
    if cands:
        min_lead = min((ln.lead for ln in cands), key=_width)
        for ln in cands:
            extra = ""
            if opts.keep_nested:
                if ln.lead.startswith(min_lead):
                    extra = ln.lead[len(min_lead) :]
                else:
                    extra = " " * max(0, _width(ln.lead) - _width(min_lead))
                if opts.unit != "\t":
                    # nested tab levels become units, so spaces and tabs don't mix
                    extra = extra.replace("\t", opts.unit)
            ln.new = opts.unit + extra + ln.new[len(ln.lead) :]
    return [(ln.start, ln.content, ln.new) for ln in lines if ln.new != ln.content]


def _edits_for_items(
    p: Parse, first: int, last: int, opts: FormatOptions, caps: ClientCaps
) -> list[lsp.TextEdit]:
    out: list[lsp.TextEdit] = []
    for i in range(max(first, p.header), last + 1):
        it = p.items[i]
        if not isinstance(it, Instruction):
            continue
        for start, old, new in format_instruction(it, p.escape, opts):
            rng = lsp.Range(
                item_position(p, i, start, caps.encoding),
                item_position(p, i, start + len(old), caps.encoding),
            )
            out.append(lsp.TextEdit(rng, new))
    return out


def format_text(text: str, opts: FormatOptions) -> str:
    """The formatted text (used by the CLI and the corpus test)."""
    from dockerls.syntax.parser import parse

    p = parse(text)
    parts: list[str] = []
    for i, it in enumerate(p.items):
        if i < p.header or not isinstance(it, Instruction):
            parts.append(it.text)
            continue
        t = it.text
        for start, old, new in reversed(format_instruction(it, p.escape, opts)):
            t = t[:start] + new + t[start + len(old) :]
        parts.append(t)
    return "".join(parts)


def format_document(
    p: Parse, model: Model, fo: lsp.FormattingOptions, settings: FormatSettings, caps: ClientCaps
) -> list[lsp.TextEdit]:
    if not p.items:
        return []
    return _edits_for_items(p, 0, len(p.items) - 1, options(settings, fo), caps)


def format_range(
    p: Parse,
    model: Model,
    rng: lsp.Range,
    fo: lsp.FormattingOptions,
    settings: FormatSettings,
    caps: ClientCaps,
) -> list[lsp.TextEdit]:
    if not p.items:
        return []
    first = p.item_at_line(rng.start.line)
    last_line = (
        rng.end.line - 1
        if rng.end.character == 0 and rng.end.line > rng.start.line
        else rng.end.line
    )
    last = p.item_at_line(last_line)
    return _edits_for_items(p, first, last, options(settings, fo), caps)


def format_on_type(
    p: Parse,
    model: Model,
    pos: lsp.Position,
    ch: str,
    fo: lsp.FormattingOptions,
    settings: FormatSettings,
    caps: ClientCaps,
) -> list[lsp.TextEdit]:
    """After a newline: format the instruction the cursor is in (its
    continuation line gets its indentation) or the one just finished."""
    if ch != "\n" or pos.line == 0 or not p.items:
        return []
    opts = options(settings, fo)
    i = p.item_at_line(pos.line)
    it = p.items[i]
    if isinstance(it, Instruction) and p.lines[i] < pos.line:
        edits = _edits_for_items(p, i, i, opts, caps)
        # a just-opened continuation line holds only blanks: indent it too
        line_edit = _indent_new_line(p, i, it, pos, opts, caps)
        return [e for e in edits if e.range.start.line != pos.line] + line_edit
    prev = p.item_at_line(pos.line - 1)
    return _edits_for_items(p, prev, prev, opts, caps)


def _indent_new_line(
    p: Parse, i: int, inst: Instruction, pos: lsp.Position, opts: FormatOptions, caps: ClientCaps
) -> list[lsp.TextEdit]:
    text = inst.text
    k = pos.line - p.lines[i]
    starts = [0]
    for _ in range(k):
        nl = text.find("\n", starts[-1])
        if nl < 0:
            return []
        starts.append(nl + 1)
    ls = starts[-1]
    nl = text.find("\n", ls)
    line = text[ls : len(text) if nl < 0 else nl].rstrip("\r")
    hds = inst.heredocs or (inst.sub.heredocs if inst.sub is not None else ())
    if hds and ls >= min(h.body_span.start for h in hds):
        return []
    if line.strip(" \t"):
        return []
    prev_start = starts[-2]
    prev = text[prev_start : ls - 1].rstrip("\r")
    if CONTINUATION_RE[p.escape].search(prev) is None:
        return []
    indent = opts.unit
    if k >= 2 and opts.keep_nested:
        lead = prev[: len(prev) - len(prev.lstrip(" \t"))]
        if lead:
            indent = lead
    if line == indent:
        return []
    rng = lsp.Range(
        item_position(p, i, ls, caps.encoding), item_position(p, i, ls + len(line), caps.encoding)
    )
    return [lsp.TextEdit(rng, indent)]

"""``textDocument/formatting``, ``/rangeFormatting`` and ``/onTypeFormatting``.

Formatting never changes what BuildKit builds: only keyword case and
whitespace that BuildKit (or the shell running a command) reads as a plain
separator change, so BuildKit's parse of the formatted file has the same
instructions, flags, values, JSON forms and heredocs:

- keywords (and FROM's ``AS``) upper-cased when the setting asks for it;
- one space between the keyword, each flag and the arguments (and between
  FROM's words); no indentation before the keyword;
- continuation lines indented by one unit (the editor's tab/spaces options,
  or the ``continuationIndent`` setting), keeping any deeper nesting the
  user chose relative to the least indented line when
  ``keepNestedIndentation`` is on;
- trailing blanks removed after a line-continuation character and at the
  end of an instruction (BuildKit trims both);
- exec-form JSON spacing normalised (``["a", "b"]``) when ``normalizeJson``;
- heredoc bodies, comments, directives and blank lines are left as written.

A continuation line keeps its leading whitespace when that whitespace is part
of a value: inside quotes or after an escape (by the rules of whoever reads
it: BuildKit's flag and word splitting, JSON, or the shell), or in a value
BuildKit keeps verbatim (``ENV KEY value``, ``LABEL key value``, USER,
WORKDIR, STOPSIGNAL, MAINTAINER, a shell-form command run by ``cmd`` or an
interpreter).  A line is
never indented where that would split a word, nor unindented where it would
join two.

The result is one :class:`TextEdit` per changed line; formatting is
idempotent and linear in the size of the document.  Range and on-type
formatting only change the requested lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import ParamSpec

from lsprotocol import types as lsp

from dockerls.analysis.model import Model, build_model, default_shell
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import units
from dockerls.features.raw import RawJSON
from dockerls.settings import FormatSettings
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse, continuation_at, parse
from dockerls.syntax.shell import shell_dialect


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


# ---------------------------------------------------------------------------
# Where whitespace is part of a value
#
# A reader is described by its quote characters (each with the escape
# character that works inside it, or None) and the escape character outside
# quotes.  ``_protected`` returns the half-open intervals of the logical line
# where a blank is not a separator: a quoted stretch (quotes included) or an
# escape with the character it escapes.


@dataclass(frozen=True)
class _Reader:
    quotes: tuple[tuple[str, str | None], ...]
    escape: str | None
    ansi_c: bool = False  # ``$'...'`` quotes with backslash escapes (bash)


# BuildKit's flag splitting: both quotes, and a backslash escapes everywhere
_FLAGS = _Reader((("'", "\\"), ('"', "\\")), "\\")
# JSON: only double quotes, backslash escapes inside them
_JSON = _Reader((('"', "\\"),), None)
# POSIX shells: read once with a backtick command substitution treated like a
# quote and bash's ``$'...'``, once with plain quotes only; a blank is free
# only where both readings agree (a quote inside backticks, say, is read
# differently by different shells)
_POSIX = _Reader((("'", None), ('"', "\\"), ("`", "\\")), "\\", ansi_c=True)
_POSIX_PLAIN = _Reader((("'", None), ('"', "\\")), "\\")
_POWERSHELL = _Reader((("'", None), ('"', "`")), "`")
_SHELL_READERS = {"posix": (_POSIX, _POSIX_PLAIN), "powershell": (_POWERSHELL,)}


def _words_reader(escape: str) -> _Reader:
    """BuildKit's word splitting (ARG, ``ENV``/``LABEL key=value``)."""
    return _Reader((("'", None), ('"', escape)), escape)


_SPECIALS: dict[str, re.Pattern[str]] = {}


def _specials(chars: str) -> re.Pattern[str]:
    pat = _SPECIALS.get(chars)
    if pat is None:
        pat = _SPECIALS[chars] = re.compile("[" + re.escape(chars) + "]")
    return pat


def _protected(s: str, start: int, end: int, r: _Reader) -> tuple[list[tuple[int, int]], bool]:
    """Protected intervals of ``s[start:end]`` under ``r``; True when a quote
    is still open at ``end``."""
    out: list[tuple[int, int]] = []
    qmap = dict(r.quotes)
    outer = _specials("".join(qmap) + (r.escape or ""))
    i = start
    while True:
        m = outer.search(s, i, end)
        if m is None:
            return out, False
        c = m.group()
        q = m.start()
        if c == r.escape:
            out.append((q, q + 2))
            i = q + 2
            continue
        inner = qmap[c]
        if r.ansi_c and c == "'" and q > start and s[q - 1] == "$" and (not out or out[-1][1] != q):
            inner = "\\"
        j = q + 1
        if inner is None:
            k = s.find(c, j, end)
        else:
            pat = _specials(c + inner)
            while True:
                m2 = pat.search(s, j, end)
                if m2 is None:
                    k = -1
                    break
                if m2.group() == inner:
                    j = m2.start() + 2
                    continue
                k = m2.start()
                break
        if k < 0:
            out.append((q, end))
            return out, True
        out.append((q, k + 1))
        i = k + 1


class _Guard:
    """Answers "is this position of the logical line inside a value?", for
    positions asked in increasing order (a cursor, not a search)."""

    def __init__(self, intervals: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(intervals):
            if merged and s < merged[-1][1]:
                if e > merged[-1][1]:
                    merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]
        self._k = -1

    def inside(self, pos: int) -> bool:
        """True when ``pos`` lies strictly inside a protected interval (a
        blank inserted before ``pos`` would land in a value)."""
        starts = self._starts
        k = self._k
        while k + 1 < len(starts) and starts[k + 1] < pos:
            k += 1
        self._k = k
        return k >= 0 and pos < self._ends[k]


_INF = 1 << 62
_VERBATIM = frozenset({"MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR", "SHELL"})
_SPLIT_ONLY = frozenset({"FROM", "EXPOSE", "ADD", "COPY", "VOLUME"})
_COMMANDS = frozenset({"RUN", "CMD", "ENTRYPOINT"})
_KEY_SEP = re.compile(r"[\t\v\f\r ]+")
_WORD = re.compile(r"\S*")
_WORD_AND_BLANKS = re.compile(r"\S*\s*")


def _guard(inst: Instruction, escape: str, dialects: frozenset[str]) -> _Guard:
    """Where in ``inst.logical`` whitespace belongs to a value.

    ``dialects`` are the shells that may run a shell-form command here
    (empty when unknown)."""
    tgt = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
    s = inst.logical
    n = len(s)
    a = min(tgt.args_start, n)
    # the keyword(s) and flags: BuildKit's flag splitting
    spans, still_open = _protected(s, 0, a, _FLAGS)
    if still_open:
        return _Guard([(-1, _INF)])
    name = tgt.name
    if inst.name == "ONBUILD" and inst.sub is None:
        name = "ONBUILD"
    if name == "HEALTHCHECK":
        # ``CMD`` then a command, read as RUN's arguments; any other word: verbatim
        typ = _WORD.match(s, a, n).group()  # type: ignore[union-attr]
        if typ.upper() != "CMD":
            return _Guard([*spans, (a + len(typ) - 1, _INF)])
        a = _WORD_AND_BLANKS.match(s, a, n).end()  # type: ignore[union-attr]
        name = "CMD"
    if tgt.json:
        spans += _protected(s, a, n, _JSON)[0]
        return _Guard(spans)
    if s.startswith("[", a) and (name in _SPLIT_ONLY or name in _COMMANDS or name == "SHELL"):
        # not valid JSON now: a blank inside a would-be string (a tab, say)
        # must not change, or the array could become valid
        spans += _protected(s, a, n, _JSON)[0]
    if name in _SPLIT_ONLY:
        # BuildKit splits these on whitespace alone, but finds the heredocs of ADD and
        # COPY in the words a shell lexer reads (a backslash escapes there, whatever the
        # file's escape): a blank after an escape or inside quotes starts no word there
        if name in ("ADD", "COPY") and "<<" in s[a:n]:
            spans += _protected(s, a, n, _words_reader("\\"))[0]
    elif name == "ARG" or (name in ("ENV", "LABEL") and tgt.words and "=" in tgt.words[0].value):
        spans += _protected(s, a, n, _words_reader(escape))[0]
    elif name in ("ENV", "LABEL"):
        # ``KEY value``: the value (after the first blank run) is kept verbatim
        m = _KEY_SEP.search(s, a, n)
        spans.append((m.end() if m else a, _INF))
    elif name in _COMMANDS and dialects and dialects <= _SHELL_READERS.keys():
        # read by the shell: safe only where every shell that may run it sees a separator
        for d in sorted(dialects):
            for reader in _SHELL_READERS[d]:
                spans += _protected(s, a, n, reader)[0]
    else:
        # kept verbatim: parseString, a shell other than sh or PowerShell, unknown keywords
        spans.append((a, _INF))
    return _Guard(spans)


def _width(ws: str) -> int:
    return len(ws) + 3 * ws.count("\t")


_LONE_CR = re.compile(r"\r(?!\n)")


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


def _format_first_line(inst: Instruction, first: str, opts: FormatOptions) -> str:
    """Keyword case and the gaps between keyword, flags and arguments."""
    text = inst.text
    first_end = len(first)
    tgt = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
    gaps: list[tuple[int, int, str]] = []
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
    parts: list[str] = []
    pos = 0
    for s, e, rep in kept:
        parts.append(first[pos:s])
        parts.append(rep)
        pos = e
    parts.append(first[pos:])
    return "".join(parts)


_LEAD = re.compile(r"[ \t]*")


def format_instruction(
    inst: Instruction,
    escape: str,
    opts: FormatOptions,
    dialects: frozenset[str] = frozenset({"posix"}),
) -> list[tuple[int, int, int, str]]:
    """(line number inside the item, start and end offsets of the line
    without its break, new line) for each changed line.  ``dialects``: the
    shells that may run a shell-form command."""
    text = inst.text
    if "\r" in text and _LONE_CR.search(text):
        return []  # a lone CR is a line break for the client, not for BuildKit
    tgt = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
    hds = tgt.heredocs
    head_end = min(h.body_span.start for h in hds) if hds else len(text)
    skip_starts = {sp.start for sp in inst.inner_comments} | {
        sp.start for sp in inst.empty_continuation_lines
    }
    seg_source = inst.seg_source
    seg_logical = inst.seg_logical
    q = 0  # the segment of the line at ``pos`` (segments start in line order)
    guard = _guard(inst, escape, dialects)
    logical = inst.logical
    # Only ints and the new lines are kept: a long instruction must not fill
    # the heap (the garbage collector walks it, the caches miss).
    out: list[tuple[int, int, int, str]] = []  # (number, start, end, new)
    # the lines whose indentation may change: (number, start, end, body end, lead, tail)
    movable: list[tuple[int, int, int, int, str, str]] = []
    pos = 0
    k = 0
    continued = True
    while pos < head_end and continued:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = len(text)
        end = nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
        if k and pos in skip_starts:
            pos = nl + 1
            k += 1
            continue
        content = text[pos:end]
        cut = continuation_at(content, escape)
        continued = cut >= 0
        body_end = pos + cut if continued else pos + len(content.rstrip(" \t"))
        tail = escape if continued else ""
        if k == 0:
            new = _format_first_line(inst, text[pos:body_end] + tail, opts)
            if new != content:
                out.append((k, pos, end, new))
        else:
            lead_end = _LEAD.match(text, pos, body_end).end()  # type: ignore[union-attr]
            while q < len(seg_source) and seg_source[q] < pos:
                q += 1
            j = seg_logical[q] if q < len(seg_source) and seg_source[q] == pos else -1
            # the indentation may change where it is a separator (or nothing,
            # next to one) outside every value
            if (
                j >= 0
                and lead_end < body_end
                and not guard.inside(j)
                and (
                    (j > 0 and logical[j - 1] in " \t" and not guard.inside(j - 1))
                    or (lead_end > pos and opts.unit)
                )
            ):
                movable.append((k, pos, end, body_end, text[pos:lead_end], tail))
            elif body_end + len(tail) != end:  # blanks after the body to drop
                out.append((k, pos, end, text[pos:body_end] + tail))
        pos = nl + 1
        k += 1

    if movable:
        unit = opts.unit
        least = min((mv[4] for mv in movable), key=_width)
        for n, start, end, body_end, lead, tail in movable:
            extra = ""
            if opts.keep_nested:
                if lead.startswith(least):
                    extra = lead[len(least) :]
                else:
                    extra = " " * max(0, _width(lead) - _width(least))
                if unit != "\t":
                    # nested tab levels become units, so spaces and tabs don't mix
                    extra = extra.replace("\t", unit)
            new = unit + extra + text[start + len(lead) : body_end] + tail
            if len(new) != end - start or not text.startswith(new, start):
                out.append((n, start, end, new))
        out.sort(key=_first)  # line numbers are distinct: no tuple comparisons
    return out


def _first(change: tuple[int, int, int, str]) -> int:
    return change[0]


def shell_dialects(p: Parse, model: Model) -> list[frozenset[str]]:
    """Per item: the dialects of the shells that may run a shell-form command
    there (the default shell, and any exec-form SHELL before it; an ONBUILD
    command runs later, with the image's final shell: any of the file's)."""
    seen = {shell_dialect(default_shell(model))}
    out: list[frozenset[str]] = []
    current = frozenset(seen)
    onbuild: list[int] = []
    for i, it in enumerate(p.items):
        out.append(current)
        if not isinstance(it, Instruction):
            continue
        if it.name == "ONBUILD":
            onbuild.append(i)
        elif it.name == "SHELL" and it.json and it.values:
            d = shell_dialect(it.values)
            if d not in seen:
                seen.add(d)
                current = frozenset(seen)
    for i in onbuild:
        out[i] = current
    return out


_Change = tuple[int, int, str]  # (line, its length in the client's units, new text)


def _changes(
    p: Parse,
    model: Model,
    first: int,
    last: int,
    opts: FormatOptions,
    caps: ClientCaps,
    lines: tuple[int, int] | None = None,
) -> list[_Change]:
    """The changed lines of items ``first..last``, only lines ``lines``
    (inclusive) if given.  Each replaces a whole line (its break excluded)."""
    out: list[_Change] = []
    dialects = shell_dialects(p, model)
    enc = caps.encoding
    for i in range(max(first, p.header), last + 1):
        it = p.items[i]
        if not isinstance(it, Instruction):
            continue
        base = p.lines[i]
        text = it.text
        ascii_text = text.isascii()
        for k, start, end, new in format_instruction(it, p.escape, opts, dialects[i]):
            line = base + k
            if lines is None or lines[0] <= line <= lines[1]:
                width = end - start if ascii_text else units(text[start:end], enc)
                out.append((line, width, new))
    return out


def _text_edits(changes: list[_Change]) -> list[lsp.TextEdit]:
    return [
        lsp.TextEdit(lsp.Range(lsp.Position(line, 0), lsp.Position(line, end)), new)
        for line, end, new in changes
    ]


_dumps = json.encoder.encode_basestring


def _json_edits(changes: list[_Change]) -> RawJSON:
    """The same as :func:`_text_edits`, as the JSON of a ``TextEdit[]``: a
    big answer then costs neither lsprotocol objects nor their conversion."""
    parts = [
        f'{{"range":{{"start":{{"line":{line},"character":0}},'
        f'"end":{{"line":{line},"character":{end}}}}},"newText":{_dumps(new)}}},'
        for line, end, new in changes
    ]
    # one join, one encoding: the brackets go into the first and last parts
    # instead of copying the whole answer again
    if not parts:
        return RawJSON(b"[]")
    parts[0] = "[" + parts[0]
    parts[-1] = parts[-1][:-1] + "]"
    return RawJSON("".join(parts).encode("utf-8", "backslashreplace"))


def format_text(text: str, opts: FormatOptions) -> str:
    """The formatted text (used by the CLI and the corpus test)."""
    p = parse(text)
    dialects = shell_dialects(p, build_model(p))
    parts: list[str] = []
    for i, it in enumerate(p.items):
        t = it.text
        if i < p.header or not isinstance(it, Instruction):
            parts.append(t)
            continue
        pos = 0
        for _k, start, end, new in format_instruction(it, p.escape, opts, dialects[i]):
            parts.append(t[pos:start])
            parts.append(new)
            pos = end
        parts.append(t[pos:])
    return "".join(parts)


def _document_changes(
    p: Parse, model: Model, fo: lsp.FormattingOptions, settings: FormatSettings, caps: ClientCaps
) -> list[_Change]:
    """The whole document's changes."""
    if not p.items:
        return []
    return _changes(p, model, 0, len(p.items) - 1, options(settings, fo), caps)


def _range_changes(
    p: Parse,
    model: Model,
    rng: lsp.Range,
    fo: lsp.FormattingOptions,
    settings: FormatSettings,
    caps: ClientCaps,
) -> list[_Change]:
    """Changes on the lines the range covers, and no others (a range ending
    at column 0 of a later line does not cover that line)."""
    if not p.items:
        return []
    first_line = rng.start.line
    last_line = (
        rng.end.line - 1
        if rng.end.character == 0 and rng.end.line > rng.start.line
        else rng.end.line
    )
    first = p.item_at_line(first_line)
    last = p.item_at_line(last_line)
    return _changes(p, model, first, last, options(settings, fo), caps, (first_line, last_line))


_P = ParamSpec("_P")


def _as_edits(fn: Callable[_P, list[_Change]]) -> Callable[_P, list[lsp.TextEdit]]:
    def edits(*args: _P.args, **kwargs: _P.kwargs) -> list[lsp.TextEdit]:
        return _text_edits(fn(*args, **kwargs))

    edits.__doc__ = fn.__doc__
    return edits


def _as_json(fn: Callable[_P, list[_Change]]) -> Callable[_P, RawJSON]:
    def answer(*args: _P.args, **kwargs: _P.kwargs) -> RawJSON:
        return _json_edits(fn(*args, **kwargs))

    answer.__doc__ = fn.__doc__
    return answer


# the pure functions' results, and the same as JSON (what the server sends)
format_document = _as_edits(_document_changes)
format_document_json = _as_json(_document_changes)
format_range = _as_edits(_range_changes)
format_range_json = _as_json(_range_changes)


def format_on_type(
    p: Parse,
    model: Model,
    pos: lsp.Position,
    ch: str,
    fo: lsp.FormattingOptions,
    settings: FormatSettings,
    caps: ClientCaps,
) -> list[lsp.TextEdit]:
    """After a newline: the line just ended is formatted and the new line
    indented as formatting would (a blank new line inside a continuation gets
    the indentation of the line above it); no other line changes."""
    if ch != "\n" or pos.line == 0 or not p.items:
        return []
    opts = options(settings, fo)
    prev = p.item_at_line(pos.line - 1)
    cur = p.item_at_line(pos.line)
    edits = _text_edits(_changes(p, model, prev, cur, opts, caps, (pos.line - 1, pos.line)))
    it = p.items[cur]
    if isinstance(it, Instruction) and p.lines[cur] < pos.line:
        edits += _indent_new_line(p, cur, it, pos, opts, caps, edits)
    return edits


def _indent_new_line(
    p: Parse,
    i: int,
    inst: Instruction,
    pos: lsp.Position,
    opts: FormatOptions,
    caps: ClientCaps,
    edits: list[lsp.TextEdit],
) -> list[lsp.TextEdit]:
    """The indentation of a blank line just opened inside a continuation."""
    text = inst.text
    if "\r" in text and _LONE_CR.search(text):
        return []
    k = pos.line - p.lines[i]
    lines = text.split("\n")
    if not 1 <= k < len(lines):
        return []
    line = lines[k].removesuffix("\r")
    if line.strip(" \t"):
        return []  # a line with content is formatted like any other
    tgt = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
    if tgt.heredocs:
        start = sum(len(ln) + 1 for ln in lines[:k])
        if start >= min(h.body_span.start for h in tgt.heredocs):
            return []
    prev = lines[k - 1].removesuffix("\r")
    if continuation_at(prev, p.escape) < 0:
        return []
    indent = opts.unit
    if k >= 2 and opts.keep_nested:
        prev = next((e.new_text for e in edits if e.range.start.line == pos.line - 1), prev)
        lead = prev[: len(prev) - len(prev.lstrip(" \t"))]
        if lead:
            indent = lead
    if line == indent:
        return []
    end = lsp.Position(pos.line, units(line, caps.encoding))
    return [lsp.TextEdit(lsp.Range(lsp.Position(pos.line, 0), end), indent)]

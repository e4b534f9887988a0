"""The Dockerfile parser: lossless, positioned, error-tolerant.

``parse(text)`` never raises.  It splits the text into *items* (parser
directives, comment lines, blank lines and instructions); the items' texts
joined give back the original text exactly.  Instructions are read the way
BuildKit's parser reads them (line continuations with the escape character,
comments and blank lines inside continuations, heredocs), so that their
``values``/``flags``/``json``/``heredocs`` match BuildKit's parse, while every
part keeps its position.

An instruction's internals use offsets relative to the item start; the
:class:`Parse` holds the absolute start offset and line of every item.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass

from dockerls.syntax.heredocs import HeredocMarker, find_heredocs
from dockerls.syntax.nodes import (
    Blank,
    Comment,
    Directive,
    Flag,
    Heredoc,
    Instruction,
    Item,
    Span,
    SyntaxIssue,
    WeakReferable,
    Word,
    same_items,
)
from dockerls.syntax.text import BOM, GO_SPACE, break_count, is_go_space, next_break

KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
HEREDOC_INSTRUCTIONS = frozenset({"ADD", "COPY", "RUN"})

_DIRECTIVE_RE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
# BuildKit's reWhitespace (a lone \r is a blank inside a line)
_WS_SPLIT_RE = _CMD_SPLIT_RE = re.compile(r"[\t\v\f\r ]+")
_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NONSPACE_RE = re.compile(rf"[^{re.escape(GO_SPACE)}]+")
# BuildKit: the escape character at the end of a line (trailing blanks
# allowed) continues the line, unless it is itself escaped.
CONTINUATION_RE = {
    "\\": re.compile(r"(?:^|[^\\])(\\[ \t]*)$"),
    "`": re.compile(r"(?:^|[^`])(`[ \t]*)$"),
}
_JSON_DECODER = json.JSONDecoder()


def _split_lines(text: str, pos: int) -> int:
    """Return the end offset (after the newline) of the line starting at pos."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def _strip_newline(line: str) -> str:
    """BuildKit's ``trimNewline``: every trailing ``\r`` and ``\n``."""
    return line.rstrip("\r\n")


class _Logical:
    """Builds a logical line from source segments, remembering the mapping."""

    __slots__ = ("length", "parts", "seg_logical", "seg_source")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.seg_logical: list[int] = []
        self.seg_source: list[int] = []
        self.length = 0

    def add(self, s: str, source_start: int) -> None:
        if not s:
            return
        self.seg_logical.append(self.length)
        self.seg_source.append(source_start)
        self.parts.append(s)
        self.length += len(s)


@dataclass(frozen=True, slots=True)
class _Mapper:
    seg_logical: tuple[int, ...]
    seg_source: tuple[int, ...]
    end_source: int

    def point(self, i: int) -> int:
        if not self.seg_logical:
            return self.end_source
        k = bisect_right(self.seg_logical, i) - 1
        if k < 0:
            k = 0
        return self.seg_source[k] + (i - self.seg_logical[k])

    def span(self, start: int, end: int) -> Span:
        if len(self.seg_logical) == 1:
            d = self.seg_source[0] - self.seg_logical[0]
            return Span(start + d, max(start, end) + d)
        if end <= start:
            p = self.point(start)
            return Span(p, p)
        return Span(self.point(start), self.point(end - 1) + 1)


# ---------------------------------------------------------------------------
# Word splitting, following BuildKit's parser semantics.


_is_space = is_go_space
_WS = GO_SPACE
_WS_CLASS = re.escape(GO_SPACE)


def _word_re(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(
        rf"""(?:[^{_WS_CLASS}"'{e}]|{e}.|"(?:[^"{e}]|{e}.)*"|'[^']*')+""",
        re.DOTALL,
    )


_WORD_RES = {"\\": _word_re("\\"), "`": _word_re("`")}


def parse_words(rest: str, escape: str) -> list[tuple[str, int, int]]:
    """Split like BuildKit's ``parseWords``: quotes and escapes are kept in the
    words.  Returns ``(word, start, end)`` with indices into ``rest``."""
    if '"' not in rest and "'" not in rest and escape not in rest:
        return [(m.group(), m.start(), m.end()) for m in _NONSPACE_RE.finditer(rest)]
    if not rest.endswith(escape):
        # fast path: a regex that reads quotes and escapes the same way; it
        # must consume every non-space character, else fall back (unclosed
        # quotes and other oddities)
        found = [(m.group(), m.start(), m.end()) for m in _WORD_RES[escape].finditer(rest)]
        prev = 0
        ok = True
        for _w, ws, we in found:
            if ws > prev and rest[prev:ws].strip(_WS):
                ok = False
                break
            prev = we
        if ok and not rest[prev:].strip(_WS):
            return found
    words: list[tuple[str, int, int]] = []
    in_word = False
    in_quote = False
    quote = ""
    blank_ok = False
    word: list[str] = []
    start = 0
    n = len(rest)
    pos = 0
    while pos < n:
        ch = rest[pos]
        if not in_word and not in_quote:
            if _is_space(ch):
                pos += 1
                continue
            in_word = True
            start = pos
        if in_quote:
            if ch == quote:
                in_quote = False
                in_word = True
            if ch == escape and quote != "'":
                if pos + 1 == n:
                    in_quote = False
                    in_word = True
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        # in word
        if _is_space(ch):
            in_word = False
            if blank_ok or word:
                words.append(("".join(word), start, pos))
            word = []
            blank_ok = False
            pos += 1
            continue
        if ch in ("'", '"'):
            quote = ch
            blank_ok = True
            in_quote = True
            in_word = False
        if ch == escape:
            if pos + 1 == n:
                pos += 1
                continue
            word.append(ch)
            pos += 1
            ch = rest[pos]
        word.append(ch)
        pos += 1
    if (in_word or in_quote) and (blank_ok or word):
        words.append(("".join(word), start, n))
    return words


def _extract_flags(line: str) -> tuple[int, list[tuple[str, int, int]]]:
    """BuildKit's ``extractBuilderFlags``: leading ``--flag`` words.

    Returns the index where the rest starts and ``(word, start, end)`` for
    each flag (the word with quotes removed and backslash escapes applied).

    BuildKit reads the flags byte by byte, each byte taken for a character:
    non-ASCII text in a flag comes out as its UTF-8 bytes read as Latin-1
    (and the bytes 0x85 and 0xA0 inside a character count as blanks).  The
    words say what BuildKit builds with; offsets are mapped back to characters.
    """
    if line.isascii():
        return _extract_flags_bytes(line)
    raw = line.encode("utf-8", "surrogatepass").decode("latin-1")
    char_at: list[int] = []
    for i, ch in enumerate(line):
        char_at.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
    char_at.append(len(line))
    idx, words = _extract_flags_bytes(raw)
    return char_at[idx], [(w, char_at[s], char_at[e]) for w, s, e in words]


def _extract_flags_bytes(line: str) -> tuple[int, list[tuple[str, int, int]]]:
    words: list[tuple[str, int, int]] = []
    n = len(line)
    pos = 0
    phase = 0  # 0 spaces, 1 word, 2 quote
    word: list[str] = []
    quote = ""
    blank_ok = False
    start = 0
    while pos <= n:
        ch = line[pos] if pos < n else ""
        if phase == 0:
            if pos == n:
                break
            if _is_space(ch):
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                return pos, words
            phase = 1
            start = pos
        if pos == n:
            w = "".join(word)
            if w != "--" and (blank_ok or w):
                words.append((w, start, n))
            break
        if phase == 1:
            if _is_space(ch):
                phase = 0
                w = "".join(word)
                if w == "--":
                    return pos, words
                if blank_ok or w:
                    words.append((w, start, pos))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = 2
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
            continue
        # phase 2: quote
        if ch == quote:
            phase = 1
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == n:
                phase = 1
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        word.append(ch)
        pos += 1
    return n, words


def unquote(rest: str, escape: str = "\\") -> str:
    """Remove shell quotes and escapes from one word, as POSIX shells do:
    inside double quotes the escape character only escapes ``"``, itself,
    ``$`` and a backquote (ENV/ARG values, labels, COPY
    destinations).  ``escape`` is the file's escape character."""
    if '"' not in rest and "'" not in rest and escape not in rest:
        return rest
    special = '"$`' + escape
    out: list[str] = []
    quote = ""
    i = 0
    n = len(rest)
    while i < n:
        ch = rest[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote == '"' and i + 1 < n and rest[i + 1] in special:
                i += 1
                out.append(rest[i])
            else:
                out.append(ch)
        elif ch in ("'", '"'):
            quote = ch
        elif ch == escape and i + 1 < n:
            i += 1
            out.append(rest[i])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------
# Instruction bodies


def _json_array(args: str) -> tuple[list[str] | None, bool]:
    """Return (strings, not_string_array_error)."""
    s = args.lstrip(_WS)
    if not s.startswith("["):
        return None, False
    try:
        # BuildKit decodes the first JSON value and ignores what follows it
        data, _end = _JSON_DECODER.raw_decode(s)
    except (ValueError, RecursionError):
        return None, False
    if not isinstance(data, list):
        return None, False
    if not all(isinstance(x, str) for x in data):
        return None, True
    return data, False


@dataclass(slots=True)
class _Body:
    values: tuple[str, ...] = ()
    json: bool = False
    json_items: tuple[Word, ...] = ()
    issues: tuple[SyntaxIssue, ...] = ()


def _issue(code: str, message: str, span: Span, severity: str = "error") -> SyntaxIssue:
    return SyntaxIssue(code, message, span, severity)


def _body(
    name: str, args: str, args_start: int, mapper: _Mapper, escape: str, words: list[Word]
) -> _Body:
    """Compute BuildKit's node values for an instruction."""
    if name in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
        if not args:
            return _Body()
        arr, bad = _json_array(args)
        if arr is not None:
            return _Body(tuple(arr), True, _json_items(args, args_start, mapper))
        if bad:
            return _Body(
                (args,),
                False,
                (),
                (
                    _issue(
                        "JSONNotStrings",
                        "An exec-form array may only contain strings",
                        mapper.span(args_start, args_start + len(args)),
                    ),
                ),
            )
        return _Body((args,))
    if name in ("ADD", "COPY", "VOLUME"):
        arr, bad = _json_array(args)
        if arr is not None:
            return _Body(tuple(arr), True, _json_items(args, args_start, mapper))
        body = _Body(tuple(_WS_SPLIT_RE.split(args)) if args else ())
        if bad:
            body.issues = (
                _issue(
                    "JSONNotStrings",
                    "An exec-form array may only contain strings",
                    mapper.span(args_start, args_start + len(args)),
                ),
            )
        return body
    if name in ("FROM", "EXPOSE"):
        return _Body(tuple(_WS_SPLIT_RE.split(args)) if args else ())
    if name in ("ENV", "LABEL"):
        return _name_val(name, args, args_start, mapper, words)
    if name == "ARG":
        return _Body(tuple(w.value for w in words))
    if name == "HEALTHCHECK":
        if not args:
            return _Body()
        sep = 0
        while sep < len(args) and not _is_space(args[sep]):
            sep += 1
        nxt = sep
        while nxt < len(args) and _is_space(args[nxt]):
            nxt += 1
        typ = args[:sep]
        inner = _body("CMD", args[nxt:], args_start + nxt, mapper, escape, [])
        return _Body((typ, *inner.values), inner.json, inner.json_items, inner.issues)
    if name in ("MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"):
        return _Body((args,) if args else ())
    if name == "ONBUILD":
        return _Body()
    return _Body(("",))  # BuildKit keeps one empty value for unknown keywords


def _json_items(args: str, args_start: int, mapper: _Mapper) -> tuple[Word, ...]:
    items: list[Word] = []
    lead = len(args) - len(args.lstrip())
    try:
        _data, end = _JSON_DECODER.raw_decode(args[lead:])
    except (ValueError, RecursionError):
        end = len(args) - lead
    for m in _JSON_STRING_RE.finditer(args, 0, lead + end):
        try:
            value = json.loads(m.group())
        except ValueError:
            value = m.group()[1:-1]
        items.append(Word(value, mapper.span(args_start + m.start(), args_start + m.end())))
    return tuple(items)


def _name_val(name: str, args: str, args_start: int, mapper: _Mapper, words: list[Word]) -> _Body:
    if not words:
        return _Body()
    if "=" not in words[0].value:
        parts = _CMD_SPLIT_RE.split(args, maxsplit=1)
        if len(parts) < 2:
            return _Body(
                (parts[0],),
                issues=(
                    _issue(
                        "MissingValue",
                        f"{name} needs a value: use `{name} key=value`",
                        mapper.span(args_start, args_start + len(args)),
                    ),
                ),
            )
        return _Body((parts[0], parts[1]))
    values: list[str] = []
    issues: list[SyntaxIssue] = []
    for w in words:
        if "=" not in w.value:
            issues.append(
                _issue(
                    "MissingEquals",
                    f"`{w.value}` has no `=`: every {name} pair must be written key=value",
                    w.span,
                )
            )
            continue
        k, v = w.value.split("=", 1)
        values.extend((k, v))
    return _Body(tuple(values), issues=tuple(issues))


# ---------------------------------------------------------------------------
# Items


def _comment_item(text: str) -> Comment:
    stripped = _strip_newline(text)
    hash_at = stripped.find("#")
    body_raw = stripped[hash_at + 1 :]
    lead = len(body_raw) - len(body_raw.lstrip())
    body = body_raw.strip()
    bs = hash_at + 1 + lead
    return Comment(text, body, Span(bs, bs + len(body)))


def _build_instruction(
    text: str,
    logical: _Logical,
    escape: str,
    issues: list[SyntaxIssue],
    empty_lines: list[Span],
    inner_comments: list[Span],
    line_count: int,
    heredoc_info: list[tuple[HeredocMarker, Span, Span | None, str]],
) -> Instruction:
    line = "".join(logical.parts)
    mapper = _Mapper(tuple(logical.seg_logical), tuple(logical.seg_source), len(text))
    return _instruction_from_line(
        text,
        line,
        line,
        mapper,
        escape,
        issues,
        empty_lines,
        inner_comments,
        line_count,
        heredoc_info,
        0,
    )


def _instruction_from_line(
    text: str,
    full_line: str,
    line: str,
    mapper: _Mapper,
    escape: str,
    issues: list[SyntaxIssue],
    empty_lines: list[Span],
    inner_comments: list[Span],
    line_count: int,
    heredoc_info: list[tuple[HeredocMarker, Span, Span | None, str]],
    base: int,
) -> Instruction:
    """Build an Instruction from ``line`` (a logical line, or for ONBUILD the
    part after the keyword), ``base`` being its index in the mapper."""
    # splitCommand: TrimSpace then split on whitespace once
    lead = len(line) - len(line.lstrip(_WS))
    trimmed = line.strip(_WS)
    m = _CMD_SPLIT_RE.search(trimmed)
    if m is None:
        keyword = trimmed
        rest_index = len(trimmed)
        rest = ""
    else:
        keyword = trimmed[: m.start()]
        rest_index = m.end()
        rest = trimmed[m.end() :]
    kw_start = base + lead
    keyword_span = mapper.span(kw_start, kw_start + len(keyword))
    name = keyword.upper()
    flags: list[Flag] = []
    args = ""
    args_start = base + lead + len(trimmed)
    if rest:
        flag_end, fwords = _extract_flags(rest)
        rest_base = base + lead + rest_index
        for raw, fs, fe in fwords:
            fbody = raw[2:] if raw.startswith("--") else raw
            eq = fbody.find("=")
            fname = fbody if eq < 0 else fbody[:eq]
            fvalue = None if eq < 0 else fbody[eq + 1 :]
            span = mapper.span(rest_base + fs, rest_base + fe)
            src = rest[fs:fe]
            name_start = rest_base + fs + 2
            name_span = mapper.span(name_start, name_start + len(fname))
            value_span: Span | None = None
            if fvalue is not None:
                src_eq = src.find("=")
                vs = rest_base + fs + (src_eq + 1 if src_eq >= 0 else len(src))
                value_span = mapper.span(vs, rest_base + fe)
            flags.append(Flag(raw, fname, fvalue, span, name_span, value_span))
        after = rest[flag_end:]
        args = after.strip(_WS)
        args_start = rest_base + flag_end + (len(after) - len(after.lstrip(_WS)))
    args_span = mapper.span(args_start, args_start + len(args)) if args else None

    sub: Instruction | None = None
    if name == "ONBUILD" and args:
        sub = _instruction_from_line(
            text, full_line, args, mapper, escape, [], [], [], line_count, heredoc_info, args_start
        )
        words_t: tuple[Word, ...] = sub.words
        body = _Body(sub.values, sub.json, sub.json_items, sub.issues)
    else:
        words_t = tuple(
            Word(w, mapper.span(args_start + s, args_start + e))
            for w, s, e in parse_words(args, escape)
        )
        body = _body(name, args, args_start, mapper, escape, list(words_t))

    heredocs: tuple[Heredoc, ...] = ()
    if heredoc_info:
        target = sub if sub is not None else None
        ok = (
            target.name in HEREDOC_INSTRUCTIONS and not target.json
            if target is not None
            else name in HEREDOC_INSTRUCTIONS and not body.json
        )
        if ok:
            heredocs = tuple(
                Heredoc(
                    mk.name,
                    mapper.span(mk.start, mk.end),
                    mapper.span(mk.name_start, mk.name_end),
                    body_span,
                    term_span,
                    content,
                    mk.chomp,
                    mk.expand,
                    mk.fd,
                )
                for mk, body_span, term_span, content in heredoc_info
            )
    return Instruction(
        text=text,
        keyword=keyword,
        name=name,
        keyword_span=keyword_span,
        flags=tuple(flags),
        args=args,
        args_span=args_span,
        args_start=args_start,
        words=words_t,
        values=body.values,
        json=body.json,
        json_items=body.json_items,
        heredocs=heredocs,
        sub=sub,
        issues=tuple(issues) + body.issues,
        logical=full_line,
        seg_logical=mapper.seg_logical,
        seg_source=mapper.seg_source,
        line_count=line_count,
        empty_continuation_lines=tuple(empty_lines),
        inner_comments=tuple(inner_comments),
    )


def _can_contain_heredoc(first_line: str) -> bool:
    """Cheap pre-check on the logical line: RUN/ADD/COPY (or ONBUILD of one)
    in non-JSON form with ``<<`` somewhere."""
    if "<<" not in first_line:
        return False
    parts = _CMD_SPLIT_RE.split(first_line.strip(_WS), 2)
    if not parts:
        return False
    kw = parts[0].upper()
    if kw == "ONBUILD" and len(parts) > 1:
        kw = parts[1].upper()
    return kw in HEREDOC_INSTRUCTIONS


def lex_item(text: str, pos: int, escape: str, doc_start: bool = False) -> tuple[Item, int]:
    """Read one item starting at ``pos`` (a line start, after the header);
    ``doc_start`` says it is the document's first line, where BuildKit skips a
    byte order mark (kept in the item's text, read like leading blanks).

    Returns the item (with offsets relative to ``pos``) and its end offset.
    """
    end = _split_lines(text, pos)
    raw = text[pos:end]
    line = _strip_newline(raw)
    stripped = (line[1:] if doc_start and line.startswith(BOM) else line).lstrip(_WS)
    if not stripped:
        return Blank(raw), end
    if stripped[0] == "#":
        return _comment_item(raw), end
    cont_re = CONTINUATION_RE[escape]
    logical = _Logical()
    lead = len(line) - len(stripped)
    issues: list[SyntaxIssue] = []
    empty_lines: list[Span] = []
    inner_comments: list[Span] = []
    line_count = 1
    m = cont_re.search(stripped)
    if m is None:
        logical.add(stripped, lead)
        cont = False
    else:
        logical.add(stripped[: m.start(1)], lead)
        cont = True
    cur = end
    n = len(text)
    while cont and cur < n:
        lend = _split_lines(text, cur)
        pline = _strip_newline(text[cur:lend])
        rel = cur - pos
        line_count += 1
        ls = pline.lstrip(_WS)
        if ls.startswith("#"):
            inner_comments.append(Span(rel, rel + len(pline)))
            cur = lend
            continue
        if not ls:
            empty_lines.append(Span(rel, rel + len(pline)))
            cur = lend
            continue
        m = cont_re.search(pline)
        if m is None:
            logical.add(pline, rel)
            cont = False
        else:
            logical.add(pline[: m.start(1)], rel)
        cur = lend
    heredoc_info: list[tuple[HeredocMarker, Span, Span | None, str]] = []
    first = "".join(logical.parts)
    if _can_contain_heredoc(first):
        markers, refused = find_heredocs(first)
        if refused:
            seg = _Mapper(tuple(logical.seg_logical), tuple(logical.seg_source), cur - pos)
            issues.append(
                _issue(
                    "InvalidHeredoc",
                    "BuildKit can't read this heredoc marker's name: the build fails",
                    seg.span(0, len(first)),
                )
            )
        # JSON-form instructions can't hold heredocs; _instruction_from_line
        # re-checks, but the body lines must not be consumed either.
        kw_rest = _CMD_SPLIT_RE.split(first.strip(_WS), 1)
        if markers and not _looks_json(kw_rest):
            for mk in markers:
                body_start = cur
                terminated = False
                content: list[str] = []
                term_span: Span | None = None
                while cur < n:
                    lend = _split_lines(text, cur)
                    bl = text[cur:lend]
                    line_count += 1
                    cand = _strip_newline(bl)
                    if mk.chomp:
                        cand = cand.lstrip("\t")
                    if cand == mk.name:
                        terminated = True
                        term_line = _strip_newline(bl)
                        term_span = Span(cur - pos, cur - pos + len(term_line))
                        body_span = Span(body_start - pos, cur - pos)
                        cur = lend
                        break
                    content.append(bl)
                    cur = lend
                if not terminated:
                    body_span = Span(body_start - pos, cur - pos)
                    issues.append(
                        _issue(
                            "UnterminatedHeredoc",
                            f"Heredoc `{mk.name}` is never closed: add a line with `{mk.name}`",
                            Span(mk.start, mk.end),
                        )
                    )
                heredoc_info.append((mk, body_span, term_span, "".join(content)))
    item_text = text[pos:cur]
    if len(item_text) > _MAX_LINE_BYTES // 4:
        _check_line_lengths(item_text, issues)
    if end == cur and line_count > 1:
        line_count = 1
    inst = _build_instruction(
        item_text, logical, escape, issues, empty_lines, inner_comments, line_count, heredoc_info
    )
    # unterminated-heredoc issue spans were logical indices: map them
    if heredoc_info and any(i.code == "UnterminatedHeredoc" for i in inst.issues):
        mapper = _Mapper(inst.seg_logical, inst.seg_source, len(item_text))
        fixed = tuple(
            SyntaxIssue(i.code, i.message, mapper.span(i.span.start, i.span.end), i.severity)
            if i.code == "UnterminatedHeredoc"
            else i
            for i in inst.issues
        )
        inst = _replace_issues(inst, fixed)
    return inst, cur


_MAX_LINE_BYTES = 65535  # BuildKit's scanner refuses longer lines


def _check_line_lengths(item_text: str, issues: list[SyntaxIssue]) -> None:
    pos = 0
    for line in item_text.splitlines(keepends=True):
        if len(line.encode("utf-8", "surrogatepass")) > _MAX_LINE_BYTES:
            issues.append(
                _issue(
                    "LineTooLong",
                    f"This line is longer than BuildKit's limit of {_MAX_LINE_BYTES} bytes",
                    Span(pos, pos + len(line.rstrip("\r\n"))),
                )
            )
        pos += len(line)


def _looks_json(kw_rest: list[str]) -> bool:
    """Whether the instruction's args (after flags) are a JSON string array."""
    if len(kw_rest) < 2:
        return False
    rest = kw_rest[1]
    kw = kw_rest[0].upper()
    if kw == "ONBUILD":
        parts = _CMD_SPLIT_RE.split(rest.strip(_WS), 1)
        if len(parts) < 2:
            return False
        rest = parts[1]
    idx, _ = _extract_flags(rest)
    arr, _bad = _json_array(rest[idx:].strip())
    return arr is not None


def _replace_issues(inst: Instruction, issues: tuple[SyntaxIssue, ...]) -> Instruction:
    from dataclasses import replace

    return replace(inst, issues=issues)


# ---------------------------------------------------------------------------
# Whole documents


@dataclass(frozen=True, slots=True, eq=False)
class Parse(WeakReferable):
    """A parsed document.

    ``items[i]`` starts at absolute offset ``starts[i]`` and on 0-based line
    ``lines[i]``.  ``header`` is the number of leading directive items.

    ``text`` is the document; an incremental reparse leaves it unjoined
    (``source`` is None) until someone asks for it, because copying a large
    document on every keystroke costs more than the reparse itself.
    """

    source: str | None
    items: tuple[Item, ...]
    starts: tuple[int, ...]
    lines: tuple[int, ...]
    escape: str
    header: int
    header_issues: tuple[tuple[int, SyntaxIssue], ...]  # (item index, issue)
    length: int  # len(text), in code points
    # set by the incremental reparse: ``id`` of the parse this one was derived
    # from, and the item range that changed: old items [first, old_end) were
    # replaced by new items [first, new_end); everything else is reused.
    parent_id: int = 0
    changed: tuple[int, int, int] | None = None

    @property
    def text(self) -> str:
        src = self.source
        if src is None:
            src = "".join([it.text for it in self.items])
            object.__setattr__(self, "source", src)
        return src

    def line_end(self, offset: int) -> int:
        """Offset of the end of the line containing ``offset`` (before its
        line break), found inside the item: no document-wide text needed."""
        if not self.items:
            return self.length
        i = self.item_at(offset)
        return self.starts[i] + next_break(self.items[i].text, max(offset - self.starts[i], 0))[0]

    @property
    def line_count(self) -> int:
        if not self.items:
            return 1
        return self.lines[-1] + break_count(self.items[-1].text) + 1

    def item_at(self, offset: int) -> int:
        """Index of the item containing ``offset`` (the last item at EOF)."""
        if not self.items:
            return -1
        i = bisect_right(self.starts, offset) - 1
        return max(0, min(i, len(self.items) - 1))

    def item_at_line(self, line: int) -> int:
        if not self.items:
            return -1
        i = bisect_right(self.lines, line) - 1
        return max(0, min(i, len(self.items) - 1))

    def instructions(self) -> list[tuple[int, Instruction]]:
        return [(i, it) for i, it in enumerate(self.items) if isinstance(it, Instruction)]

    def directives(self) -> list[Directive]:
        return [it for it in self.items[: self.header] if isinstance(it, Directive)]

    def directive(self, name: str) -> Directive | None:
        for d in self.directives():
            if d.name == name:
                return d
        return None

    @property
    def has_instructions(self) -> bool:
        """False for a file of only blank lines, comments and directives
        (BuildKit refuses it: "file with no instructions")."""
        return any(isinstance(it, Instruction) for it in self.items[self.header :])

    def issues(self) -> list[tuple[Span, SyntaxIssue]]:
        """Every syntax issue with its absolute span, in document order."""
        out: list[tuple[Span, SyntaxIssue]] = []
        for idx, issue in self.header_issues:
            out.append((issue.span.shift(self.starts[idx]), issue))
        for i in range(self.header, len(self.items)):
            it = self.items[i]
            if isinstance(it, Instruction):
                base = self.starts[i]
                for issue in it.issues:
                    out.append((issue.span.shift(base), issue))
        if not self.has_instructions:
            out.append(
                (
                    Span(0, 0),
                    SyntaxIssue("NoInstructions", "The Dockerfile has no instructions", Span(0, 0)),
                )
            )
        return out

    def equivalent(self, other: Parse) -> bool:
        """Structural equality (what the reparse property test checks): the items equal in
        value (``same_items``; an instruction's ``==`` is identity)."""
        return (
            self.text == other.text
            and same_items(self.items, other.items)
            and self.starts == other.starts
            and self.lines == other.lines
            and self.escape == other.escape
            and self.header == other.header
            and self.header_issues == other.header_issues
            and self.length == other.length
        )


def _lex_header(text: str) -> tuple[list[Item], int, str, list[tuple[int, SyntaxIssue]]]:
    """Parser directives at the top of the file."""
    items: list[Item] = []
    issues: list[tuple[int, SyntaxIssue]] = []
    seen: set[str] = set()
    escape = "\\"
    pos = 0
    n = len(text)
    while pos < n:
        end = _split_lines(text, pos)
        raw = text[pos:end]
        line = _strip_newline(raw)
        off = 0
        if pos == 0 and line.startswith(BOM):
            line = line[1:]
            off = 1
        stripped = line.lstrip()
        off += len(line) - len(stripped)
        m = _DIRECTIVE_RE.match(stripped)
        if m is None:
            break
        name = m.group(1).lower()
        if name not in KNOWN_DIRECTIVES:
            break
        value = m.group(2)
        d = Directive(
            raw,
            name,
            m.group(1),
            value,
            Span(off + m.start(1), off + m.end(1)),
            Span(off + m.start(2), off + m.end(2)),
            True,
        )
        idx = len(items)
        if name in seen:
            issues.append(
                (
                    idx,
                    SyntaxIssue(
                        "DuplicateDirective",
                        f"The `{name}` directive may appear only once",
                        d.name_span,
                    ),
                )
            )
        else:
            seen.add(name)
            if name == "escape":
                if value in ("\\", "`"):
                    escape = value
                else:
                    issues.append(
                        (
                            idx,
                            SyntaxIssue(
                                "InvalidEscape",
                                f"The escape character must be a backslash or a backtick, not `{value}`",
                                d.value_span,
                            ),
                        )
                    )
        items.append(d)
        pos = end
    return items, pos, escape, issues


def parse(text: str) -> Parse:
    """Parse a whole document.  Never raises."""
    header_items, pos, escape, header_issues = _lex_header(text)
    items: list[Item] = list(header_items)
    starts: list[int] = []
    lines: list[int] = []
    p = 0
    ln = 0
    for it in header_items:
        starts.append(p)
        lines.append(ln)
        p += len(it.text)
        ln += break_count(it.text)
    n = len(text)
    while pos < n:
        item, end = lex_item(text, pos, escape, pos == 0)
        items.append(item)
        starts.append(pos)
        lines.append(ln)
        ln += break_count(item.text)
        pos = end
    if not items:
        # an empty document is one empty line: diagnostics (no instructions)
        # need an item to sit on
        items.append(Blank(""))
        starts.append(0)
        lines.append(0)
    return Parse(
        text,
        tuple(items),
        tuple(starts),
        tuple(lines),
        escape,
        len(header_items),
        tuple(header_issues),
        len(text),
    )

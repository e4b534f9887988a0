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
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from operator import add, sub
from typing import TYPE_CHECKING

from dockerls.syntax.heredocs import HeredocMarker, find_heredocs
from dockerls.syntax.nodes import (
    Blank,
    Comment,
    Directive,
    Flag,
    Heredoc,
    Instruction,
    Item,
    SourceMap,
    Span,
    SyntaxIssue,
    WeakReferable,
    Word,
    maker,
    same_items,
)
from dockerls.syntax.text import (
    BOM,
    GO_SPACE,
    GO_SPACE_SET,
    NONSPACE_RE,
    break_count,
    is_go_space,
    next_break,
)

if TYPE_CHECKING:
    from dataclasses import dataclass as node  # what nodes.node makes
else:
    from dockerls.syntax.nodes import node

KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})

# the nodes' constructors as plain functions (``nodes.maker``): the hot paths build many
_span: Callable[[int, int], Span] = maker(Span)
_word: Callable[[str, Span], Word] = maker(Word)
_blank: Callable[[str], Blank] = maker(Blank)
_comment: Callable[[str, str, Span], Comment] = maker(Comment)
_source_map: Callable[[tuple[int, ...], tuple[int, ...], int], SourceMap] = maker(SourceMap)
_instruction: Callable[..., Instruction] = maker(Instruction)
_flag: Callable[[str, str, str | None, Span, Span, Span | None], Flag] = maker(Flag)
HEREDOC_INSTRUCTIONS = frozenset({"ADD", "COPY", "RUN"})

_DIRECTIVE_RE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
# BuildKit's reWhitespace (a lone \r is a blank inside a line)
_WS_SPLIT_RE = _CMD_SPLIT_RE = re.compile(r"[\t\v\f\r ]+")
_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_DECODER = json.JSONDecoder()


def _split_lines(text: str, pos: int) -> int:
    """Return the end offset (after the newline) of the line starting at pos."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def _strip_newline(line: str) -> str:
    """BuildKit's ``trimNewline``: every trailing ``\r`` and ``\n``."""
    return line.rstrip("\r\n")


def continuation_at(line: str, escape: str) -> int:
    """Index of the escape character that continues ``line`` (one line, its line
    break removed) onto the next, or -1.  BuildKit: the escape character at the end
    of a line (trailing blanks allowed) continues it, unless it is itself escaped."""
    s = line.rstrip(" \t")
    k = len(s) - 1
    if k < 0 or s[k] != escape or (k > 0 and s[k - 1] == escape):
        return -1
    return k


# ---------------------------------------------------------------------------
# Word splitting, following BuildKit's parser semantics.


_is_space = is_go_space
_WS = GO_SPACE
_WS_CLASS = re.escape(GO_SPACE)


def _word_atom(escape: str) -> str:
    """One piece of a word: a plain character, an escaped one, a quoted string."""
    e = re.escape(escape)
    return rf"""[^{_WS_CLASS}"'{e}]|{e}.|"(?:[^"{e}]|{e}.)*"|'[^']*'"""


def _word_re(escape: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{_word_atom(escape)})+", re.DOTALL)


def _words_only_re(escape: str) -> re.Pattern[str]:
    """Matches (``fullmatch``) a text that ``_word_re`` reads whole: words and blanks,
    nothing left over (an unclosed quote is).  Each word is taken whole by a lookahead
    and its backreference (an atomic group that Python 3.10 can spell), so a text that
    doesn't match fails in linear time instead of trying every split of its words."""
    word = rf"(?=((?:{_word_atom(escape)})+))\1"
    return re.compile(rf"[{_WS_CLASS}]*(?:{word}[{_WS_CLASS}]*)*", re.DOTALL)


def _continued_lines(escape: str) -> re.Pattern[str]:
    """Lines that each go on (``continuation_at`` finds the escape at their end, right
    before the line break) and are no comment (the escape is no blank, and the
    character before it makes a part)."""
    e = re.escape(escape)
    blank = re.escape(GO_SPACE.replace("\n", ""))
    return re.compile(rf"(?:(?![{blank}]*#)[^\n]*[^{e}\n]{e}\n)+")


class _PerEscape(dict[str, re.Pattern[str]]):
    """A pattern per escape character, compiled when first asked for: the backtick's only
    by a file that sets ``# escape=```."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[str], re.Pattern[str]]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, escape: str) -> re.Pattern[str]:
        pattern = self[escape] = self._make(escape)
        return pattern


_CONTINUED_RUNS = _PerEscape(_continued_lines)

_WORD_RES = _PerEscape(_word_re)
_WORDS_ONLY_RES = _PerEscape(_words_only_re)


def _word_matches(rest: str, escape: str) -> Iterator[re.Match[str]] | None:
    """The words of ``rest`` as regex matches (the word is the match's text),
    or None when the regexes can't read it (an unclosed quote, the escape
    character at the end): ``parse_words`` then reads it character by character."""
    if '"' not in rest and "'" not in rest and escape not in rest:
        return NONSPACE_RE.finditer(rest)
    if not rest.endswith(escape) and _WORDS_ONLY_RES[escape].fullmatch(rest):
        return _WORD_RES[escape].finditer(rest)
    return None


def parse_words(rest: str, escape: str) -> list[tuple[str, int, int]]:
    """Split like BuildKit's ``parseWords``: quotes and escapes are kept in the
    words.  Returns ``(word, start, end)`` with indices into ``rest``."""
    found = _word_matches(rest, escape)
    if found is not None:
        return [(m.group(), m.start(), m.end()) for m in found]
    return _parse_words_slowly(rest, escape)


def _parse_words_slowly(rest: str, escape: str) -> list[tuple[str, int, int]]:
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
        return _extract_plain_flags(line) or _extract_flags_bytes(line)
    raw = line.encode("utf-8", "surrogatepass").decode("latin-1")
    char_at: list[int] = []
    for i, ch in enumerate(line):
        char_at.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
    char_at.append(len(line))
    idx, words = _extract_flags_bytes(raw)
    return char_at[idx], [(w, char_at[s], char_at[e]) for w, s, e in words]


# a flag word without quotes or backslashes, ending at a blank or the end (ASCII text)
_PLAIN_FLAG_RE = re.compile(r"[\t\n\v\f\r ]*(--[^\t\n\v\f\r \"'\\]*)(?=[\t\n\v\f\r ]|\Z)")
_ASCII_BLANKS = "\t\n\v\f\r "


def _extract_plain_flags(line: str) -> tuple[int, list[tuple[str, int, int]]] | None:
    """``_extract_flags_bytes`` for ASCII flags without quotes or backslashes (nearly
    all), one regex match per flag; None when a flag is not plain (the byte reader
    then reads them all)."""
    words: list[tuple[str, int, int]] = []
    pos = 0
    match = _PLAIN_FLAG_RE.match
    while (m := match(line, pos)) is not None:
        w = m.group(1)
        pos = m.end(1)
        if w == "--":  # the end of the flags
            return pos, words
        words.append((w, m.start(1), pos))
    rest = len(line) - len(line[pos:].lstrip(_ASCII_BLANKS))
    return None if line.startswith("--", rest) else (rest, words)


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


def _json_array(args: str) -> tuple[list[str] | None, bool, int]:
    """Return (strings, not_string_array_error, the index in ``args`` where the
    array ends)."""
    s = args.lstrip(_WS)
    if not s.startswith("["):
        return None, False, 0
    try:
        # BuildKit decodes the first JSON value and ignores what follows it
        data, end = _JSON_DECODER.raw_decode(s)
    except (ValueError, RecursionError):
        return None, False, 0
    if not isinstance(data, list):
        return None, False, 0
    for x in data:
        if x.__class__ is not str:  # decoded JSON: a string is a str
            return None, True, 0
    return data, False, len(args) - len(s) + end


# BuildKit's node values of an instruction: values, json, json_items, issues
_Body = tuple[tuple[str, ...], bool, tuple[Word, ...], tuple[SyntaxIssue, ...]]
_NO_BODY: _Body = ((), False, (), ())


def _issue(code: str, message: str, span: Span, severity: str = "error") -> SyntaxIssue:
    return SyntaxIssue(code, message, span, severity)


def _not_strings(args: str, args_start: int, mapper: SourceMap) -> tuple[SyntaxIssue]:
    return (
        _issue(
            "JSONNotStrings",
            "An exec-form array may only contain strings",
            mapper.span(args_start, args_start + len(args)),
        ),
    )


def _json_form(args: str, args_start: int, mapper: SourceMap) -> tuple[_Body | None, bool]:
    """The body of an exec-form (JSON string array) ``args``, or None and whether the
    array held other than strings."""
    if "[" not in args:
        return None, False
    arr, bad, end = _json_array(args)
    if arr is None:
        return None, bad
    return (tuple(arr), True, _json_items(args, args_start, mapper, arr, end), ()), False


def _exec_form_body(args: str, args_start: int, mapper: SourceMap, _words: Sequence[Word]) -> _Body:
    """RUN, CMD, ENTRYPOINT, SHELL: a JSON string array, else the whole text."""
    if not args:
        return _NO_BODY
    body, bad = _json_form(args, args_start, mapper)
    if body is not None:
        return body
    return (args,), False, (), _not_strings(args, args_start, mapper) if bad else ()


def _paths_body(args: str, args_start: int, mapper: SourceMap, _words: Sequence[Word]) -> _Body:
    """ADD, COPY, VOLUME: a JSON string array, else the words split at blanks."""
    body, bad = _json_form(args, args_start, mapper)
    if body is not None:
        return body
    return _split(args), False, (), _not_strings(args, args_start, mapper) if bad else ()


def _split(args: str) -> tuple[str, ...]:
    return tuple(_WS_SPLIT_RE.split(args)) if args else ()


def _split_body(args: str, _start: int, _mapper: SourceMap, _words: Sequence[Word]) -> _Body:
    """FROM, EXPOSE: the words split at blanks."""
    return _split(args), False, (), ()


def _arg_body(_args: str, _start: int, _mapper: SourceMap, words: Sequence[Word]) -> _Body:
    return tuple([w.value for w in words]), False, (), ()


def _healthcheck_body(args: str, args_start: int, mapper: SourceMap, _w: Sequence[Word]) -> _Body:
    """The type, then the command as CMD's."""
    if not args:
        return _NO_BODY
    sep = 0
    while sep < len(args) and not _is_space(args[sep]):
        sep += 1
    nxt = sep
    while nxt < len(args) and _is_space(args[nxt]):
        nxt += 1
    values, json_form, items, issues = _exec_form_body(args[nxt:], args_start + nxt, mapper, ())
    return (args[:sep], *values), json_form, items, issues


def _text_body(args: str, _start: int, _mapper: SourceMap, _words: Sequence[Word]) -> _Body:
    """MAINTAINER, STOPSIGNAL, USER, WORKDIR: the whole text."""
    return ((args,) if args else ()), False, (), ()


def _no_body(_args: str, _start: int, _mapper: SourceMap, _words: Sequence[Word]) -> _Body:
    return _NO_BODY


def _env_body(args: str, args_start: int, mapper: SourceMap, words: Sequence[Word]) -> _Body:
    return _name_val("ENV", args, args_start, mapper, words)


def _label_body(args: str, args_start: int, mapper: SourceMap, words: Sequence[Word]) -> _Body:
    return _name_val("LABEL", args, args_start, mapper, words)


_BODIES: dict[str, Callable[[str, int, SourceMap, Sequence[Word]], _Body]] = {
    "RUN": _exec_form_body,
    "CMD": _exec_form_body,
    "ENTRYPOINT": _exec_form_body,
    "SHELL": _exec_form_body,
    "ADD": _paths_body,
    "COPY": _paths_body,
    "VOLUME": _paths_body,
    "FROM": _split_body,
    "EXPOSE": _split_body,
    "ENV": _env_body,
    "LABEL": _label_body,
    "ARG": _arg_body,
    "HEALTHCHECK": _healthcheck_body,
    "MAINTAINER": _text_body,
    "STOPSIGNAL": _text_body,
    "USER": _text_body,
    "WORKDIR": _text_body,
    "ONBUILD": _no_body,
}
_UNKNOWN_BODY: _Body = (("",), False, (), ())  # BuildKit keeps one empty value


def _json_items(
    args: str, args_start: int, mapper: SourceMap, arr: list[str], end: int
) -> tuple[Word, ...]:
    """The elements of ``args``, the JSON string array ``arr`` (its first JSON value,
    ending at ``end``), with their source spans: one string literal in the array's
    text per element."""
    found = list(_JSON_STRING_RE.finditer(args, 0, end))
    if len(found) != len(arr):  # never (the decoder read these literals): decode each
        arr = []
        for m in found:
            try:
                arr.append(json.loads(m.group()))
            except ValueError:
                arr.append(m.group()[1:-1])
    span = mapper.span
    return tuple(
        [
            _word(value, span(args_start + m.start(), args_start + m.end()))
            for value, m in zip(arr, found, strict=True)
        ]
    )


def _name_val(
    name: str, args: str, args_start: int, mapper: SourceMap, words: Sequence[Word]
) -> _Body:
    if not words:
        return _NO_BODY
    if "=" not in words[0].value:
        parts = _CMD_SPLIT_RE.split(args, maxsplit=1)
        if len(parts) < 2:
            missing = _issue(
                "MissingValue",
                f"{name} needs a value: use `{name} key=value`",
                mapper.span(args_start, args_start + len(args)),
            )
            return (parts[0],), False, (), (missing,)
        return (parts[0], parts[1]), False, (), ()
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
    return tuple(values), False, (), tuple(issues)


# ---------------------------------------------------------------------------
# Items


def _comment_item(text: str, line: str, comment: str) -> Comment:
    """The comment line ``text``: ``line`` without its line break, ``comment`` its end
    from the ``#`` on."""
    after = comment[1:]
    body_on = after.lstrip()
    body = body_on.rstrip()
    bs = len(line) - len(body_on)
    return _comment(text, body, _span(bs, bs + len(body)))


def _instruction_from_line(
    text: str,
    full_line: str,
    line: str,
    mapper: SourceMap,
    escape: str,
    issues: Sequence[SyntaxIssue],
    empty_lines: tuple[Span, ...],
    inner_comments: tuple[Span, ...],
    line_count: int,
    heredoc_info: Sequence[tuple[HeredocMarker, Span, Span | None, str]],
    base: int,
) -> Instruction:
    """Build an Instruction from ``line`` (a logical line, or for ONBUILD the
    part after the keyword), ``base`` being its index in the mapper."""
    # splitCommand: TrimSpace then split on whitespace once
    unlead = line.lstrip(_WS)
    kw_start = base + len(line) - len(unlead)
    trimmed = unlead.rstrip(_WS)
    m = _CMD_SPLIT_RE.search(trimmed)
    seg_logical = mapper.seg_logical
    seg_source = mapper.seg_source
    # one source segment (most instructions): SourceMap.span's constant shift, inline
    shift = seg_source[0] - seg_logical[0] if len(seg_logical) == 1 else None
    if m is None:
        keyword, name = _keyword(trimmed)
        flags: tuple[Flag, ...] = ()
        args = ""
        args_start = kw_start + len(trimmed)
    else:
        keyword, name = _keyword(trimmed[: m.start()])
        rest_index = m.end()
        # the rest starts after blanks: only a leading ``--`` can make it a flag
        if trimmed.startswith("--", rest_index):
            rest = trimmed[rest_index:]
            rest_base = kw_start + rest_index
            flag_end, flags = _flags(rest, rest_base, mapper)
            after = rest[flag_end:]
            args = after.strip(_WS)
            args_start = rest_base + flag_end + (len(after) - len(after.lstrip(_WS)))
        else:  # ``trimmed`` ends stripped; a blank other than ASCII's may lead the rest
            flags = ()
            args = trimmed[rest_index:]
            if args[0] in GO_SPACE_SET:
                args = args.lstrip(_WS)
            args_start = kw_start + len(trimmed) - len(args)
    if shift is None:
        keyword_span = mapper.span(kw_start, kw_start + len(keyword))
        args_span = mapper.span(args_start, args_start + len(args)) if args else None
    else:
        keyword_span = _span(kw_start + shift, kw_start + len(keyword) + shift)
        args_span = _span(args_start + shift, args_start + len(args) + shift) if args else None

    sub: Instruction | None = None
    words: tuple[Word, ...] | str
    if name == "ONBUILD" and args:
        sub = _instruction_from_line(
            text, full_line, args, mapper, escape, (), (), (), line_count, heredoc_info, args_start
        )
        words = sub.words
        values, json_form, json_items, body_issues = (
            sub.values,
            sub.json,
            sub.json_items,
            sub.issues,
        )
    elif name in _READS_WORDS:  # their values are made from the words
        words = read_words(args, args_start, mapper, escape) if args else ()
        values, json_form, json_items, body_issues = _BODIES[name](args, args_start, mapper, words)
    else:  # the words are read when asked for (Instruction.words)
        words = escape if args else ()
        make = _BODIES.get(name)
        values, json_form, json_items, body_issues = (
            _UNKNOWN_BODY if make is None else make(args, args_start, mapper, ())
        )

    heredocs: tuple[Heredoc, ...] = ()
    if heredoc_info and (
        sub.name in HEREDOC_INSTRUCTIONS and not sub.json
        if sub is not None
        else name in HEREDOC_INSTRUCTIONS and not json_form
    ):
        span = mapper.span
        heredocs = tuple(
            Heredoc(
                mk.name,
                span(mk.start, mk.end),
                span(mk.name_start, mk.name_end),
                body_span,
                term_span,
                content,
                mk.chomp,
                mk.expand,
                mk.fd,
            )
            for mk, body_span, term_span, content in heredoc_info
        )
    return _instruction(
        text,
        keyword,
        name,
        keyword_span,
        flags,
        args,
        args_span,
        args_start,
        words,
        values,
        json_form,
        json_items,
        heredocs,
        sub,
        (*issues, *body_issues) if issues or body_issues else (),
        full_line,
        seg_logical,
        seg_source,
        line_count,
        empty_lines,
        inner_comments,
    )


_KEYWORDS: dict[str, tuple[str, str]] = {}  # keyword as written -> (it, upper-cased)


def _keyword(written: str) -> tuple[str, str]:
    """An instruction's keyword and its name (upper-cased), as strings shared by every
    instruction that spells it so: a file holds few spellings and many instructions."""
    found = _KEYWORDS.get(written)
    if found is None:
        found = (written, written.upper())
        if len(_KEYWORDS) < 1024:  # bad input may spell many: keep the first ones
            _KEYWORDS[written] = found
    return found


def _flags(rest: str, rest_base: int, mapper: SourceMap) -> tuple[int, tuple[Flag, ...]]:
    """The flags at the start of ``rest`` (at ``rest_base`` in the logical line), and the
    index in ``rest`` where they end."""
    span = mapper.span
    flag_end, fwords = _extract_flags(rest)
    flags: list[Flag] = []
    for raw, fs, fe in fwords:
        fbody = raw[2:] if raw.startswith("--") else raw
        eq = fbody.find("=")
        fname = fbody if eq < 0 else fbody[:eq]
        fvalue = None if eq < 0 else fbody[eq + 1 :]
        fspan = span(rest_base + fs, rest_base + fe)
        src = rest[fs:fe]
        name_start = rest_base + fs + 2
        name_span = span(name_start, name_start + len(fname))
        value_span: Span | None = None
        if fvalue is not None:
            src_eq = src.find("=")
            vs = rest_base + fs + (src_eq + 1 if src_eq >= 0 else len(src))
            value_span = span(vs, rest_base + fe)
        flags.append(_flag(raw, fname, fvalue, fspan, name_span, value_span))
    return flag_end, tuple(flags)


_READS_WORDS = frozenset({"ENV", "LABEL", "ARG"})  # their bodies need their words


def read_words(
    args: str, args_start: int, mapper: SourceMap | Instruction, escape: str
) -> tuple[Word, ...]:
    """The argument words of ``args`` (at ``args_start`` in the logical line), with
    their source spans (``Instruction.words``).  ``mapper`` gives the segments: the
    parser's map, or the instruction itself (no map made)."""
    seg_logical = mapper.seg_logical
    seg_source = mapper.seg_source
    matches = _word_matches(args, escape)
    if len(seg_logical) == 1:  # one source segment: a constant shift
        off = args_start + seg_source[0] - seg_logical[0]
        if matches is not None:
            return tuple([_word(m.group(), _span(m.start() + off, m.end() + off)) for m in matches])
        return tuple(
            [_word(w, _span(s + off, e + off)) for w, s, e in _parse_words_slowly(args, escape)]
        )
    found = (
        [(m.group(), m.start(), m.end()) for m in matches]
        if matches is not None
        else _parse_words_slowly(args, escape)
    )
    # several segments: walk them along the words (in order), as ``SourceMap.span``
    # maps (a word's last character, not its end, decides its end's segment)
    out: list[Word] = []
    last = len(seg_logical) - 1
    k = 0
    for w, s, e in found:
        a = args_start + s
        z = args_start + e - 1
        while k < last and seg_logical[k + 1] <= a:
            k += 1
        start = seg_source[k] + a - seg_logical[k]
        while k < last and seg_logical[k + 1] <= z:
            k += 1
        out.append(_word(w, _span(start, seg_source[k] + z - seg_logical[k] + 1)))
    return tuple(out)


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


_AT_ZERO = (0,)  # a line's one segment starts at 0 (most instructions start their line)


def lex_item(text: str, pos: int, escape: str, doc_start: bool = False) -> tuple[Item, int]:
    """Read one item starting at ``pos`` (a line start, after the header);
    ``doc_start`` says it is the document's first line, where BuildKit skips a
    byte order mark (kept in the item's text, read like leading blanks).

    Returns the item (with offsets relative to ``pos``) and its end offset.
    """
    n = len(text)
    nl = text.find("\n", pos)
    end = n if nl < 0 else nl + 1
    raw = text[pos:end]
    line = raw.rstrip("\r\n")
    stripped = (line[1:] if doc_start and line.startswith(BOM) else line).lstrip(_WS)
    if not stripped:
        return _blank(raw), end
    if stripped[0] == "#":
        return _comment_item(raw, line, stripped), end
    lead = len(line) - len(stripped)
    last = stripped[-1]  # only the escape character, or it and blanks, can end a continued line
    cut = (
        -1 if last != escape and last != " " and last != "\t" else continuation_at(stripped, escape)
    )
    if cut < 0 and "<<" not in stripped:
        # one line without a heredoc marker: most instructions
        long: Sequence[SyntaxIssue] = ()
        if len(raw) > _MAX_LINE_BYTES // 4:
            _check_line_lengths(raw, long := [])
        mapper = _source_map(_AT_ZERO, _AT_ZERO if lead == 0 else (lead,), len(raw))
        inst = _instruction_from_line(
            raw, stripped, stripped, mapper, escape, long, (), (), 1, (), 0
        )
        return inst, end
    parts: list[str] = []
    seg_logical: list[int] = []
    seg_source: list[int] = []
    length = 0
    empty_lines: list[Span] = []
    inner_comments: list[Span] = []
    issues = []
    line_count = 1
    first_part = stripped if cut < 0 else stripped[:cut]
    if first_part:
        parts.append(first_part)
        seg_logical.append(0)
        seg_source.append(lead)
        length = len(first_part)
    cont = cut >= 0
    cur = end
    run_at = _CONTINUED_RUNS[escape].match
    while cont and cur < n:
        run = run_at(text, cur)
        if run is not None:
            # lines that each end with the escape and their line break, one part each
            # (no comment, no blank line, no empty part): read all at once
            chunk = text[cur : run.end()]
            sizes = list(map(len, chunk.split("\n")))  # k lines, then the empty rest
            k = len(sizes) - 1
            seg_source.extend(map(add, accumulate(sizes[:-2], initial=cur - pos), range(k)))
            logical_at = list(map(sub, accumulate(sizes[:-1], initial=length), range(k + 1)))
            length = logical_at.pop()
            seg_logical.extend(logical_at)
            parts.append(chunk.replace(escape + "\n", ""))
            line_count += k
            cur = run.end()
            continue
        nl = text.find("\n", cur)
        lend = n if nl < 0 else nl + 1
        pline = text[cur:lend].rstrip("\r\n")
        rel = cur - pos
        line_count += 1
        ls = pline.lstrip(_WS)
        if ls.startswith("#"):
            inner_comments.append(Span(rel, rel + len(pline)))
        elif not ls:
            empty_lines.append(Span(rel, rel + len(pline)))
        else:
            cut = continuation_at(pline, escape)
            part = pline if cut < 0 else pline[:cut]
            if part:
                parts.append(part)
                seg_logical.append(length)
                seg_source.append(rel)
                length += len(part)
            cont = cut >= 0
        cur = lend
    heredoc_info: list[tuple[HeredocMarker, Span, Span | None, str]] = []
    first = "".join(parts)
    if _can_contain_heredoc(first):
        markers, refused = find_heredocs(first)
        if refused:
            seg = SourceMap(tuple(seg_logical), tuple(seg_source), cur - pos)
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
    mapper = _source_map(tuple(seg_logical), tuple(seg_source), len(item_text))
    inst = _instruction_from_line(
        item_text,
        first,
        first,
        mapper,
        escape,
        issues,
        tuple(empty_lines),
        tuple(inner_comments),
        line_count,
        heredoc_info,
        0,
    )
    # unterminated-heredoc issue spans were logical indices: map them
    if heredoc_info and any(i.code == "UnterminatedHeredoc" for i in inst.issues):
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
    arr, _bad, _end = _json_array(rest[idx:].strip())
    return arr is not None


def _replace_issues(inst: Instruction, issues: tuple[SyntaxIssue, ...]) -> Instruction:
    from dataclasses import replace

    return replace(inst, issues=issues)


# ---------------------------------------------------------------------------
# Whole documents


@node(frozen=True, slots=True, eq=False)
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
        if text[pos] == "\n":  # an empty line: what lex_item reads it as, without reading
            items.append(_blank("\n"))
            starts.append(pos)
            lines.append(ln)
            ln += 1
            pos += 1
            continue
        item, end = lex_item(text, pos, escape, pos == 0)
        items.append(item)
        starts.append(pos)
        lines.append(ln)
        item_text = item.text
        ln += break_count(item_text) if "\r" in item_text else item_text.count("\n")
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

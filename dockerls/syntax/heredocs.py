"""Heredoc markers, found the way BuildKit's parser finds them.

BuildKit splits the instruction's logical line into shell words with its own
word lexer (escape character always ``\\``, quotes and escapes kept, unset
variables kept as written) and takes each word matching ``N<<[-]rest`` as a
marker.  When that lexer fails anywhere on the line (an unclosed quote, a bad
``${...}``), the line has no heredocs at all.  The name is ``rest`` lexed again
with quotes removed; it must be one word, and quotes anywhere in it turn off
expansion.  This module is a re-implementation of that lexer (not a copy),
with the source offsets of every word.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dockerls.syntax.text import NONSPACE_RE, is_go_space

_MARKER_RE = re.compile(r"([0-9]*)<<(-?)([^<]*)")
_LEXED = re.compile(r"[$'\"\\]")  # what the lexer reads otherwise than as a plain character


def _is_name_char(ch: str) -> bool:
    return ch.isalpha() or ch.isdecimal() or ch == "_"


class LexError(Exception):
    """Where BuildKit's word lexer reports an error."""


_SPECIAL_PARAMS = frozenset("@*#?-$!0")


class _Words:
    """Words being collected, with the source offsets where each began and ended."""

    __slots__ = ("buf", "in_word", "start", "words")

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.in_word = False
        self.start = 0
        self.words: list[tuple[str, int, int]] = []

    def char(self, ch: str, at: int) -> None:
        if is_go_space(ch):
            if self.in_word and self.buf:
                self.words.append(("".join(self.buf), self.start, at))
                self.buf = []
                self.in_word = False
        else:
            self.raw(ch, at)

    def raw(self, s: str, at: int) -> None:
        if s:
            if not self.buf:
                self.start = at
            self.buf.append(s)
        self.in_word = True

    def done(self, at: int) -> list[tuple[str, int, int]]:
        if self.buf:
            self.words.append(("".join(self.buf), self.start, at))
            self.buf = []
            self.in_word = False
        return self.words


class _Lexer:
    __slots__ = ("i", "n", "raw_escapes", "raw_quotes", "s")

    def __init__(self, s: str, raw_quotes: bool, raw_escapes: bool) -> None:
        self.s = s
        self.n = len(s)
        self.i = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def next(self) -> str:
        ch = self.peek()
        if ch:
            self.i += 1
        return ch

    def words(self, stop: str = "") -> tuple[str, list[tuple[str, int, int]]]:
        result: list[str] = []
        words = _Words()
        while self.i < self.n:
            at = self.i
            ch = self.s[at]
            if stop and ch == stop:
                self.i += 1
                return "".join(result), words.done(at)
            if ch == "$":
                tmp = self.dollar()
                result.append(tmp)
                for c in tmp:
                    words.char(c, at)
            elif ch == "'" or ch == '"':
                tmp = self.single_quote() if ch == "'" else self.double_quote()
                result.append(tmp)
                words.raw(tmp, at)
            else:
                self.i += 1
                if ch == "\\":
                    if self.raw_escapes:
                        words.raw(ch, at)
                        result.append(ch)
                    ch = self.next()
                    if not ch:
                        break
                    words.raw(ch, at)
                else:
                    words.char(ch, at)
                result.append(ch)
        if stop:
            raise LexError(f"no closing {stop}")
        return "".join(result), words.done(self.i)

    def _open_quote(self) -> list[str]:
        ch = self.next()
        return [ch] if self.raw_quotes else []

    def single_quote(self) -> str:
        out = self._open_quote()
        while True:
            ch = self.next()
            if not ch:
                raise LexError("unclosed single quote")
            if ch == "'":
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def double_quote(self) -> str:
        out = self._open_quote()
        while True:
            ch = self.peek()
            if not ch:
                raise LexError("unclosed double quote")
            if ch == '"':
                self.i += 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            self.i += 1
            if ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                nxt = self.peek()
                if not nxt:
                    continue
                if nxt in '"$\\':
                    ch = self.next()
            out.append(ch)

    def name(self) -> str:
        start = self.i
        ch = self.peek()
        if ch.isdecimal():
            while self.peek().isdecimal():
                self.i += 1
            return self.s[start : self.i]
        if ch and ch in _SPECIAL_PARAMS:
            self.i += 1
            return ch
        while self.i < self.n and _is_name_char(self.s[self.i]):
            self.i += 1
        return self.s[start : self.i]

    def dollar(self) -> str:
        """``$...`` with every variable unset and kept as written."""
        self.i += 1
        if self.peek() != "{":
            return "$" + self.name()
        self.i += 1
        ch = self.peek()
        if not ch:
            raise LexError("missing }")
        if ch in "{}:":
            raise LexError("bad substitution")
        name = self.name()
        ch = self.next()
        mod = ch
        if ch == "}":
            return "${" + name + "}"
        if ch == ":":
            ch = self.next()
            mod += ch
        elif ch not in ("+", "-", "?"):
            raise LexError("unsupported modifier")
        try:
            word, _ = self.words("}")
        except LexError:
            raise LexError("missing }") from None
        return "${" + name + mod + word + "}"


def shell_words(
    s: str, raw_quotes: bool = True, raw_escapes: bool = True
) -> list[tuple[str, int, int]] | None:
    """BuildKit's words of ``s`` with (start, end) offsets; None where its
    lexer fails."""
    if _LEXED.search(s) is None:  # nothing to expand, quote or escape: split at blanks
        return [(m.group(), m.start(), m.end()) for m in NONSPACE_RE.finditer(s)]
    try:
        return _Lexer(s, raw_quotes, raw_escapes).words()[1]
    except LexError:
        return None


class HeredocMarker(NamedTuple):
    name: str
    chomp: bool
    expand: bool
    fd: int
    start: int  # indices of the marker word in the line
    end: int
    name_start: int
    name_end: int


def find_heredocs(line: str) -> tuple[list[HeredocMarker], bool]:
    """The heredoc markers of a logical line, and whether BuildKit refuses
    one of them (its name can't be read: the build fails)."""
    words = shell_words(line)
    out: list[HeredocMarker] = []
    if words is None:
        return out, False
    for word, ws, we in words:
        m = _MARKER_RE.fullmatch(word)
        if m is None or not m.group(3):
            continue
        rest = m.group(3)
        try:
            names = _Lexer(rest, False, False).words()[1]
            raws = _Lexer(rest, True, False).words()[1]
        except LexError:
            return out, True
        if len(names) != 1:
            continue
        if len(raws) != 1:
            return out, True
        name = names[0][0]
        expand = name.count("'") + name.count('"') == raws[0][0].count("'") + raws[0][0].count('"')
        ns = ws + m.start(3)
        ne = we
        if rest[:1] in ("'", '"') and rest[-1:] == rest[:1] and len(rest) >= 2:
            ns += 1
            ne -= 1
        fd = int(m.group(1)) if 0 < len(m.group(1)) < 19 else 0
        out.append(HeredocMarker(name, m.group(2) == "-", expand, fd, ws, we, ns, ne))
    return out, False

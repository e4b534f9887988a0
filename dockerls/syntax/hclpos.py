"""Where keys and values are in an HCL or JSON Bake file.

python-hcl2 keeps no positions, so the file text is read once more, structurally: blocks
(``target "app" { ... }``), attributes (``key = value``), objects (``{ key = value }`` or
``{"key": value}``) and JSON objects.  Strings, comments and brackets are skipped as HCL
reads them; anything unexpected is stepped over, so a half-typed file still gives the
positions of what is complete.  A block ``target "app" {...}`` is found under the path
``("target", "app")``, as in JSON's ``{"target": {"app": {...}}}``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = ["Located", "Node", "locate"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[^\n]*\n")


@dataclass
class Node:
    """An object or block body: its entries in order, and its extent (offsets)."""

    start: int
    end: int
    entries: list[Entry] = field(default_factory=list)

    def get(self, key: str) -> list[Entry]:
        return [e for e in self.entries if e.key == key]


@dataclass
class Entry:
    key: str
    key_start: int
    key_end: int
    value: Node | None  # an object or block body; None for a plain value
    value_start: int  # a string's text without its quotes
    value_end: int


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def skip_blank(self) -> None:
        t, n = self.text, len(self.text)
        while self.i < n:
            ch = t[self.i]
            if ch in " \t\r\n,":
                self.i += 1
            elif ch == "#" or t.startswith("//", self.i):
                nl = t.find("\n", self.i)
                self.i = n if nl < 0 else nl + 1
            elif t.startswith("/*", self.i):
                close = t.find("*/", self.i + 2)
                self.i = n if close < 0 else close + 2
            else:
                return

    def string(self) -> tuple[int, int]:
        """At a quote: the string's inner extent; it ends at its quote or the line's end."""
        t, n = self.text, len(self.text)
        self.i += 1
        start = self.i
        depth = 0
        while self.i < n:
            ch = t[self.i]
            if ch == "\\":
                self.i += 2
                continue
            if ch == "\n":
                return start, self.i
            if t.startswith("${", self.i):
                depth += 1
                self.i += 2
                continue
            if ch == "}" and depth:
                depth -= 1
            elif ch == '"' and not depth:
                self.i += 1
                return start, self.i - 1
            self.i += 1
        return start, n

    def key(self) -> tuple[str, int, int] | None:
        if self.i < len(self.text) and self.text[self.i] == '"':
            s, e = self.string()
            return self.text[s:e], s, e
        m = _IDENT.match(self.text, self.i)
        if m is None:
            return None
        self.i = m.end()
        return m.group(0), m.start(), m.end()

    def value(self) -> tuple[Node | None, int, int]:
        t, n = self.text, len(self.text)
        while self.i < n and t[self.i] in " \t":
            self.i += 1
        if self.i >= n:
            return None, n, n
        ch = t[self.i]
        if ch == "{":
            node = self.body(self.i + 1, "}")
            return node, node.start - 1, node.end
        if ch == '"':
            s, e = self.string()
            return None, s, e
        heredoc = _HEREDOC.match(t, self.i)
        if heredoc is not None:
            close = re.compile(rf"(?m)^\s*{re.escape(heredoc.group(1))}\s*$").search(
                t, heredoc.end()
            )
            start = self.i
            self.i = n if close is None else close.end()
            return None, start, self.i
        start, depth = self.i, 0
        while self.i < n:
            ch = t[self.i]
            if ch == '"':
                self.string()
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif (ch == "\n" or ch == ",") and depth == 0:
                break
            self.i += 1
        return None, start, self.i

    def body(self, start: int, close: str | None) -> Node:
        node = Node(start, len(self.text))
        t, n = self.text, len(self.text)
        self.i = start
        while True:
            self.skip_blank()
            if self.i >= n:
                return node
            if close is not None and t[self.i] == close:
                self.i += 1
                node.end = self.i
                return node
            if t[self.i] == "{" and close is None and not node.entries:  # a JSON file
                inner = self.body(self.i + 1, "}")
                node.entries, node.end = inner.entries, inner.end
                return node
            before = self.i
            entry = self.entry()
            if entry is not None:
                node.entries.append(entry)
            elif self.i == before:
                self.i += 1  # something unexpected: step over it

    def entry(self) -> Entry | None:
        found = self.key()
        if found is None:
            return None
        key, ks, ke = found
        t, n = self.text, len(self.text)
        while self.i < n and t[self.i] in " \t":
            self.i += 1
        if self.i < n and t[self.i] in "=:" and not t.startswith("==", self.i):
            self.i += 1
            node, vs, ve = self.value()
            return Entry(key, ks, ke, node, vs, ve)
        labels: list[tuple[str, int, int]] = []
        while self.i < n and t[self.i] != "{":
            label = self.key()
            if label is None:
                return None  # neither an attribute nor a block
            labels.append(label)
            while self.i < n and t[self.i] in " \t":
                self.i += 1
        if self.i >= n:
            return None
        body = self.body(self.i + 1, "}")
        for name, ls, le in reversed(labels):  # target "a" {...} is target = {"a": {...}}
            body = Node(ls, body.end, [Entry(name, ls, le, body, body.start - 1, body.end)])
        return Entry(key, ks, ke, body, body.start, body.end)


@dataclass
class Located:
    """A located file: its tree and the offset -> (line, column) mapping."""

    text: str
    root: Node
    line_starts: list[int]

    def find(self, *path: str) -> list[Entry]:
        """Every entry at ``path`` (blocks repeat: each ``target "a"`` block is searched)."""
        nodes = [self.root]
        found: list[Entry] = []
        for depth, key in enumerate(path):
            found = [e for node in nodes for e in node.get(key)]
            if depth < len(path) - 1:
                nodes = [e.value for e in found if e.value is not None]
        return found

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]


def locate(text: str) -> Located:
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    return Located(text, _Scanner(text).body(0, None), starts)


def keys_at(located: Located, offset: int) -> list[str]:
    """The keys of the objects and blocks enclosing ``offset`` (``["target", "app", "args"]``
    inside a target's ``args = {...}``); a value under the cursor is not one of them."""
    out: list[str] = []
    node = located.root
    while True:
        inner = next(
            (
                e
                for e in node.entries
                if e.value is not None
                and e.value.start <= offset
                and (offset < e.value.end or e.value.end == len(located.text))
            ),
            None,
        )
        if inner is None or inner.value is None:
            return out
        out.append(inner.key)
        node = inner.value

"""Which ``$NAME`` reads of a shell script see the environment it was started with.

A RUN script starts with the build's ARG and ENV values in its environment;
the shell expands ``$NAME`` itself (BuildKit does not).  A read sees that
starting value unless the script has set ``NAME`` before it: an assignment,
``export``/``readonly``/``local``/``declare`` with a value, ``read``,
``for NAME in``, ``unset``, ``getopts``, ``printf -v``, ``mapfile``,
arithmetic (``((NAME++))``), ``${NAME:=...}``.  :func:`env_reads` classifies
every read as

- ``ENV``: it sees the starting value (renaming the build variable must
  rename it);
- ``SHELL``: the script set the variable first (it is the shell's own);
- ``UNSURE``: either is possible (a conditional or looped assignment, a
  function called at an unknown time, ``eval``/``let`` text), or it cannot
  be edited in place.

Writes in a subshell, a ``$(...)``, a pipeline stage or a background
command stay there.  Reads inside ``sh -c '...'`` strings are found too.
Positions are code-point offsets into the script.  Pure, no IO, cached.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from dockerls.syntax.nodes import Span
from dockerls.syntax.shell import (
    _byte_to_cp_map,
    _heredoc_terminators,
    _parsable,
    _parse_tree,
    _shell_c_word,
    _unquote,
    parse_shell,
)
from dockerls.syntax.sized_cache import sized_cache

if TYPE_CHECKING:
    import tree_sitter

ENV = "env"
SHELL = "shell"
UNSURE = "unsure"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ARITH_ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="})
# a prefix assignment (``NAME=v cmd``) stays set after these (POSIX special
# built-ins, and functions); bash outside POSIX mode drops it: either can happen
_SPECIAL_BUILTINS = frozenset(
    {":", ".", "eval", "exec", "export", "readonly", "set", "shift", "times", "trap", "unset"}
    | {"return", "exit", "break", "continue", "source"}
)
_READ_VALUE_FLAGS = frozenset({"-a", "-d", "-i", "-n", "-N", "-p", "-t", "-u"})
_MAPFILE_VALUE_FLAGS = frozenset({"-d", "-n", "-O", "-s", "-u", "-C", "-c"})
_SCOPE_TYPES = frozenset({"subshell", "command_substitution", "process_substitution"})
_LOOP_TYPES = frozenset(
    {"while_statement", "for_statement", "c_style_for_statement", "select_statement"}
)


class VarRead(NamedTuple):
    """One read of ``name``; ``span`` covers the name only."""

    name: str
    span: Span
    kind: str  # ENV | SHELL | UNSURE


# regions a read or write sits in: (id, kind, start, end); kind is "scope"
# (subshell-like: writes stay inside), "cond" (may not run), "loop" (may
# run again), "func" (runs when called)
_Region = tuple[int, str, int, int]


class _Read(NamedTuple):
    name: str
    span: Span
    point: int  # where the value is taken
    regions: tuple[_Region, ...]
    unsure: bool = False


class _Write(NamedTuple):
    name: str
    point: int  # where the new value is in place
    regions: tuple[_Region, ...]
    definite: bool  # False: may or may not set it
    local: bool = False  # ``local``/``declare``: only inside its function


class _Walker:
    def __init__(self, script: str) -> None:
        text, src = _parsable(script)
        self.script = script
        self.src = src
        self.b2c = None if len(src) == len(script) else _byte_to_cp_map(src, len(text))
        self.reads: list[_Read] = []
        self.writes: list[_Write] = []
        self.functions: set[str] = set()
        self.next_region = 0

    def pos(self, byte: int) -> int:
        return byte if self.b2c is None else self.b2c[byte]

    def span(self, n: tree_sitter.Node) -> Span:
        return Span(self.pos(n.start_byte), self.pos(n.end_byte))

    def text(self, n: tree_sitter.Node) -> str:
        sp = self.span(n)
        return self.script[sp.start : sp.end]

    def region(
        self, kind: str, n: tree_sitter.Node, regions: tuple[_Region, ...]
    ) -> tuple[_Region, ...]:
        self.next_region += 1
        sp = self.span(n)
        return (*regions, (self.next_region, kind, sp.start, sp.end))

    # -- recording ---------------------------------------------------------
    def read(self, n: tree_sitter.Node, regions: tuple[_Region, ...], unsure: bool = False) -> None:
        name = self.text(n)
        if _NAME.match(name):
            sp = self.span(n)
            self.reads.append(_Read(name, sp, sp.start, regions, unsure))

    def write(
        self,
        name: str,
        point: int,
        regions: tuple[_Region, ...],
        definite: bool = True,
        local: bool = False,
    ) -> None:
        if _NAME.match(name):
            self.writes.append(_Write(name, point, regions, definite, local))

    # -- walking -----------------------------------------------------------
    def walk(self, n: tree_sitter.Node, regions: tuple[_Region, ...], depth: int = 0) -> None:
        if depth > 200:
            return
        t = n.type
        d = depth + 1
        if t in _SCOPE_TYPES:
            regions = self.region("scope", n, regions)
        elif t in _LOOP_TYPES:
            self.loop(n, regions, d)
            return
        handler = _HANDLERS.get(t)
        if handler is not None:
            handler(self, n, regions, d)
            return
        self.children(n, regions, d)

    def children(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        kids = n.children
        for i, ch in enumerate(kids):
            if not ch.is_named:
                continue
            r = regions
            nxt = kids[i + 1] if i + 1 < len(kids) else None
            if nxt is not None and nxt.type == "&" and n.type != "list":
                r = self.region("scope", ch, r)  # a background job: a subshell
            self.walk(ch, r, d)

    def list_(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        seen_op = False
        for ch in n.children:
            if not ch.is_named:
                if ch.type in ("&&", "||"):
                    seen_op = True
                continue
            self.walk(ch, self.region("cond", ch, regions) if seen_op else regions, d)

    def pipeline(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        stages = [ch for ch in n.children if ch.is_named and ch.type != "comment"]
        for ch in stages:
            self.walk(ch, self.region("scope", ch, regions) if len(stages) > 1 else regions, d)

    def if_(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        body: tuple[_Region, ...] | None = None
        for ch in n.children:
            if ch.type == "then" and body is None:
                body = self.region("cond", n, regions)
            elif ch.type in ("elif_clause", "else_clause"):
                self.walk(ch, self.region("cond", ch, regions), d)
            elif ch.is_named:
                self.walk(ch, body if body is not None else regions, d)

    def case_item(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        self.children(n, self.region("cond", n, regions), d)

    def loop(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        inner = self.region("loop", n, regions)
        var = n.child_by_field_name("variable")
        for ch in n.children:
            if not ch.is_named or ch == var:
                continue
            if n.type in ("for_statement", "select_statement") and ch.type != "do_group":
                self.walk(ch, regions, d)  # the word list: read once, before the loop
            elif n.type == "c_style_for_statement" and ch.type != "do_group":
                self.arith(ch, inner, d)
            else:
                self.walk(ch, inner, d)
        if var is not None:
            self.write(self.text(var), self.pos(var.end_byte), inner)

    def function(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        name = n.child_by_field_name("name")
        if name is not None:
            self.functions.add(self.text(name))
        body = n.child_by_field_name("body")
        if body is not None:
            self.walk(body, self.region("func", body, regions), d)

    def assignment(
        self,
        n: tree_sitter.Node,
        regions: tuple[_Region, ...],
        d: int,
        definite: bool | None = True,
        local: bool = False,
    ) -> None:
        target: tree_sitter.Node | None = None
        append = False
        for ch in n.children:
            if target is None and ch.type in ("variable_name", "subscript"):
                target = ch
            elif not ch.is_named:
                append = append or ch.type == "+="
            else:
                self.walk(ch, regions, d)
        if target is None:
            return
        if target.type == "subscript":
            self.children(target, regions, d)  # the index
            name_node = target.child_by_field_name("name") or target.children[0]
            if definite:
                definite = False  # one element of an array
        else:
            name_node = target
        if append:  # the read and the write are one word: neither can move alone
            self.read(name_node, regions, unsure=True)
        if definite is not None:
            self.write(self.text(name_node), self.pos(n.end_byte), regions, definite, local)

    def plain_assignment(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        self.assignment(n, regions, d)

    def declaration(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        kids = n.children
        kw = kids[0].type if kids else ""
        local = kw in ("local", "declare", "typeset")
        for ch in kids[1:]:
            if ch.type == "variable_assignment":
                self.assignment(ch, regions, d, True, local)
            elif ch.type == "variable_name":
                if local:  # bash unsets it, dash keeps the value
                    self.write(self.text(ch), self.pos(ch.end_byte), regions, False, True)
            elif ch.is_named:
                self.walk(ch, regions, d)

    def unset(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        kids = [ch for ch in n.children if ch.is_named]
        if any(self.text(ch) == "-f" for ch in kids):
            return
        for ch in kids:
            if ch.type == "variable_name":
                self.write(self.text(ch), self.pos(n.end_byte), regions)
            else:
                self.walk(ch, regions, d)

    def simple_expansion(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        for ch in n.children:
            if ch.type == "variable_name":
                self.read(ch, regions)

    def expansion(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        name: tree_sitter.Node | None = None
        assigns = False
        for ch in n.children:
            if name is None and ch.type == "variable_name":
                name = ch
                self.read(ch, regions)
            elif name is None and ch.type == "subscript":
                name = ch.child_by_field_name("name") or ch.children[0]
                self.read(name, regions)
                for sub in ch.children[1:]:
                    if sub.is_named:
                        self.arith(sub, regions, d)
            elif not ch.is_named:
                assigns = assigns or ch.type in ("=", ":=")
            else:
                self.walk(ch, regions, d)
        if name is not None and assigns:
            self.write(self.text(name), self.pos(n.end_byte), regions, definite=False)

    def arith_root(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        for ch in n.children:
            if ch.is_named:
                self.arith(ch, regions, d)

    def compound(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        if n.children and n.children[0].type == "((":
            self.arith_root(n, regions, d)
        else:
            self.children(n, regions, d)

    def arith(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        """An arithmetic expression: bare names are variables."""
        if d > 200:
            return
        t = n.type
        if t in ("variable_name", "word"):
            self.read(n, regions)
            return
        if t in ("simple_expansion", "expansion", "command_substitution", "string"):
            self.walk(n, regions, d)
            return
        kids = n.children
        if t == "variable_assignment" and kids:  # ``i=FOO`` in ``for ((...))``
            for ch in kids[1:]:
                if ch.is_named:
                    self.arith(ch, regions, d + 1)
            self.write(self.text(kids[0]), self.pos(n.end_byte), regions)
            return
        if t == "binary_expression" and len(kids) == 3 and kids[1].type in _ARITH_ASSIGN:
            left, op, right = kids
            self.arith(right, regions, d + 1)
            if left.type in ("variable_name", "word") and _NAME.match(self.text(left)):
                if op.type != "=":
                    self.read(left, regions, unsure=True)
                self.write(self.text(left), self.pos(n.end_byte), regions)
            else:
                self.arith(left, regions, d + 1)
            return
        if t in ("postfix_expression", "unary_expression") and any(
            ch.type in ("++", "--") for ch in kids
        ):
            for ch in kids:
                if ch.type in ("variable_name", "word"):
                    self.read(ch, regions, unsure=True)
                    self.write(self.text(ch), self.pos(n.end_byte), regions)
                elif ch.is_named:
                    self.arith(ch, regions, d + 1)
            return
        for ch in kids:
            if ch.is_named:
                self.arith(ch, regions, d + 1)

    def command(self, n: tree_sitter.Node, regions: tuple[_Region, ...], d: int) -> None:
        name_node = n.child_by_field_name("name")
        cmd = self.text(name_node) if name_node is not None else ""
        name_at = name_node.start_byte if name_node is not None else n.end_byte
        args: list[tree_sitter.Node] = []
        for ch in n.children:
            if ch.type == "variable_assignment" and ch.start_byte < name_at:
                if cmd in _SPECIAL_BUILTINS or cmd in self.functions:
                    self.assignment(ch, regions, d, definite=False)
                else:
                    self.assignment(ch, regions, d, definite=None)
            elif ch.is_named:
                self.walk(ch, regions, d)
                if ch != name_node and ch.type not in ("file_redirect", "herestring_redirect"):
                    args.append(ch)
        end = self.pos(n.end_byte)
        words = [(self.text(a), a) for a in args]
        if cmd in ("read", "getopts", "printf", "mapfile", "readarray"):
            for name in _set_by(cmd, [w for w, _ in words]):
                self.write(name, end, regions)
        elif cmd in ("let", "eval"):
            # names in the text may be read or set: nothing there is certain
            for w, a in words:
                for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", w):
                    sp = self.span(a)
                    s = sp.start + m.start()
                    self.reads.append(
                        _Read(m.group(), Span(s, s + len(m.group())), s, regions, True)
                    )
                    self.write(m.group(), end, regions, definite=False)


def _set_by(cmd: str, words: list[str]) -> list[str]:
    """The variables ``read``/``getopts``/``printf -v``/``mapfile`` set."""
    if cmd == "getopts":
        return words[1:2]
    if cmd == "printf":
        for i, w in enumerate(words):
            if w == "-v" and i + 1 < len(words):
                return [words[i + 1]]
        return []
    flags = _READ_VALUE_FLAGS if cmd == "read" else _MAPFILE_VALUE_FLAGS
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w == "-a" and cmd == "read" and i + 1 < len(words):
            out.append(words[i + 1])
            i += 2
        elif w in flags:
            i += 2
        elif w.startswith("-") and len(w) > 1:
            i += 1
        else:
            out.append(w)
            i += 1
    if cmd == "read":
        return out or ["REPLY"]
    return out[-1:] or ["MAPFILE"]


_HANDLERS = {
    "list": _Walker.list_,
    "pipeline": _Walker.pipeline,
    "if_statement": _Walker.if_,
    "case_item": _Walker.case_item,
    "function_definition": _Walker.function,
    "variable_assignment": _Walker.plain_assignment,
    "declaration_command": _Walker.declaration,
    "unset_command": _Walker.unset,
    "simple_expansion": _Walker.simple_expansion,
    "expansion": _Walker.expansion,
    "arithmetic_expansion": _Walker.arith_root,
    "compound_statement": _Walker.compound,
    "command": _Walker.command,
}


def _classify(rd: _Read, writes: list[_Write]) -> str:
    if rd.unsure:
        return UNSURE
    ids = {r[0] for r in rd.regions}
    maybe = False
    for w in writes:
        if w.name != rd.name:
            continue
        # a write inside a subshell-like region stays there; ``local`` stays in its function
        if any(r[1] == "scope" and r[0] not in ids for r in w.regions):
            continue
        funcs = [r for r in w.regions if r[1] == "func"]
        if w.local and funcs and funcs[-1][0] not in ids:
            continue
        if w.point <= rd.point:
            if w.definite and all(r[0] in ids for r in w.regions if r[1] != "scope"):
                return SHELL
            maybe = True
        elif any(r[1] == "loop" and r[0] in ids for r in w.regions):
            maybe = True  # set later in a loop around both: the next round sees it
        elif funcs and funcs[-1][0] not in ids:
            maybe = True  # set by a function that may be called before the read
        if any(r[1] == "func" and r[0] not in {x[0] for x in w.regions} for r in rd.regions):
            maybe = True  # the read runs when its function is called: any time
    return UNSURE if maybe else ENV


@sized_cache(500_000)
def env_reads(script: str) -> tuple[VarRead, ...]:
    """Every variable read of a POSIX shell script, classified (see the module)."""
    if not any(m in script for m in ("$", "((", "+=", "let", "eval")):
        return ()
    try:
        return _env_reads(script, 0)
    except Exception:  # pragma: no cover - defensive: bad input never crashes
        return ()


def _env_reads(script: str, nesting: int) -> tuple[VarRead, ...]:
    w = _Walker(script)
    root = _parse_tree(w.src).root_node
    if root.has_error and "<<" in script:
        tail = _heredoc_terminators(script)
        if tail is not None:
            alt = _Walker(script + tail)
            alt_root = _parse_tree(alt.src).root_node
            if not alt_root.has_error:
                w, root = alt, alt_root
    w.walk(root, ())
    n = len(script)
    out = [VarRead(r.name, r.span, _classify(r, w.writes)) for r in w.reads if r.span.end <= n]
    if nesting < 4 and "-c" in script:
        out.extend(_inner_reads(script, w, nesting))
    out.sort(key=lambda v: v.span.start)
    return tuple(out)


def _inner_reads(script: str, w: _Walker, nesting: int) -> list[VarRead]:
    """Reads inside ``sh -c '...'`` strings: the inner shell starts with the
    outer shell's (exported) variables at the point of the command."""
    out: list[VarRead] = []
    for cmd in parse_shell(script).commands:
        if cmd.via_shell is not None or cmd.wrapped_by is not None:
            continue
        word = _shell_c_word(cmd)
        if word is None or not word.is_static or "$" not in word.raw:
            continue
        inner, _, starts, ends = _unquote(word.raw)
        base = word.span.start
        for v in _env_reads(inner, nesting + 1):
            s = base + starts[v.span.start]
            e = base + ends[v.span.end - 1]
            kind = v.kind
            if script[s:e] != v.name:
                kind = UNSURE  # written with escapes: cannot be edited in place
            elif kind == ENV and any(x.name == v.name for x in w.writes):
                # set somewhere in the outer script: whether before this
                # command, in its subshell, is not worth the risk
                kind = UNSURE
            out.append(VarRead(v.name, Span(s, e), kind))
    return out


# variables the shell, the C library or common programs read by name: a
# build variable renamed to or from one of them changes what the build does
MEANINGFUL_ENV = frozenset(
    {
        "PATH",
        "HOME",
        "HOSTNAME",
        "PWD",
        "OLDPWD",
        "IFS",
        "PS1",
        "PS2",
        "PS4",
        "ENV",
        "BASH_ENV",
        "CDPATH",
        "SHELL",
        "USER",
        "TERM",
        "SHLVL",
        "OPTIND",
        "OPTARG",
        "LINENO",
        "PPID",
        "RANDOM",
        "SECONDS",
        "REPLY",
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "TZ",
        "TMPDIR",
        "LD_LIBRARY_PATH",
        "LD_PRELOAD",
    }
)

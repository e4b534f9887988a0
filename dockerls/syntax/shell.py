"""The shell view of ``RUN``: commands, words, flags and redirects with ranges.

``parse_shell(script)`` turns one shell script (the logical ``RUN`` text with
continuations already joined, or a heredoc body) into a flat, source-ordered
tuple of :class:`Command` objects that rules query instead of running regexes.
Parsing uses tree-sitter-bash (MIT); this module only walks its tree.

Positions are code-point offsets into the script string passed in (never
UTF-8 byte offsets), so ``script[span.start:span.end]`` is the text a span
covers.  The caller maps them back into the Dockerfile.

Reported commands include those nested in subshells, ``$(...)``, process
substitutions, pipelines, ``&&``/``||`` lists, ``if``/``for``/``while``/``case``
bodies and functions; the command run by a wrapper such as ``sudo``, ``env``,
``xargs`` or ``nohup`` (marked ``wrapped_by``); and the commands inside
``bash -c "..."`` strings (marked ``via_shell``, best-effort positions).

``parse_shell`` never raises.  It is pure, does no IO and is cached per
script string.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from dataclasses import field
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from dockerls.syntax.nodes import Span, maker, read_through_properties
from dockerls.syntax.sized_cache import sized_cache

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from dataclasses import dataclass as node  # what nodes.node makes

    import tree_sitter
else:
    from dockerls.syntax.nodes import node

__all__ = [
    "Assignment",
    "Command",
    "Redirect",
    "ShWord",
    "ShellScript",
    "parse_shell",
    "shell_dialect",
    "syntax_tree",
]

_PARSER_LOCK = threading.Lock()  # held while parsing, and while the grammar loads

_MAX_DEPTH = 150  # tree nesting we follow; deeper constructs are ignored
_MAX_SHELL_NESTING = 6  # bash -c "sh -c '...'" levels we unpack

# ---------------------------------------------------------------------------
# Public data model
# ---------------------------------------------------------------------------


@read_through_properties
@node(frozen=True, slots=True, eq=False, repr=False)  # see read_through_properties
class ShWord:
    """One shell word: ``ShWord(raw, value, span, is_static)``.

    ``raw`` is the word as written (``script[span.start:span.end] == raw``).
    ``value`` has quotes and backslash escapes removed; expansions such as
    ``$VAR`` or ``$(cmd)`` are kept as written, in which case ``is_static`` is
    False and ``value`` is only an approximation of what the shell produces.
    Globs, braces and ``~`` are not expanded and do not clear ``is_static``.

    Immutable.  A word read from a script with quotes, escapes or expansions
    works out ``value`` and ``is_static`` from ``raw`` when first asked (given
    as None): most words of a script are never read.
    """

    raw: str
    _value: str | None  # ``value``; None until worked out from ``raw``
    span: Span
    _is_static: bool | None  # ``is_static``; None until worked out

    @property
    def value(self) -> str:
        v = self._value
        if v is None:
            v = self._unquote()[0]
        return v

    @property
    def is_static(self) -> bool:
        static = self._is_static
        if static is None:
            static = self._unquote()[1]
        return static

    def _unquote(self) -> tuple[str, bool]:
        value, static = _unquote_value(self.raw)
        _set_w_value(self, value)
        _set_w_static(self, static)
        return value, static


_set_w_value = getattr(ShWord, "_value").__set__  # noqa: B009
_set_w_static = getattr(ShWord, "_is_static").__set__  # noqa: B009


class Assignment(NamedTuple):
    """A ``NAME=value`` (or ``NAME+=value``) prefix of a command."""

    name: str
    value: ShWord  # empty word (zero-width span) for ``NAME=``
    span: Span
    append: bool = False


class Redirect(NamedTuple):
    """A redirection such as ``>/dev/null``, ``2>&1``, ``<<EOF`` or ``<<< s``.

    ``op`` is the operator (``>``, ``>>``, ``<``, ``>&``, ``&>``, ``<<``,
    ``<<-``, ``<<<`` ...), ``fd`` the explicit descriptor (``"2"`` in
    ``2>&1``) and ``target`` the destination word (for a heredoc: its
    delimiter).  A heredoc's span covers only ``<<EOF``, not its body.
    """

    op: str
    fd: str | None
    target: ShWord | None
    span: Span


@read_through_properties
@node(frozen=True, slots=True, eq=False, repr=False)  # see read_through_properties
class Command:
    """One simple command, e.g. ``apt-get install -y curl``: ``Command(name,
    path, name_word, args, span, assignments=(), redirects=(), ...)``.

    ``name`` is the unquoted command name, reduced to its basename
    (``/usr/bin/apt-get`` -> ``apt-get``); ``path`` is the full unquoted name.
    ``args`` are the words after the name.  ``pipeline_index`` is the stage
    index inside a pipeline of two or more commands (None otherwise).
    ``connector_before`` is the operator linking this command to the previous
    one in its list: ``"&&"``, ``"||"``, ``";"`` (also for a newline), ``"&"``,
    ``"|"``, ``"|&"`` or None when it starts a sequence.

    ``wrapped_by`` names the wrapper (``sudo``, ``env``, ``xargs``...) when
    this command is the one the wrapper runs; the wrapper is reported too.
    ``via_shell`` names the shell (``bash``, ``sh``...) when the command was
    found inside a ``bash -c "..."`` string.

    Immutable.  A command read from a script makes its argument words when
    ``args`` is first asked for (given as None, with ``_arg_spans``), and an
    unquoted name's word when ``name_word`` is (given as None, with
    ``_name_at``): most rules read only the names of most commands.
    """

    name: str
    path: str
    _name_word: ShWord | None  # ``name_word``; None until made (``path`` at ``_name_at``)
    _args: tuple[ShWord, ...] | None  # ``args``; None until made from ``_arg_spans``
    span: Span
    assignments: tuple[Assignment, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    pipeline_index: int | None = None
    connector_before: str | None = None
    wrapped_by: str | None = None
    via_shell: str | None = None
    # until ``args`` is read: the script and the (start, end) of each argument, flattened
    _arg_spans: tuple[str, list[int]] | None = field(default=None, compare=False, repr=False)
    # until ``name_word`` is read, when the name is written unquoted: where it starts
    _name_at: int = field(default=-1, compare=False, repr=False)

    @property
    def name_word(self) -> ShWord:
        """The command name as written (an unquoted name: ``path``, at ``_name_at``)."""
        word = self._name_word
        if word is None:
            path = self.path
            start = self._name_at
            word = _word(path, path, _span(start, start + len(path)), True)
            _set_c_name_word(self, word)
        return word

    @property
    def args(self) -> tuple[ShWord, ...]:
        args = self._args
        if args is None:
            src = self._arg_spans
            assert src is not None
            args = _words_at(*src)
            _set_c_args(self, args)
            _set_c_arg_spans(self, None)
        return args

    @property
    def name_span(self) -> Span:
        return self.name_word.span

    @property
    def in_pipeline(self) -> bool:
        """True when the command is a stage of a pipeline of 2+ commands."""
        return self.pipeline_index is not None

    @property
    def words(self) -> tuple[ShWord, ...]:
        """``argv``: the name word followed by the arguments."""
        return (self.name_word, *self.args)

    def word_at(self, i: int) -> ShWord | None:
        """``argv[i]``: 0 is the command name, 1.. the arguments; None if absent."""
        if i == 0:
            return self.name_word
        if 0 < i <= len(self.args):
            return self.args[i - 1]
        return None

    def word_at_offset(self, offset: int) -> ShWord | None:
        """The word (name or argument) whose span contains ``offset``."""
        for w in self.words:
            if w.span.start <= offset <= w.span.end:
                return w
        return None

    def _option_words(self) -> tuple[ShWord, ...]:
        """Arguments before a ``--`` end-of-options marker."""
        for i, w in enumerate(self.args):
            if w.value == "--" and w.is_static:
                return self.args[:i]
        return self.args

    def has_flag(self, *names: str) -> bool:
        """True if any of ``names`` (``"-y"``, ``"--yes"``...) is given.

        Understands clustered short flags (``-yq`` has ``-y`` and ``-q``) and
        ``--flag=value``.  Arguments after ``--`` are not flags.
        """
        return any(_word_matches_flag(w.value, names) for w in self._option_words())

    def flag_values(self, *names: str) -> tuple[str, ...]:
        """Every value given to one of ``names``, in order.

        Accepts ``--name value``, ``--name=value``, ``-n value``, ``-nvalue``
        and a cluster ending in the flag (``-xzf file`` gives ``file`` for ``-f``).
        """
        out: list[str] = []
        opts = self._option_words()
        i = 0
        while i < len(opts):
            v = opts[i].value
            got = _flag_value_of(v, names)
            if got is _NEEDS_NEXT:
                if i + 1 < len(opts):
                    out.append(opts[i + 1].value)
                    i += 2
                    continue
            elif isinstance(got, str):
                out.append(got)
            i += 1
        return tuple(out)

    def flag_value(self, *names: str) -> str | None:
        """The first value given to one of ``names`` (see :meth:`flag_values`)."""
        values = self.flag_values(*names)
        return values[0] if values else None

    def args_without_flags(
        self, flags_with_values: Iterable[str] = (), *, strict: bool = False
    ) -> tuple[ShWord, ...]:
        """Positional arguments: flags dropped, and so are the values of the
        flags listed in ``flags_with_values`` (``-o Dpkg::Options=...``).

        ``strict`` (what the package rules want): a quoted ``"-x"`` is an
        argument, not a flag, and a word glued to the one before it (``name@$(cmd)``
        that the parser split) is skipped."""
        takes_value = frozenset(flags_with_values)
        out: list[ShWord] = []
        args = self.args
        i = 0
        n = len(args)
        while i < n:
            w = args[i]
            v = w.value
            if v == "--" and w.is_static:
                out.extend(args[i + 1 :])
                break
            if len(v) > 1 and v[0] == "-" and (not strict or w.raw.startswith("-")):
                if v in takes_value:
                    i += 2
                    continue
                i += 1
                continue
            if strict and i > 0 and args[i - 1].span.end == w.span.start:
                i += 1
                continue
            out.append(w)
            i += 1
        return tuple(out)

    def subcommand(self, flags_with_values: Iterable[str] = ()) -> str | None:
        """The first positional argument (``install`` in ``apt-get -y install x``)."""
        positional = self.args_without_flags(flags_with_values)
        return positional[0].value if positional else None

    def has_args(self, *words: str) -> bool:
        """True if any argument's value equals one of ``words``."""
        wanted = set(words)
        return any(w.value in wanted for w in self.args)


class ShellScript(NamedTuple):
    """The parsed shell view of one script."""

    script: str
    commands: tuple[Command, ...] = ()
    has_pipe: bool = False
    errors: tuple[Span, ...] = ()
    supported: bool = True
    dialect: str = "posix"

    def find(self, name: str) -> list[Command]:
        """Commands called ``name`` (basename, or full path if it has a ``/``),
        in source order."""
        if "/" in name:
            return [c for c in self.commands if c.path == name]
        return [c for c in self.commands if c.name == name]

    def uses(self, name: str) -> bool:
        """True if any command is called ``name`` (see :meth:`find`)."""
        if "/" in name:
            return any(c.path == name for c in self.commands)
        return any(c.name == name for c in self.commands)

    def command_at(self, offset: int) -> Command | None:
        """The innermost command whose span contains ``offset``."""
        best: Command | None = None
        for c in self.commands:
            if c.span.start <= offset <= c.span.end and (
                best is None or len(c.span) <= len(best.span)
            ):
                best = c
        return best


_INTERPRETERS = (
    "python",
    "pypy",
    "perl",
    "node",
    "nodejs",
    "deno",
    "bun",
    "ruby",
    "php",
    "lua",
    "rscript",
    "tclsh",
    "awk",
    "gawk",
    "jq",
)


def _exe_base(exe: str) -> str:
    base = exe.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base[:-4] if base.endswith(".exe") else base


def shell_dialect(shell: Sequence[str] | str | None) -> str:
    """Map a ``SHELL`` argv, a ``# hadolint shell=`` value or a heredoc
    shebang's words (``["/usr/bin/env", "python3"]``) to a dialect.

    Returns ``"powershell"``, ``"cmd"``, the name of a known non-shell
    interpreter (``"python"``, ``"node"``, ``"perl"``...), or ``"posix"`` for
    everything else (POSIX shells and unknown programs, as hadolint does).
    A string is taken as a single program path.
    """
    if isinstance(shell, tuple):
        return _shell_dialect(shell)
    return _dialect_of(shell)


@lru_cache(maxsize=64)
def _shell_dialect(shell: tuple[str, ...]) -> str:
    """``shell_dialect`` of a shell in force: rules ask it of each RUN, a file uses a few."""
    return _dialect_of(shell)


def _dialect_of(shell: Sequence[str] | str | None) -> str:
    if not shell:
        return "posix"
    words = [shell] if isinstance(shell, str) else list(shell)
    base = _exe_base(words[0])
    if base == "env":
        i = 1
        while i < len(words):
            w = words[i]
            if w in ("-u", "--unset", "-C", "--chdir"):
                i += 2
            elif w.startswith("-") or _is_assignment_text(w):
                i += 1
            else:
                break
        if i >= len(words):
            return "posix"
        base = _exe_base(words[i])
    if "pwsh" in base or "powershell" in base:
        return "powershell"
    if base == "cmd":
        return "cmd"
    for name in _INTERPRETERS:
        if base.startswith(name) and all(c in "0123456789.-" for c in base[len(name) :]):
            return name
    return "posix"


_POSIX_DIALECTS = frozenset(
    {"posix", "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "busybox-sh"}
)


@sized_cache(500_000)
def parse_shell(script: str, dialect: str = "posix") -> ShellScript:
    """Parse ``script`` into its shell view.  Never raises; cached.

    ``dialect`` is ``"posix"`` (or a POSIX shell name such as ``"bash"``); for
    any other dialect (``"powershell"``, ``"cmd"``, ``"python"``... see
    :func:`shell_dialect`) the result is empty with ``supported=False`` so
    that shell rules skip it.
    """
    if dialect.lower() not in _POSIX_DIALECTS:
        return ShellScript(script=script, supported=False, dialect=dialect.lower())
    try:
        return _build(script, 0)
    except Exception:  # pragma: no cover - defensive: the keystroke path must not fail
        return ShellScript(script=script, errors=(Span(0, len(script)),))


# ---------------------------------------------------------------------------
# Flag helpers
# ---------------------------------------------------------------------------

_NEEDS_NEXT: Any = object()


def _word_matches_flag(v: str, names: Sequence[str]) -> bool:
    if len(v) < 2 or v[0] != "-":
        return False
    long_form = v.split("=", 1)[0] if "=" in v else v
    for name in names:
        if long_form == name:
            return True
        if (
            len(name) == 2
            and name[0] == "-"
            and v[1] != "-"
            and len(v) > 2
            and name[1] in _cluster_letters(v)
        ):
            return True
    return False


def _cluster_letters(v: str) -> str:
    """The flag letters of a short-option cluster ``-xyz`` (stops at the first
    character that cannot be an option letter, e.g. ``=`` or ``/``)."""
    for i in range(1, len(v)):
        if not v[i].isalnum():
            return v[1:i]
    return v[1:]


def _flag_value_of(v: str, names: Sequence[str]) -> object:
    """``_NEEDS_NEXT`` if ``v`` is a bare flag in ``names``, the attached value
    if ``v`` is ``--name=value``/``-nvalue``, else None."""
    if len(v) < 2 or v[0] != "-":
        return None
    for name in names:
        if v == name:
            return _NEEDS_NEXT
        if v.startswith(name + "="):
            return v[len(name) + 1 :]
        if len(name) == 2 and name[0] == "-" and v[1] != "-":
            if v.startswith(name):
                return v[2:]
            if v[-1] == name[1] and v[1:].isalnum():
                return _NEEDS_NEXT  # ``-xzf file``: the value flag ends a cluster
    return None


# ---------------------------------------------------------------------------
# Word unquoting
# ---------------------------------------------------------------------------

_ANSI_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def _skip_balanced(raw: str, i: int, open_c: str, close_c: str) -> int:
    """Index just past the ``close_c`` matching the ``open_c`` at ``raw[i]``."""
    depth = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == "\\":
            i += 2
            continue
        if c == "'" and open_c == "(":
            j = raw.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            i += 1
            while i < n and raw[i] != '"':
                i += 2 if raw[i] == "\\" else 1
            i += 1
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _skip_expansion(raw: str, i: int) -> int:
    """Index just past the expansion starting at ``raw[i]`` (``$`` or backquote)."""
    n = len(raw)
    if raw[i] == "`":
        j = i + 1
        while j < n and raw[j] != "`":
            j += 2 if raw[j] == "\\" else 1
        return min(j + 1, n)
    if i + 1 >= n:
        return n
    c = raw[i + 1]
    if c == "(":
        return _skip_balanced(raw, i + 1, "(", ")")
    if c == "{":
        return _skip_balanced(raw, i + 1, "{", "}")
    if c.isalpha() or c == "_":
        j = i + 2
        while j < n and (raw[j].isalnum() or raw[j] == "_"):
            j += 1
        return j
    return i + 2  # $1, $@, $?, $$ ... (or a lone "$x" oddity)


_STATIC_PIECE = re.compile(r"""'([^']*)'?|"((?:[^"\\]|\\.)*)"?|\\(.)|([^'"\\]+)|(\\)""", re.DOTALL)
_DQ_ESCAPE = re.compile(r"""\\([$`"\\\n])""")


def _dq_unescape(m: re.Match[str]) -> str:
    c = m.group(1)
    return "" if c == "\n" else c


def _unquote_value(raw: str) -> tuple[str, bool]:
    """``(value, is_static)`` of a word; a fast path of :func:`_unquote`."""
    if "$" in raw or "`" in raw:
        value, static, _, _ = _unquote(raw)
        return value, static
    out: list[str] = []
    for m in _STATIC_PIECE.finditer(raw):
        single, double, escaped, plain, trailing = m.groups()
        if plain is not None:
            out.append(plain)
        elif single is not None:
            out.append(single)
        elif double is not None:
            out.append(_DQ_ESCAPE.sub(_dq_unescape, double) if "\\" in double else double)
        elif escaped is not None:
            if escaped != "\n":
                out.append(escaped)
        elif trailing is not None:
            out.append(trailing)
    return "".join(out), True


# runs of characters that stand for themselves, outside quotes and inside double quotes
# (possibly empty: a match always starts after a first such character)
_PLAIN = re.compile(r"[^'\"\\$`]*")
_DQ_PLAIN = re.compile(r'[^"\\$`]*')


def _unquote(raw: str) -> tuple[str, bool, list[int], list[int]]:
    """Remove quotes and escapes from a word.

    Returns ``(value, is_static, starts, ends)``: ``value[k]`` comes from
    ``raw[starts[k]:ends[k]]`` (an escaped character includes its backslash).
    ``starts[len(value)]`` is the index just after the last consumed character
    (before a closing quote), so a zero-width position can always be mapped.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    static = True
    n = len(raw)
    i = 0
    end = 0
    while i < n:
        c = raw[i]
        if c == "'":
            j = raw.find("'", i + 1)
            if j < 0:
                j = n
            out.append(raw[i + 1 : j])
            starts.extend(range(i + 1, j))
            ends.extend(range(i + 2, j + 1))
            end = j
            i = j + 1
        elif c == '"':
            i += 1
            while i < n and raw[i] != '"':
                ch = raw[i]
                if ch == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                    if raw[i + 1] != "\n":
                        out.append(raw[i + 1])
                        starts.append(i)
                        ends.append(i + 2)
                    i += 2
                elif ch in "$`":
                    static = False
                    j = _skip_expansion(raw, i)
                    out.append(raw[i:j])
                    starts.extend(range(i, j))
                    ends.extend(range(i + 1, j + 1))
                    i = j
                else:  # a run of plain characters (a lone backslash: one)
                    j = _DQ_PLAIN.match(raw, i + 1).end() if ch != "\\" else i + 1  # type: ignore[union-attr]
                    out.append(raw[i:j])
                    starts.extend(range(i, j))
                    ends.extend(range(i + 1, j + 1))
                    i = j
            end = min(i, n)
            i += 1
        elif c == "\\":
            if i + 1 < n:
                if raw[i + 1] != "\n":
                    out.append(raw[i + 1])
                    starts.append(i)
                    ends.append(i + 2)
                i += 2
            else:
                out.append(c)
                starts.append(i)
                ends.append(i + 1)
                i += 1
            end = i
        elif c == "$" and i + 1 < n and raw[i + 1] == "'":
            i += 2
            while i < n and raw[i] != "'":
                ch = raw[i]
                if ch == "\\" and i + 1 < n:
                    piece = _ANSI_ESCAPES.get(raw[i + 1], "\\" + raw[i + 1])
                    out.append(piece)
                    starts.extend([i] * len(piece))
                    ends.extend([i + 2] * len(piece))
                    i += 2
                else:
                    out.append(ch)
                    starts.append(i)
                    ends.append(i + 1)
                    i += 1
            end = min(i, n)
            i += 1
        elif c == "$" and i + 1 < n and raw[i + 1] == '"':
            i += 1  # $"..." locale string: same as "..."
        elif c in "$`":
            if c == "$" and i + 1 >= n:
                out.append(c)
                starts.append(i)
                ends.append(i + 1)
                i += 1
            else:
                static = False
                j = _skip_expansion(raw, i)
                out.append(raw[i:j])
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
                i = j
            end = i
        else:  # a run of plain characters
            j = _PLAIN.match(raw, i + 1).end()  # type: ignore[union-attr]
            out.append(raw[i:j])
            starts.extend(range(i, j))
            ends.extend(range(i + 1, j + 1))
            i = end = j
    value = "".join(out)
    starts.append(min(end, n))
    return value, static, starts, ends


# ---------------------------------------------------------------------------
# Fast construction
# ---------------------------------------------------------------------------
# The walk builds thousands of spans, words and commands: it calls the node
# classes' plain-function constructors (``writes_slots``), same parameters as
# the classes (a test checks they build equal values).

_span = maker(Span)  # Span(start, end), without type.__call__
_word = maker(ShWord)  # ShWord(raw, value, span, is_static)
# Command(name, path, name_word, args, span, assignments, redirects,
# pipeline_index, connector_before, wrapped_by, via_shell, _arg_spans, _name_at);
# ``args`` None: made from ``_arg_spans`` when first read; ``name_word`` None:
# the unquoted ``path`` at ``_name_at``
_command = maker(Command)

_set_c_name_word = getattr(Command, "_name_word").__set__  # noqa: B009
_set_c_args = getattr(Command, "_args").__set__  # noqa: B009
_set_c_arg_spans = getattr(Command, "_arg_spans").__set__  # noqa: B009
# while the walk builds a command: what a redirect or pipe found later changes
_set_c_span = getattr(Command, "span").__set__  # noqa: B009
_set_c_redirects = getattr(Command, "redirects").__set__  # noqa: B009
_set_c_pipe = getattr(Command, "pipeline_index").__set__  # noqa: B009


def _quoted(raw: str) -> bool:
    """Whether a word has quotes, escapes or expansions: its value is worked out when
    read (five ``in`` tests cost less than a set or regex scan of the word)."""
    return "$" in raw or "'" in raw or '"' in raw or "\\" in raw or "`" in raw


def _word_at(script: str, start: int, end: int) -> ShWord:
    """The word ``script[start:end]`` (its value worked out when read, if quoted)."""
    raw = script[start:end]
    if _quoted(raw):
        return _word(raw, None, _span(start, end), None)
    return _word(raw, raw, _span(start, end), True)


def _words_at(script: str, spans: list[int]) -> tuple[ShWord, ...]:
    """The words of ``script`` at ``spans``: start and end of each, flattened."""
    it = iter(spans)
    return tuple([_word_at(script, start, end) for start, end in zip(it, it, strict=True)])


# ---------------------------------------------------------------------------
# Tree walking
# ---------------------------------------------------------------------------

# Unnamed tokens that link statements, and what they mean for the next one.
_CONNECTORS = {
    "&&": "&&",
    "||": "||",
    ";": ";",
    ";;": ";",
    ";&": ";",
    ";;&": ";",
    "&": "&",
    "|": "|",
    "|&": "|&",
}
_KEYWORDS = frozenset(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "do",
        "done",
        "while",
        "until",
        "for",
        "in",
        "case",
        "esac",
        "select",
        "function",
    ]
)
_CONTAINERS = frozenset(
    {
        "program",
        "list",
        "compound_statement",
        "do_group",
        "subshell",
        "if_statement",
        "elif_clause",
        "else_clause",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "case_statement",
        "case_item",
        "function_definition",
        "negated_command",
        "ERROR",
    }
)
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_REDIRECTS = frozenset({"file_redirect", "herestring_redirect"})


def _subst_marks(src: bytes) -> list[int]:
    """Offsets of ``$(``, ``<(``, ``>(`` and backquotes in ``src``, each as
    ``offset << 2 | length``, in order."""
    marks: list[int] = []
    find = src.find
    i = find(b"(")
    while i >= 0:
        if i and src[i - 1] in b"$<>":
            marks.append((i - 1) << 2 | 2)
        i = find(b"(", i + 1)
    if b"`" in src:
        i = find(b"`")
        while i >= 0:
            marks.append(i << 2 | 1)
            i = find(b"`", i + 1)
        marks.sort()
    return marks


# Dispatch on integer kind ids: ``node.type`` builds a new string on each call.
# The sets are filled from the grammar when it loads (``_parser``), before any
# tree exists: importing this module loads neither tree-sitter nor the grammar.
_ERROR_ID = 0xFFFF  # tree-sitter's builtin error symbol as seen through kind_id
_CONN_BY_ID: dict[int, str] = {}
_KEYWORD_IDS: set[int] = set()
_CONTAINER_IDS: set[int] = {_ERROR_ID}
_SUBST_IDS: set[int] = set()
_REDIRECT_IDS: set[int] = set()
_COMMENT_IDS: set[int] = set()
_COMMAND_IDS: set[int] = set()
_COMMAND_NAME_IDS: set[int] = set()
_ASSIGNMENT_IDS: set[int] = set()
_REDIRECTED_IDS: set[int] = set()
_PIPELINE_IDS: set[int] = set()
_DECLARATION_IDS: set[int] = set()
_TEST_IDS: set[int] = set()
# what a child of a ``command`` node is, by kind id; any other kind is an argument word
_ARGUMENT, _NAME, _ASSIGNMENT, _REDIRECTION, _SKIPPED = "arg", "name", "assign", "redirect", "skip"
_ROLE_IN_COMMAND: dict[int, str] = {}
# a child of a list-like node that is no statement, by kind id: the connector
# it puts before the next statement, None (a keyword: no connector) or
# ``_SKIPPED`` (a comment, other punctuation); any other kind is a statement
_TOKEN: dict[int, str | None] = {}
# the ``_Builder`` method that walks a statement (node, connector before it,
# pipeline index, depth), by kind id (``_Builder.other`` for any other kind)
if TYPE_CHECKING:
    _Walk = Callable[["_Builder", tree_sitter.Node, str | None, int | None, int], None]
_STATEMENT: dict[int, _Walk] = {}


@lru_cache(maxsize=1)
def _parser() -> tree_sitter.Parser:
    """tree-sitter's bash parser, loaded on the first parse (call with
    ``_PARSER_LOCK`` held); fills the kind-id sets above from its grammar."""
    import tree_sitter
    import tree_sitter_bash

    language = tree_sitter.Language(tree_sitter_bash.language())
    # every grammar symbol id by (name, named): a name can have several
    by_kind: dict[tuple[str | None, bool], set[int]] = {}
    unnamed: list[int] = []
    for i in range(language.node_kind_count):
        named = language.node_kind_is_named(i)
        by_kind.setdefault((language.node_kind_for_id(i), named), set()).add(i)
        if not named:
            unnamed.append(i)

    def ids(names: Iterable[str], named: bool) -> set[int]:
        """Every grammar symbol id with one of ``names``."""
        return set().union(*[by_kind.get((n, named), ()) for n in names])

    _CONN_BY_ID.update(
        (i, _CONNECTORS[language.node_kind_for_id(i) or ""]) for i in ids(_CONNECTORS, named=False)
    )
    _KEYWORD_IDS.update(ids(_KEYWORDS, named=False))
    _CONTAINER_IDS.update(ids(_CONTAINERS, named=True))
    _SUBST_IDS.update(ids(_SUBSTITUTIONS, named=True))
    _REDIRECT_IDS.update(ids(_REDIRECTS, named=True))
    _COMMENT_IDS.update(ids(["comment"], named=True))
    _COMMAND_IDS.update(ids(["command"], named=True))
    _COMMAND_NAME_IDS.update(ids(["command_name"], named=True))
    _ASSIGNMENT_IDS.update(ids(["variable_assignment"], named=True))
    _REDIRECTED_IDS.update(ids(["redirected_statement"], named=True))
    _PIPELINE_IDS.update(ids(["pipeline"], named=True))
    _DECLARATION_IDS.update(ids(["declaration_command", "unset_command"], named=True))
    _TEST_IDS.update(ids(["test_command"], named=True))
    _ROLE_IN_COMMAND.update(dict.fromkeys(unnamed, _SKIPPED))
    _ROLE_IN_COMMAND.update(dict.fromkeys(_COMMENT_IDS, _SKIPPED))
    _ROLE_IN_COMMAND.update(dict.fromkeys(_COMMAND_NAME_IDS, _NAME))
    _ROLE_IN_COMMAND.update(dict.fromkeys(_ASSIGNMENT_IDS, _ASSIGNMENT))
    _ROLE_IN_COMMAND.update(dict.fromkeys(_REDIRECT_IDS, _REDIRECTION))
    _TOKEN.update(dict.fromkeys(unnamed, _SKIPPED))
    _TOKEN.update(dict.fromkeys(_KEYWORD_IDS))
    _TOKEN.update(_CONN_BY_ID)
    _TOKEN.update(dict.fromkeys(_COMMENT_IDS, _SKIPPED))
    for kinds, method in (
        (_COMMAND_IDS, _Builder.command),
        (_REDIRECTED_IDS, _Builder.redirected),
        (_PIPELINE_IDS, _Builder.pipeline),
        (_CONTAINER_IDS, _Builder.container),
        (_SUBST_IDS, _Builder.substitution),
        (_DECLARATION_IDS, _Builder.declaration),
        (_TEST_IDS, _Builder.test),
        (_COMMENT_IDS, _Builder.comment),
    ):
        _STATEMENT.update(dict.fromkeys(kinds, method))
    return tree_sitter.Parser(language)


# 1 for a byte that starts a UTF-8 character, 0 for a continuation byte
_STARTS_CHAR = bytes(0 if 0x80 <= b < 0xC0 else 1 for b in range(256))


def _byte_to_cp_map(src: bytes, length: int) -> list[int]:
    """Per byte offset of ``src`` (UTF-8 of a text of ``length`` code points),
    the index of the character holding that byte; ``length`` at the end."""
    # characters started up to and including each byte, minus one
    m = list(accumulate(src.translate(_STARTS_CHAR), initial=-1))
    del m[0]
    m.append(length)
    return m


class _Builder:
    __slots__ = (
        "b2c",
        "by_id",
        "has_pipe",
        "has_subst",
        "marks",
        "raws",
        "script",
        "src",
        "unpack",
    )

    def __init__(self, script: str, src: bytes, parsed_text: str) -> None:
        # ``script`` gives the text of words; ``src`` (the UTF-8 of
        # ``parsed_text``, same length in code points) gives byte offsets.
        self.script = script
        self.src = src
        self.b2c: list[int] | None = (
            None if len(src) == len(script) else _byte_to_cp_map(src, len(parsed_text))
        )
        # where a substitution may start: byte offset << 2 | marker length, in order
        self.marks = _subst_marks(src)
        self.has_subst = bool(self.marks)
        # the commands found, in the order found; by tree node (redirects and
        # pipes found later are attached to them: until ``finish`` they change)
        self.raws: list[Command] = []
        self.by_id: dict[int, Command] = {}
        self.has_pipe = False
        self.unpack = False  # a command may run another (sudo, sh -c...): see ``finish``

    # -- positions and words -------------------------------------------------

    def span(self, node: tree_sitter.Node) -> Span:
        m = self.b2c
        if m is None:
            return _span(node.start_byte, node.end_byte)
        return _span(m[node.start_byte], m[node.end_byte])

    def word(self, node: tree_sitter.Node) -> ShWord:
        m = self.b2c
        if m is None:
            s, e = node.start_byte, node.end_byte
        else:
            s, e = m[node.start_byte], m[node.end_byte]
        return _word_at(self.script, s, e)

    def word_span(self, node: tree_sitter.Node, out: list[int]) -> None:
        """Append the start and end of the word at ``node`` to ``out``."""
        m = self.b2c
        if m is None:
            out.append(node.start_byte)
            out.append(node.end_byte)
        else:
            out.append(m[node.start_byte])
            out.append(m[node.end_byte])

    def token_word(self, text: str, node: tree_sitter.Node) -> ShWord:
        return ShWord(text, text, self.span(node), True)

    # -- statements -----------------------------------------------------------

    def stmt(self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int) -> None:
        if depth <= _MAX_DEPTH:
            _STATEMENT.get(node.kind_id, _Builder.other)(self, node, conn, pipe, depth)

    def other(self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int) -> None:
        """A statement of no kind above: commands only in its substitutions."""
        self.descend(node, depth)

    def comment(
        self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int
    ) -> None:
        pass

    def substitution(
        self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int
    ) -> None:
        self.container(node, None, None, depth)

    def container(
        self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int
    ) -> None:
        depth += 1
        if depth > _MAX_DEPTH:
            return
        pending = conn
        token = _TOKEN.get
        walk = _STATEMENT.get
        other = _Builder.other
        for ch in node.children:
            k = ch.kind_id
            t = token(k, _ARGUMENT)  # _ARGUMENT: none of the above, a statement
            if t is _ARGUMENT:
                walk(k, other)(self, ch, pending, pipe, depth)
                pending = ";"
            elif t is not _SKIPPED:
                pending = t

    def pipeline(
        self,
        node: tree_sitter.Node,
        conn: str | None,
        pipe: int | None,
        depth: int,
        first: int = 0,
    ) -> None:
        children = node.children
        kinds = [ch.kind_id for ch in children]
        stages = sum(1 for k in kinds if k not in _TOKEN)
        multi = stages + first >= 2
        if multi:
            self.has_pipe = True
        idx = first
        pending = conn
        for ch, k in zip(children, kinds, strict=True):
            t = _TOKEN.get(k, _ARGUMENT)
            if t is _ARGUMENT:
                self.stmt(ch, pending, idx if multi else pipe, depth + 1)
                idx += 1
                pending = None
            elif t is not _SKIPPED and t is not None:
                pending = t

    def descend(
        self,
        node: tree_sitter.Node,
        depth: int,
        children: list[tree_sitter.Node] | None = None,
    ) -> None:
        """Look for command substitutions inside a word-like node (``children``:
        its children when the caller has them already)."""
        if not self.has_subst or depth > _MAX_DEPTH:
            return
        if node.kind_id in _SUBST_IDS:
            self.container(node, None, None, depth)
            return
        marks = self.marks
        # the first substitution marker at or after the node's start: inside it?
        # (if not, none is inside any child)
        i = bisect_left(marks, node.start_byte << 2)
        if i == len(marks) or (marks[i] >> 2) + (marks[i] & 3) > node.end_byte:
            return
        for ch in node.children if children is None else children:
            if ch.child_count == 0:
                continue
            # the first substitution marker at or after the child's start: inside it?
            start = ch.start_byte
            i = bisect_left(marks, start << 2)
            if i < len(marks) and (marks[i] >> 2) + (marks[i] & 3) <= ch.end_byte:
                k = ch.kind_id
                if k in _CONTAINER_IDS or k in _COMMAND_IDS:
                    self.stmt(ch, None, None, depth + 1)
                else:
                    self.descend(ch, depth + 1)

    def _register(
        self,
        node: tree_sitter.Node,
        name: ShWord | None,
        v: str,
        args: list[int],
        assigns: list[Assignment] | None,
        redirects: list[Redirect] | None,
        start: int,
        end: int,
        pipe: int | None,
        conn: str | None,
        name_at: int = -1,
    ) -> None:
        """Record the command at ``node``: ``name`` is its name word (None for
        an unquoted name ``v`` at ``name_at``: made when read), ``v`` the
        word's value; ``args`` the start and end of each argument, flattened."""
        base = v.rsplit("/", 1)[-1] if "/" in v else v
        if (base or v) in _UNPACKED:
            self.unpack = True
        cmd = _command(
            base or v,
            v,
            name,
            None if args else (),
            _span(start, end),
            tuple(assigns) if assigns else (),
            tuple(redirects) if redirects else (),
            pipe,
            conn,
            None,
            None,
            (self.script, args) if args else None,
            name_at,
        )
        self.raws.append(cmd)
        self.by_id[node.id] = cmd

    def command(
        self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int
    ) -> None:
        name: tree_sitter.Node | None = None
        args: list[int] = []  # each argument's start and end: words made when read
        app = args.append
        assigns: list[Assignment] | None = None  # made for the first one (most have none)
        redirects: list[Redirect] | None = None
        role = _ROLE_IN_COMMAND.get
        children = node.children
        m = self.b2c
        for ch in children:
            r = role(ch.kind_id, _ARGUMENT)
            if r is _ARGUMENT or (r is _ASSIGNMENT and name is not None):
                if m is None:
                    app(ch.start_byte)
                    app(ch.end_byte)
                else:
                    app(m[ch.start_byte])
                    app(m[ch.end_byte])
            elif r is _NAME:
                name = ch
            elif r is _ASSIGNMENT:
                if assigns is None:
                    assigns = []
                assigns.append(self.assignment(ch))
            elif r is _REDIRECTION:
                red, extra = self.redirect(ch)
                if redirects is None:
                    redirects = []
                redirects.append(red)
                args.extend(extra)
        if name is not None:
            if m is None:
                s, e = name.start_byte, name.end_byte
                start, end = node.start_byte, node.end_byte
            else:
                s, e = m[name.start_byte], m[name.end_byte]
                start, end = m[node.start_byte], m[node.end_byte]
            raw = self.script[s:e]
            if _quoted(raw):
                word = _word(raw, None, _span(s, e), None)
                self._register(
                    node, word, word.value, args, assigns, redirects, start, end, pipe, conn
                )
            else:  # the word is made when read (most rules read only the name)
                self._register(node, None, raw, args, assigns, redirects, start, end, pipe, conn, s)
        if self.has_subst:
            self.descend(node, depth, children)

    def declaration(
        self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int
    ) -> None:
        children = node.children
        if not children:
            return
        kw = children[0]
        name = self.token_word(kw.type, kw)
        args: list[int] = []
        for ch in children[1:]:
            if ch.is_named and ch.type != "comment":
                self.word_span(ch, args)
        sp = self.span(node)
        self._register(node, name, name.raw, args, None, None, sp.start, sp.end, pipe, conn)
        if self.has_subst:
            self.descend(node, depth)

    def test(self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int) -> None:
        children = node.children
        if not children:
            return
        opener = children[0]
        if opener.is_named:
            return
        name = self.token_word(opener.type, opener)
        opener_start = opener.start_byte
        args: list[int] = []
        closers = {"]", "]]", "))"}

        def flatten(n: tree_sitter.Node, d: int) -> None:
            if d > _MAX_DEPTH:
                return
            for ch in n.children:
                t = ch.type
                if t in (
                    "unary_expression",
                    "binary_expression",
                    "parenthesized_expression",
                    "negated_expression",
                ):
                    flatten(ch, d + 1)
                elif ch.start_byte != opener_start and not (not ch.is_named and t in closers):
                    self.word_span(ch, args)

        flatten(node, depth)
        sp = self.span(node)
        self._register(node, name, name.raw, args, None, None, sp.start, sp.end, pipe, conn)
        if self.has_subst:
            self.descend(node, depth)

    def assignment(self, node: tree_sitter.Node) -> Assignment:
        sp = self.span(node)
        text = self.script[sp.start : sp.end]
        eq = text.find("=")
        if eq < 0:
            return Assignment(text, ShWord("", "", Span(sp.end, sp.end), True), sp)
        append = eq > 0 and text[eq - 1] == "+"
        name = text[: eq - 1] if append else text[:eq]
        vstart = sp.start + eq + 1
        return Assignment(name, _word_at(self.script, vstart, sp.end), sp, append)

    def redirect(self, node: tree_sitter.Node) -> tuple[Redirect, list[int]]:
        """The redirect, and the words after its target (arguments of the command:
        ``>f a b``), each as start and end, flattened."""
        fd: str | None = None
        op = ""
        target: ShWord | None = None
        extra: list[int] = []
        for ch in node.children:
            t = ch.type
            if t == "file_descriptor":
                sp = self.span(ch)
                fd = self.script[sp.start : sp.end]
            elif not ch.is_named:
                if not op:
                    op = t
            elif target is None:
                target = self.word(ch)
            elif t != "comment":
                self.word_span(ch, extra)
        sp = self.span(node)
        end = target.span.end if target is not None else sp.end
        if extra:
            end = min(end, extra[0])
        return Redirect(op, fd, target, Span(sp.start, max(sp.start, end))), extra

    def _rightmost(self, body: tree_sitter.Node | None) -> Command | None:
        n = body
        while n is not None and n.type in (
            "list",
            "pipeline",
            "redirected_statement",
            "negated_command",
        ):
            if n.type == "redirected_statement":
                n = n.child_by_field_name("body")
                continue
            last = None
            for ch in n.children:
                if ch.is_named and ch.type != "comment":
                    last = ch
            n = last
        if n is None:
            return None
        return self.by_id.get(n.id)

    def redirected(
        self, node: tree_sitter.Node, conn: str | None, pipe: int | None, depth: int
    ) -> None:
        body: tree_sitter.Node | None = None
        target: Command | None = None
        for ch in node.children:
            t = ch.type
            if t in _REDIRECTS:
                red, extra = self.redirect(ch)
                self._attach(target, red, extra)
                if self.has_subst:
                    self.descend(ch, depth)
            elif t == "heredoc_redirect":
                self.heredoc(ch, target, pipe, depth)
            elif ch.is_named and t != "comment" and body is None:
                body = ch
                if t == "list" and pipe is not None:
                    # tree-sitter-bash parses `a && b >x | c` as (a && b >x) | c;
                    # in the shell only `b` is a pipeline stage.
                    self.stmt(ch, conn, None, depth + 1)
                    target = self._rightmost(body)
                    if target is not None:
                        _set_c_pipe(target, pipe)
                else:
                    self.stmt(ch, conn, pipe, depth + 1)
                    target = self._rightmost(body)

    def _attach(self, target: Command | None, red: Redirect, extra: list[int]) -> None:
        if target is None:
            return
        _set_c_redirects(target, (*target.redirects, red))
        if extra:
            spans = target._arg_spans
            if spans is None:  # no arguments so far
                _set_c_args(target, None)
                _set_c_arg_spans(target, (self.script, list(extra)))
            else:
                spans[1].extend(extra)
        sp = target.span
        _set_c_span(target, _span(sp.start, max(sp.end, red.span.end, *extra[1::2])))

    def heredoc(
        self, node: tree_sitter.Node, target: Command | None, pipe: int | None, depth: int
    ) -> None:
        children = node.children
        op = ""
        delim: ShWord | None = None
        start = self.span(node).start
        pending: str | None = None
        for ch in children:
            t = ch.type
            if t == "heredoc_start":
                delim = self.word(ch)
                self._attach(target, Redirect(op, None, delim, Span(start, delim.span.end)), [])
            elif t in _REDIRECTS:
                red, extra = self.redirect(ch)
                self._attach(target, red, extra)
            elif t == "pipeline":
                if target is not None and target.pipeline_index is None:
                    _set_c_pipe(target, 0)
                self.pipeline(ch, None, pipe, depth + 1, 1)
            elif t in ("heredoc_body", "heredoc_end", "heredoc_content"):
                if self.has_subst:
                    self.descend(ch, depth)
            elif not ch.is_named:
                if not op:
                    op = t
                else:
                    c = _CONNECTORS.get(t)
                    if c is not None:
                        pending = c
            elif t != "comment":
                self.stmt(ch, pending, pipe, depth + 1)
                pending = ";"

    # -- finishing --------------------------------------------------------------

    def finish(self, shell_nesting: int) -> list[Command]:
        out = self.raws
        if self.unpack:
            out = []
            for cmd in self.raws:
                if cmd.name not in _UNPACKED:
                    out.append(cmd)  # the common case: nothing inside to unpack
                    continue
                group = [cmd]
                group.extend(_unwrap(cmd, 0))
                if shell_nesting < _MAX_SHELL_NESTING:
                    for c in list(group):
                        group.extend(self.shell_string(c, shell_nesting))
                out.extend(group)
        out.sort(key=_START)
        return out

    def shell_string(self, cmd: Command, shell_nesting: int) -> list[Command]:
        word = _shell_c_word(cmd)
        if word is None:
            return []
        inner, _, starts, ends = _unquote(word.raw)
        if not inner.strip():
            return []
        base = word.span.start
        sub = _build(inner, shell_nesting + 1)
        script = self.script

        def span(sp: Span) -> Span:
            s = base + starts[sp.start]
            e = base + ends[sp.end - 1] if sp.end > sp.start else s
            return Span(s, max(s, e))

        def wd(w: ShWord) -> ShWord:
            sp = span(w.span)
            return ShWord(script[sp.start : sp.end], w.value, sp, w.is_static and word.is_static)

        return [_remap(c, span, wd, cmd.name) for c in sub.commands]


_START = attrgetter("span.start")  # the sort key of commands


def _remap(
    c: Command,
    span: Callable[[Span], Span],
    wd: Callable[[ShWord], ShWord],
    shell: str,
) -> Command:
    return _command(
        c.name,
        c.path,
        wd(c.name_word),
        tuple([wd(a) for a in c.args]),
        span(c.span),
        tuple([Assignment(a.name, wd(a.value), span(a.span), a.append) for a in c.assignments]),
        tuple(
            [
                Redirect(r.op, r.fd, wd(r.target) if r.target else None, span(r.span))
                for r in c.redirects
            ]
        ),
        c.pipeline_index,
        c.connector_before,
        c.wrapped_by,
        c.via_shell or shell,
    )


# ---------------------------------------------------------------------------
# Wrappers (sudo, env, xargs ...) and shell strings (bash -c)
# ---------------------------------------------------------------------------


class _Wrapper(NamedTuple):
    takes_value: frozenset[str] = frozenset()
    stop: frozenset[str] = frozenset()  # flags meaning "no command is run"
    assignments: bool = False  # accepts NAME=value before the command
    skip: int = 0  # positional arguments before the command (timeout 10 cmd)


def _w(takes_value: str = "", stop: str = "", assignments: bool = False, skip: int = 0) -> _Wrapper:
    return _Wrapper(frozenset(takes_value.split()), frozenset(stop.split()), assignments, skip)


_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _w(
        "-u -g -C -D -h -p -r -t -U -T --user --group --close-from --chdir --host "
        "--prompt --role --type --other-user --command-timeout",
        "-e -l -v -k -K -V --edit --list --validate --version --help",
        assignments=True,
    ),
    "env": _w("-u -C -S --unset --chdir --split-string", "--help --version", assignments=True),
    "xargs": _w(
        "-I -n -P -L -d -E -s -a --max-args --max-procs --max-lines --delimiter --arg-file",
        "--help --version",
    ),
    "nohup": _w(),
    "time": _w("-f -o --format --output"),
    "exec": _w("-a"),
    "nice": _w("-n --adjustment"),
    "command": _w("", "-v -V"),
    "timeout": _w("-s -k --signal --kill-after", "--help --version", skip=1),
    "gosu": _w(skip=1),
    "su-exec": _w(skip=1),
    "chroot": _w("--userspec --groups", skip=1),
    "stdbuf": _w("-i -o -e --input --output --error"),
    "eatmydata": _w(),
    "fakeroot": _w("-l -s -i --lib --faked"),
    "unbuffer": _w(),
}


def _is_assignment_text(v: str) -> bool:
    eq = v.find("=")
    if eq <= 0:
        return False
    name = v[:eq]
    return (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name)


def _unwrap(cmd: Command, depth: int) -> list[Command]:
    spec = _WRAPPERS.get(cmd.name)
    if spec is None or depth > 8 or not cmd.name_word.is_static:
        return []
    args = cmd.args
    n = len(args)
    i = 0
    assigns: list[Assignment] = []
    while i < n:
        w = args[i]
        v = w.value
        if v == "--" and w.is_static:
            i += 1
            break
        if len(v) > 1 and v[0] == "-" and w.is_static:
            if v in spec.stop or v.split("=", 1)[0] in spec.stop:
                return []
            i += 2 if v in spec.takes_value else 1
            continue
        if spec.assignments and w.is_static and _is_assignment_text(v):
            eq = w.raw.find("=")
            if eq > 0:
                vs = w.span.start + eq + 1
                val_raw = w.raw[eq + 1 :]
                val, static = _unquote_value(val_raw)
                assigns.append(
                    Assignment(
                        v.split("=", 1)[0],
                        ShWord(val_raw, val, Span(vs, w.span.end), static),
                        w.span,
                    )
                )
            i += 1
            continue
        break
    i += spec.skip
    if i >= n:
        return []
    nw = args[i]
    v = nw.value
    base = v.rsplit("/", 1)[-1] if "/" in v else v
    wrapped = _command(
        base or v,
        v,
        nw,
        args[i + 1 :],
        Span(nw.span.start, max(nw.span.start, cmd.span.end)),
        tuple(assigns),
        cmd.redirects,
        cmd.pipeline_index,
        cmd.connector_before,
        cmd.name,
        cmd.via_shell,
    )
    return [wrapped, *_unwrap(wrapped, depth + 1)]


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox-sh"})
_SHELL_LONG_WITH_VALUE = frozenset({"--rcfile", "--init-file"})
_SHELL_C_NAMES = _SHELLS | {"su", "runuser"}  # the commands _shell_c_word looks into
# the commands ``_Builder.finish`` looks into
_UNPACKED = frozenset(_SHELL_C_NAMES | _WRAPPERS.keys())


def _shell_c_word(cmd: Command) -> ShWord | None:
    """The script word of ``sh -c 'script'`` / ``su -c 'script'``, if any."""
    if cmd.name in ("su", "runuser"):
        args = cmd.args
        for i, w in enumerate(args):
            if w.value in ("-c", "--command") and i + 1 < len(args):
                return args[i + 1]
            if w.value.startswith("--command="):
                return None  # attached form: positions would need a sub-word
        return None
    if cmd.name not in _SHELLS:
        return None
    args = cmd.args
    n = len(args)
    i = 0
    has_c = False
    while i < n:
        w = args[i]
        v = w.value
        if v == "--":
            i += 1
            break
        if len(v) > 1 and v[0] in "-+" and w.is_static:
            if v.startswith("--"):
                i += 2 if v in _SHELL_LONG_WITH_VALUE else 1
                continue
            letters = v[1:]
            if v[0] == "-" and "c" in letters:
                has_c = True
            i += 2 if ("o" in letters or "O" in letters) else 1
            continue
        break
    if not has_c or i >= n:
        return None
    return args[i]


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _collect_errors(root: tree_sitter.Node, b: _Builder) -> tuple[Span, ...]:
    if not root.has_error:
        return ()
    out: list[Span] = []
    stack = [root]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            out.append(b.span(n))
            if n.is_missing:
                continue
        for ch in n.children:
            if ch.has_error or ch.is_missing:
                stack.append(ch)
    out.sort(key=lambda s: (s.start, s.end))
    return tuple(out)


# (compiled by the first script that needs it, in ``re``'s cache: most never do)
_HEREDOC_MARKER = r"""(?<!<)<<(?!<)-?[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|\\?([^\s;&|<>()'"]+))"""


def _heredoc_terminators(script: str) -> str | None:
    """Empty heredoc bodies for a RUN line whose bodies the Dockerfile parser
    keeps apart (``RUN cat <<EOF | sh``), or None if there is no marker."""
    names = [
        m.group(1) if m.group(1) is not None else m.group(2) or m.group(3)
        for m in re.finditer(_HEREDOC_MARKER, script)
    ]
    if not names:
        return None
    return "\n" + "\n".join(names) + "\n"


# tree-sitter-bash 0.25 can read out of bounds (and crash the process) when a
# `{` is followed by a 4-byte UTF-8 character (tree-sitter/tree-sitter-bash#337).
# We never hand it one: every astral character (and any lone surrogate) is
# replaced by a BMP letter before parsing.  The substitution is one code point
# for one, so code-point positions are unchanged, and words are always sliced
# from the original text.  (The pattern is compiled by the first script that
# has one, in ``re``'s cache.)
_UNSAFE_CHARS = "[\U00010000-\U0010ffff\ud800-\udfff]"
_PLACEHOLDER = "\u4e00"


def _parsable(script: str) -> tuple[str, bytes]:
    """The text handed to tree-sitter and its UTF-8 bytes."""
    if script.isascii():
        return script, script.encode("ascii")
    text = script if max(script) < "\ud800" else re.sub(_UNSAFE_CHARS, _PLACEHOLDER, script)
    return text, text.encode("utf-8")


def _parse_tree(src: bytes) -> tree_sitter.Tree:
    with _PARSER_LOCK:
        return _parser().parse(src)


def syntax_tree(script: str) -> tree_sitter.Tree:
    """tree-sitter-bash's tree of ``script``, for callers that need its
    structure (statements, lists, groups) rather than the command view.
    Non-ASCII characters may be replaced by placeholders of another width:
    use node kinds and ASCII text, not byte offsets."""
    return _parse_tree(_parsable(script)[1])


def _build(script: str, shell_nesting: int) -> ShellScript:
    text, src = _parsable(script)
    tree = _parse_tree(src)
    root = tree.root_node
    if root.has_error and "<<" in script:
        # A RUN command line with its heredoc bodies cut off: parse it again
        # with empty bodies appended, and keep that parse if it is clean and
        # every position stays inside the original text.
        tail = _heredoc_terminators(script)
        if tail is not None:
            alt = _build_from(script + tail, shell_nesting, None)
            if not alt.errors and _within(alt, len(script)):
                return ShellScript(script=script, commands=alt.commands, has_pipe=alt.has_pipe)
    return _build_from(script, shell_nesting, (text, src, tree))


def _within(sh: ShellScript, n: int) -> bool:
    for c in sh.commands:
        if c.span.end > n:
            return False
        for r in c.redirects:
            if r.span.end > n or (r.target is not None and r.target.span.end > n):
                return False
    return True


def _build_from(
    script: str, shell_nesting: int, parsed: tuple[str, bytes, tree_sitter.Tree] | None
) -> ShellScript:
    if parsed is None:
        text, src = _parsable(script)
        tree = _parse_tree(src)
    else:
        text, src, tree = parsed
    root = tree.root_node
    b = _Builder(script, src, text)
    b.container(root, None, None, 0)
    commands = tuple(b.finish(shell_nesting))
    return ShellScript(
        script=script,
        commands=commands,
        has_pipe=b.has_pipe,
        errors=_collect_errors(root, b) if root.has_error else (),
    )

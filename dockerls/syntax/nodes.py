"""The syntax tree: frozen, slotted, lossless, positioned nodes.

Every position inside a node is a code-point offset **relative to the start of
the node's own item** (an item always starts at column 0 of a line).  The
:class:`~dockerls.syntax.parser.Parse` keeps the absolute start offset and line
of every item, so an edit shifts later items without rebuilding them.  That is
what lets the incremental reparse reuse node objects unchanged, and lets rule
results and serialised diagnostics be cached per node.

Nothing here knows about LSP or the file system.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from enum import Enum
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

_T = TypeVar("_T")


def writes_slots(cls: type[_T]) -> type[_T]:
    """Give a frozen slotted dataclass a constructor that fills its slots by plain
    assignment.  The ``__init__`` that ``dataclass`` makes writes every field with
    ``object.__setattr__`` (a frozen class refuses plain assignment), and calling each
    slot's descriptor costs nearly as much; a cold parse builds ~10 nodes per instruction.
    The generated ``__new__`` fills an instance of an unfrozen class with the very same
    slots (assignments the interpreter specialises), then makes it an instance of ``cls``
    (``__class__`` assignment, allowed between classes of one layout): frozen from then
    on.  The same parameters and defaults (the source is made from the fields, as
    ``dataclass`` makes its own); ``__reduce__`` rebuilds a node from its fields (pickle
    and ``copy`` would call ``__new__`` without them).  ``maker(cls)`` is the same
    constructor as a plain function (positional arguments, no ``type.__call__``): what the
    parser's hot paths call."""
    slots = cls.__dict__["__slots__"]
    builder = type(f"_{cls.__name__}Builder", cls.__bases__, {"__slots__": slots})
    namespace: dict[str, object] = {"_new": object.__new__, "_builder": builder, "_cls": cls}
    params: list[str] = []
    names: list[str] = []
    for f in fields(cls):  # type: ignore[arg-type]
        if not f.init or f.kw_only or f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields")
        names.append(f.name)
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    writes = "".join(f"    self.{name} = {name}\n" for name in names)
    values = "".join(f"self.{name}, " for name in names)
    exec(
        f"def __new__(cls, {', '.join(params)}):\n"
        f"    self = _new(_builder)\n{writes}    self.__class__ = cls\n    return self\n"
        f"def __reduce__(self):\n    return self.__class__, ({values})\n"
        f"def make({', '.join(params)}):\n"
        f"    self = _new(_builder)\n{writes}    self.__class__ = _cls\n    return self\n",
        namespace,
    )
    for name in ("__new__", "__reduce__", "make"):
        namespace[name].__qualname__ = f"{cls.__qualname__}.{name}"  # type: ignore[attr-defined]
    type.__setattr__(cls, "__new__", staticmethod(namespace["__new__"]))  # type: ignore[arg-type]
    type.__setattr__(cls, "__init__", object.__init__)  # __new__ did it all
    type.__setattr__(cls, "__reduce__", namespace["__reduce__"])
    _MAKERS[cls] = namespace["make"]  # type: ignore[assignment]
    return cls


_MAKERS: dict[type, Callable[..., object]] = {}


def maker(cls: type[_T]) -> Callable[..., _T]:
    """The plain-function constructor of a node class (``writes_slots``)."""
    return _MAKERS[cls]  # type: ignore[return-value]


if TYPE_CHECKING:  # type checkers see the dataclass a node class is
    from dataclasses import dataclass as node
else:

    def node(cls=None, /, *, frozen=False, eq=True, repr=True, **params):
        """A node class: ``dataclass(**params)`` with ``writes_slots``'s constructor, and the
        dataclass's equality, hash, repr and frozenness as plain functions over the fields
        (``_value_methods``).  ``dataclass`` would compile each of those, and its
        ``__init__`` that ``writes_slots`` replaces, per class at import: most of what
        making a class cost."""
        if cls is None:
            return partial(node, frozen=frozen, eq=eq, repr=repr, **params)
        made = dataclass(cls, init=False, repr=False, eq=False, **params)
        return writes_slots(_value_methods(made, frozen=frozen, eq=eq, repr=repr))


def _value_methods(
    cls: type[_T], *, frozen: bool, eq: bool, repr: bool = True, read_through: bool = False
) -> type[_T]:
    """Give a dataclass made with ``repr=False, eq=False`` (and not frozen) the methods
    ``dataclass(frozen=frozen, eq=eq)`` would compile for it, as plain functions: the same
    repr (the fields with ``repr=True``), ``==`` by the values of the fields with
    ``compare=True`` (a class's own instances only), ``hash`` of their tuple when ``eq`` and
    ``frozen`` (else by identity) and, when ``frozen``, assignment and deletion refused with
    ``FrozenInstanceError``.  A method the class defines itself is kept.  With
    ``read_through``, a field ``_x`` is read (and shown) as the class's property ``x``: see
    :func:`read_through_properties`."""
    shown = [f for f in fields(cls) if f.repr]  # type: ignore[arg-type]
    compared = [f for f in fields(cls) if f.compare]  # type: ignore[arg-type]
    names = tuple(f.name.lstrip("_") if read_through else f.name for f in shown)
    values = _reader(tuple(f.name.lstrip("_") if read_through else f.name for f in compared))
    listed = _reader(names)
    methods: dict[str, Callable[..., object]] = {}

    def __repr__(self: object) -> str:
        text = ", ".join([f"{n}={v!r}" for n, v in zip(names, listed(self), strict=True)])
        return f"{self.__class__.__qualname__}({text})"

    if repr:
        methods["__repr__"] = __repr__
    if eq:

        def __eq__(self: object, other: object) -> object:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return values(self) == values(other)

        methods["__eq__"] = __eq__
        if frozen:

            def __hash__(self: object) -> int:
                return hash(values(self))

            methods["__hash__"] = __hash__
        elif "__hash__" not in vars(cls):
            type.__setattr__(cls, "__hash__", None)  # as dataclass: unhashable
    if frozen:

        def __setattr__(self: object, name: str, value: object) -> None:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self: object, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete field {name!r}")

        methods["__setattr__"] = __setattr__
        methods["__delattr__"] = __delattr__
    for name, method in methods.items():
        if name in vars(cls):
            continue  # as dataclass: a method the class writes itself is kept
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        type.__setattr__(cls, name, method)
    return cls


def _reader(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """The tuple of the attributes ``names`` of an object."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda _obj: ()


def read_through_properties(cls: type[_T]) -> type[_T]:
    """Equality, hash and repr for a frozen node class some of whose fields are worked out
    when first read (the shell view's ``ShWord`` and ``Command``): a field ``_x`` is read
    through the class's property ``x`` (the constructor's parameter of that place), so a
    value equals, hashes and shows as one built with everything given.  Apply it over
    ``node(frozen=True, eq=False, repr=False, ...)``; pickling keeps the fields as stored (what is not
    worked out yet stays so)."""
    return _value_methods(cls, frozen=True, eq=True, read_through=True)


@node(frozen=True, slots=True)
class Span:
    """A half-open ``[start, end)`` range of code-point offsets."""

    start: int
    end: int

    def shift(self, by: int) -> Span:
        return Span(self.start + by, self.end + by)

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end

    def __len__(self) -> int:
        return self.end - self.start


_new_span: Callable[[int, int], Span] = maker(Span)


@node(frozen=True, slots=True)
class SyntaxIssue:
    """A syntax problem found while parsing, with a relative span."""

    code: str
    message: str
    span: Span
    severity: str = "error"  # "error" | "warning" | "info" | "hint"


@node(frozen=True, slots=True)
class Word:
    """One argument word.

    ``value`` is the word as BuildKit's parser keeps it (quotes and escapes
    as written, continuations removed); ``span`` covers it in the source.
    """

    value: str
    span: Span


@node(frozen=True, slots=True)
class Flag:
    """A ``--name[=value]`` flag.  ``raw`` is BuildKit's flag string."""

    raw: str
    name: str
    value: str | None
    span: Span
    name_span: Span
    value_span: Span | None


@node(frozen=True, slots=True)
class Heredoc:
    """A heredoc opened by ``<<NAME`` (or ``<<-NAME``, ``<<"NAME"``)."""

    name: str
    marker_span: Span  # the whole ``<<-"NAME"`` word
    name_span: Span  # the delimiter name inside the marker (quotes excluded)
    body_span: Span  # the body lines, terminator excluded
    terminator_span: Span | None  # the terminator line's text, None if unterminated
    content: str  # body text as BuildKit keeps it
    chomp: bool  # ``<<-``
    expand: bool  # False when the delimiter was quoted
    fd: int


class WeakReferable:
    """A base giving slotted dataclasses a ``__weakref__`` slot (``weakref_slot`` needs
    Python 3.11): nodes, parses and ShellCheck jobs are keys of weak per-node caches."""

    __slots__ = ("__weakref__",)


class ItemKind(Enum):
    BLANK = "blank"
    COMMENT = "comment"
    DIRECTIVE = "directive"
    INSTRUCTION = "instruction"


@node(frozen=True, slots=True)
class Blank(WeakReferable):
    """One or more whitespace-only lines."""

    text: str
    kind: ItemKind = ItemKind.BLANK


@node(frozen=True, slots=True)
class Comment(WeakReferable):
    """One ``#`` comment line (leading whitespace allowed).

    ``body`` is the text after ``#`` with surrounding whitespace removed; pragma
    parsing (``# hadolint ignore=``) works on it.
    """

    text: str
    body: str
    body_span: Span
    kind: ItemKind = ItemKind.COMMENT


@node(frozen=True, slots=True)
class Directive(WeakReferable):
    """A parser directive line at the top of the file (``# escape=` ``)."""

    text: str
    name: str  # lower-cased directive name
    name_as_written: str
    value: str
    name_span: Span
    value_span: Span
    known: bool  # one of syntax, escape, check
    kind: ItemKind = ItemKind.DIRECTIVE


@node(frozen=True, slots=True, eq=False)
class Instruction(WeakReferable):
    """One logical instruction: its first line, continuation lines (with any
    comment or blank lines between them) and heredoc bodies.

    ``keyword`` is as written, ``name`` is upper-cased.  ``values`` and
    ``json`` reproduce BuildKit's parse of the instruction exactly (they are
    what the differential tests compare); ``words`` are the argument words
    with positions (read from ``args`` when first asked for: the lint never
    asks for most RUNs', the longest); ``json_items`` the exec-form elements
    with their decoded string values when ``json`` is true.

    ``logical`` is the instruction line with continuations joined exactly as
    BuildKit joins it; ``seg_logical``/``seg_source`` map each joined segment
    back to the source.  Any span in the logical line maps back with
    :meth:`source_span`.  For ONBUILD, ``sub`` shares the item's coordinates
    and ``logical`` line.

    An instruction compares and hashes by identity: nodes are cache keys on the
    keystroke path, and a value hash of a whole instruction costs too much.
    ``same_as`` (``same_item``) compares values (the reparse tests do).
    """

    text: str
    keyword: str
    name: str
    keyword_span: Span
    flags: tuple[Flag, ...]
    args: str  # BuildKit's ``rest`` after flags, trimmed (logical text)
    args_span: Span | None  # source span of ``args``
    args_start: int  # index of ``args`` inside ``logical``
    # ``words``, or the escape character to read them with until they are asked for
    words_or_escape: tuple[Word, ...] | str
    values: tuple[str, ...]
    json: bool
    json_items: tuple[Word, ...]
    heredocs: tuple[Heredoc, ...]
    sub: Instruction | None  # the trigger of ONBUILD
    issues: tuple[SyntaxIssue, ...]
    logical: str
    seg_logical: tuple[int, ...]  # logical index where each source segment starts
    seg_source: tuple[int, ...]  # relative source offset of each segment
    line_count: int
    empty_continuation_lines: tuple[Span, ...]  # spans of blank lines inside continuations
    inner_comments: tuple[Span, ...]  # comment lines inside continuations
    kind: ItemKind = field(default=ItemKind.INSTRUCTION)

    @property
    def words(self) -> tuple[Word, ...]:
        """The argument words, with their source spans."""
        words = self.words_or_escape
        if isinstance(words, str):
            from dockerls.syntax.parser import read_words  # the parser builds nodes

            words = read_words(self.args, self.args_start, self, words)
            _SET_INSTRUCTION_WORDS(self, words)  # once: the same value every time
        return words

    def same_as(self, other: object) -> bool:
        """Equal in value: every field, ``sub`` included (``==`` is identity)."""
        return same_item(self, other)

    def source_span(self, start: int, end: int) -> Span:
        """Map ``logical[start:end]`` back to a relative source span."""
        return _source_span(self.seg_logical, self.seg_source, len(self.text), start, end)

    @property
    def source_map(self) -> SourceMap:
        """The logical -> source mapping alone, for values derived from this node that must
        not keep it alive (cached shell scripts, ShellCheck jobs)."""
        return SourceMap(self.seg_logical, self.seg_source, len(self.text))

    @property
    def first_line_end(self) -> int:
        nl = self.text.find("\n")
        return len(self.text) if nl < 0 else nl


_SET_INSTRUCTION_WORDS = getattr(Instruction, "words_or_escape").__set__  # noqa: B009  # the slot

Item = Blank | Comment | Directive | Instruction


def same_item(a: object, b: object) -> bool:
    """Equal in value: instructions field by field (their ``==`` is identity), other
    items (and anything else) by ``==``."""
    if not isinstance(a, Instruction) or not isinstance(b, Instruction):
        return not isinstance(a, Instruction) and not isinstance(b, Instruction) and a == b
    if a is b:
        return True
    for f in fields(Instruction):
        name = "words" if f.name == "words_or_escape" else f.name  # read or not: the words
        x, y = getattr(a, name), getattr(b, name)
        if name == "sub":
            if not (x is None and y is None) and not same_item(x, y):
                return False
        elif x != y:
            return False
    return True


def same_items(a: Sequence[object], b: Sequence[object]) -> bool:
    """Two item sequences equal in value (``same_item`` pairwise)."""
    return len(a) == len(b) and all(same_item(x, y) for x, y in zip(a, b, strict=True))


@node(frozen=True, slots=True)
class SourceMap:
    """An instruction's logical line -> source mapping, without the instruction."""

    seg_logical: tuple[int, ...]
    seg_source: tuple[int, ...]
    length: int  # len(text) of the instruction

    def offset(self, i: int) -> int:
        return _source_offset(self.seg_logical, self.seg_source, self.length, i)

    def span(self, start: int, end: int) -> Span:
        segs = self.seg_logical
        if len(segs) == 1:  # ``_source_span``'s constant shift, without its call (a hot path)
            d = self.seg_source[0] - segs[0]
            return _new_span(start + d, (end if end > start else start) + d)
        return _source_span(segs, self.seg_source, self.length, start, end)


def _source_offset(segs: tuple[int, ...], sources: tuple[int, ...], length: int, i: int) -> int:
    if not segs:
        return length
    k = bisect_right(segs, i) - 1
    if k < 0:
        k = 0
    return sources[k] + (i - segs[k])


def _source_span(
    segs: tuple[int, ...], sources: tuple[int, ...], length: int, start: int, end: int
) -> Span:
    """``_source_offset`` of ``start`` and, past the character before ``end``, of the end
    (inline: rules and the parser map many spans)."""
    if len(segs) == 1:  # one segment (most instructions): a constant shift
        d = sources[0] - segs[0]
        return _new_span(start + d, (end if end > start else start) + d)
    if not segs:
        return _new_span(length, length if end <= start else length + 1)
    k = bisect_right(segs, start) - 1
    if k < 0:
        k = 0
    a = sources[k] + (start - segs[k])
    if end <= start:
        return _new_span(a, a)
    z = end - 1
    k = bisect_right(segs, z) - 1
    if k < 0:
        k = 0
    return _new_span(a, sources[k] + (z - segs[k]) + 1)

"""The semantic model of a Dockerfile: stages, ARG/ENV scopes, SHELL, USER,
WORKDIR, and variable resolution.

Built from a :class:`~dockerls.syntax.parser.Parse` in one pass.  Stage
objects are reused between versions when a stage's items are the very same
nodes and the global facts they read did not change, so stage-scoped rule
results can be cached on them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from dockerls.analysis.facts import NO_FACTS, Facts
from dockerls.analysis.options import NO_OPTIONS, RuleOptions
from dockerls.analysis.pragmas import PragmaKind, parse_pragma
from dockerls.syntax.identity_cache import per_node
from dockerls.syntax.imageref import ImageRef, parse_image_ref
from dockerls.syntax.nodes import Comment, Instruction, Item, Span
from dockerls.syntax.parser import Parse, parse_words
from dockerls.syntax.parser import unquote as _unquote
from dockerls.syntax.sized_cache import sized_cache

if TYPE_CHECKING:
    from dockerls.analysis.baseimage import Located
    from dockerls.analysis.buildview import BuildView
    from dockerls.analysis.imagetags import ImageRelease

Shell = tuple[str, ...]
DEFAULT_SHELL: Shell = ("/bin/sh", "-c")
WINDOWS_SHELL: tuple[str, ...] = ("cmd", "/S", "/C")

# BuildKit's automatic platform ARGs (usable in FROM without declaring them,
# and inside a stage after a bare ``ARG NAME``).
PLATFORM_ARGS = frozenset(
    {
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETSTAGE",
    }
)
PROXY_ARGS = frozenset(
    {
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "FTP_PROXY",
        "ftp_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
    }
)


class Definition(NamedTuple):
    """One ARG or ENV variable definition."""

    kind: str  # "ARG" | "ENV"
    name: str
    value: str | None  # raw value as written (quotes kept), None for bare ARG
    item: int  # index in Parse.items
    name_span: Span  # relative to the item
    value_span: Span | None


@per_node(8192)
def definitions_of(
    inst: Instruction,
) -> tuple[tuple[str, str, str | None, Span, Span | None], ...]:
    """(kind, name, raw value, name span, value span) for each variable an ARG/ENV defines
    (kept per node)."""
    out: list[tuple[str, str, str | None, Span, Span | None]] = []
    if inst.name == "ARG":
        for w in inst.words:
            eq = w.value.find("=")
            if eq < 0:
                out.append(("ARG", w.value, None, w.span, None))
            else:
                name = w.value[:eq]
                ns = Span(w.span.start, w.span.start + len(name))
                vs = Span(ns.end + 1, w.span.end)
                out.append(("ARG", name, w.value[eq + 1 :], ns, vs))
    elif inst.name == "ENV":
        words = inst.words
        if words and "=" not in words[0].value:
            # legacy ``ENV key value`` form
            first = words[0]
            value = inst.values[1] if len(inst.values) > 1 else ""
            legacy_vs = Span(words[1].span.start, words[-1].span.end) if len(words) > 1 else None
            out.append(("ENV", first.value, value, first.span, legacy_vs))
        else:
            for w in words:
                eq = w.value.find("=")
                if eq < 0:
                    continue
                name = w.value[:eq]
                ns = Span(w.span.start, w.span.start + len(name))
                vs = Span(ns.end + 1, w.span.end)
                out.append(("ENV", name, w.value[eq + 1 :], ns, vs))
    return tuple(out)


_VAR_RE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)((?::?[-+?])[^}]*|[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


class VarRef(NamedTuple):
    """A ``$NAME`` or ``${NAME...}`` reference inside some text."""

    name: str
    start: int  # indices into the text scanned
    end: int
    name_start: int
    modifier: str  # "", ":-", "-", ":+", "+", ":?", "?", or other text
    operand: str


_SPECIAL = {esc: re.compile("[" + re.escape(esc) + "'\"$]") for esc in ("\\", "`")}


def var_refs(text: str, escape: str = "\\") -> tuple[VarRef, ...]:
    """Variable references in ``text``, skipping escaped ``$`` and single-quoted
    parts (as BuildKit's word expansion does)."""
    if "$" not in text:
        return ()
    return _var_refs(text, escape)


@sized_cache(1_000_000)
def _var_refs(text: str, escape: str) -> tuple[VarRef, ...]:
    out: list[VarRef] = []
    special = _SPECIAL.get(escape) or re.compile("[" + re.escape(escape) + "'\"$]")
    n = len(text)
    in_single = False
    in_double = False
    m_next = special.search(text, 0)
    while m_next is not None:
        i = m_next.start()
        ch = text[i]
        if ch == escape and i + 1 < n and not in_single:
            m_next = special.search(text, i + 2)
            continue
        if ch == "'" and not in_double:
            in_single = not in_single
        elif ch == '"' and not in_single:
            in_double = not in_double
        elif ch == "$" and not in_single:
            m = _VAR_RE.match(text, i)
            if m is not None:
                if m.group(3) is not None:
                    out.append(VarRef(m.group(3), m.start(), m.end(), m.start(3), "", ""))
                else:
                    rest = m.group(2) or ""
                    mod = ""
                    for cand in (":-", ":+", ":?", "-", "+", "?"):
                        if rest.startswith(cand):
                            mod = cand
                            break
                    if not mod and rest:
                        mod = rest
                        operand = ""
                    else:
                        operand = rest[len(mod) :]
                    out.append(VarRef(m.group(1), m.start(), m.end(), m.start(1), mod, operand))
                m_next = special.search(text, m.end())
                continue
        m_next = special.search(text, i + 1)
    return tuple(out)


def may_reference(inst: Instruction) -> bool:
    """Whether a word or flag value of ``inst`` may hold a ``$`` reference: its text has a
    ``$``, or a JSON escape that could spell one (a cheap test before :func:`var_refs`)."""
    text = inst.text
    return "$" in text or (inst.json and "\\u" in text)


def expand(text: str, env: Mapping[str, str | None], escape: str = "\\") -> str:
    """Expand ``$VAR`` / ``${VAR:-d}`` / ``${VAR:+a}`` with ``env`` (None =
    declared without value).  Unknown variables expand to the empty string."""
    refs = var_refs(text, escape)
    if not refs:
        return text
    out: list[str] = []
    last = 0
    for r in refs:
        out.append(text[last : r.start])
        val = env.get(r.name)
        is_set = r.name in env and val is not None
        if r.modifier in (":-",):
            out.append(val if is_set and val else expand(r.operand, env, escape))
        elif r.modifier == "-":
            out.append(val if r.name in env and val is not None else expand(r.operand, env, escape))
        elif r.modifier == ":+":
            out.append(expand(r.operand, env, escape) if is_set and val else "")
        elif r.modifier == "+":
            out.append(expand(r.operand, env, escape) if is_set else "")
        else:
            out.append(val or "")
        last = r.end
    out.append(text[last:])
    return "".join(out)


@dataclass(eq=False)
class Stage:
    """One build stage: its FROM and the items up to the next FROM."""

    index: int  # 0-based stage number
    first: int  # item index of the FROM
    end: int  # item index after the last item of the stage
    from_inst: Instruction
    name: str | None  # alias after AS, as written
    name_span: Span | None  # relative to the FROM item
    image: str  # the image word as written
    image_span: Span | None
    image_ref: ImageRef | None  # None when empty
    platform: str | None  # --platform value
    base_stage: int | None  # index of the earlier stage it builds on
    items: tuple[Item, ...]  # Parse.items[first:end]
    is_last: bool = False
    # memos, computed once per Stage object (a stage's items never change): definitions(),
    # the instructions and the instructions by name
    _definitions: list[Definition] | None = field(default=None, init=False, repr=False)
    _instructions: tuple[tuple[int, Instruction], ...] | None = field(
        default=None, init=False, repr=False
    )
    _by_name: dict[str, tuple[tuple[int, Instruction], ...]] | None = field(
        default=None, init=False, repr=False
    )
    # what its COPY/ADD --from and RUN --mount=from= name (buildview._stage_sources)
    sources_memo: tuple[list[int], list[str]] | None = field(default=None, init=False, repr=False)

    @property
    def instructions(self) -> tuple[tuple[int, Instruction], ...]:
        """(item index, instruction) for each instruction of the stage, in order."""
        found = self._instructions
        if found is None:
            first = self.first
            found = self._instructions = tuple(
                (first + k, it) for k, it in enumerate(self.items) if isinstance(it, Instruction)
            )
        return found

    @property
    def names(self) -> frozenset[str]:
        """The names of the stage's instructions, ONBUILD triggers' included."""
        index = self._index()
        subs = [inst.sub.name for _i, inst in index.get("ONBUILD", ()) if inst.sub is not None]
        return frozenset((*index, *subs))

    def _index(self) -> dict[str, tuple[tuple[int, Instruction], ...]]:
        index = self._by_name
        if index is None:
            grouped: dict[str, list[tuple[int, Instruction]]] = {}
            for pair in self.instructions:
                grouped.setdefault(pair[1].name, []).append(pair)
            index = self._by_name = {k: tuple(v) for k, v in grouped.items()}
        return index

    def by_name(self, *names: str) -> tuple[tuple[int, Instruction], ...]:
        """The instructions named one of ``names`` (ONBUILD triggers are not unwrapped), in order."""
        index = self._by_name
        if index is None:
            index = self._index()
        if len(names) == 1:
            return index.get(names[0], ())
        found = [pair for name in set(names) for pair in index.get(name, ())]
        found.sort()  # by item index: no two pairs share one
        return tuple(found)

    def definitions(self) -> list[Definition]:
        """The stage's ARG/ENV definitions (computed once per Stage object:
        its items never change)."""
        if self._definitions is not None:
            return self._definitions
        out: list[Definition] = []
        for idx, inst in self.instructions:
            target = inst.sub if inst.name == "ONBUILD" else inst
            if target is None or target.name not in ("ARG", "ENV") or inst.name == "ONBUILD":
                continue
            for kind, name, value, ns, vs in definitions_of(inst):
                out.append(Definition(kind, name, value, idx, ns, vs))
        self._definitions = out
        return out

    def defined_before(self, names: set[str]) -> Callable[[int], set[str]]:
        """``names`` joined, as a walk through the stage goes, by what the stage's own
        ARG/ENV define: ``before(idx)`` adds those of the items before ``idx`` (asked in
        item order) and returns the set."""
        own = self.definitions()
        seen = 0  # own[:seen] are in ``names``

        def before(idx: int) -> set[str]:
            nonlocal seen
            while seen < len(own) and own[seen].item < idx:
                names.add(own[seen].name)
                seen += 1
            return names

        return before

    def shells(self) -> list[tuple[int, tuple[str, ...]]]:
        """(item index, shell) for each SHELL instruction (exec form only)."""
        return [(i, inst.values) for i, inst in self.by_name("SHELL") if inst.json and inst.values]


@dataclass(eq=False)
class Model:
    """The semantic model of a parse: stages, global ARGs, escape, options and facts."""

    parse: Parse
    stages: list[Stage]
    global_args: list[Definition]  # ARGs before the first FROM
    preamble: list[int]  # item indices of instructions before the first FROM
    escape: str
    # rule options from the settings (trusted registries, label schema, ...)
    options: RuleOptions = NO_OPTIONS
    # outside facts (build context, registry, ShellCheck), set by the engine
    facts: Facts = NO_FACTS
    # whether most instruction keywords are lowercase (set by the engine)
    lower_majority: bool = False
    # memos, computed once per model: per stage index its shell steps (shell_steps) and the
    # shell in force where it starts (stage_shell); the stages' first items (stage_of); the
    # stages others build on (built_upon); each stage's parent stage (parent_stage)
    _shells: dict[int, list[tuple[int, Instruction, Shell]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _stage_shells: dict[int, Shell] = field(default_factory=dict, init=False, repr=False)
    _firsts: list[int] | None = field(default=None, init=False, repr=False)
    _built_upon: frozenset[int] | None = field(default=None, init=False, repr=False)
    _parents: list[int | None] | None = field(default=None, init=False, repr=False)
    # lower-cased stage name -> first stage index (_first_named)
    _names: dict[str, int] | None = field(default=None, init=False, repr=False)
    # the global ARGs' default values (_global_env)
    _genv: dict[str, str | None] | None = field(default=None, init=False, repr=False)
    # per builds object: the build views (buildview.build_views) and, per stage index, the
    # base images (baseimage.base_images)
    build_views_memo: tuple[object, tuple[BuildView, ...]] | None = field(
        default=None, init=False, repr=False
    )
    base_images_memo: tuple[object, dict[int, tuple[Stage, list[Located]]]] | None = field(
        default=None, init=False, repr=False
    )
    # per builds and release data: per stage index what its images say (baseimage.classified)
    classified_memo: (
        tuple[object, object, dict[int, tuple[Stage, list[tuple[Located, ImageRelease]]]]] | None
    ) = field(default=None, init=False, repr=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return self.parse.items

    def shell_steps(self, stage: Stage) -> list[tuple[int, Instruction, Shell]]:
        """(item index, instruction, shell in force) for each instruction of
        ``stage``, from :func:`shell_walk` starting at :func:`stage_shell`:
        SHELL instructions, ``# hadolint shell=`` pragmas, the parent stage's
        shell and Windows images' default.  Computed once per stage of this model."""
        hit = self._shells.get(stage.index)
        if hit is None:
            hit = shell_walk(self.items, stage.first, stage.end, stage_shell(self, stage))[0]
            self._shells[stage.index] = hit
        return hit

    def keep_shell_steps(
        self, stage: Stage, shell_in: Shell, steps: list[tuple[int, Instruction, Shell]]
    ) -> None:
        """The engine's own walk of ``stage`` from the shell it starts with (the parent
        stage's, as :func:`stage_shell` finds it), kept for :meth:`shell_steps`."""
        self._stage_shells.setdefault(stage.index, shell_in)
        self._shells.setdefault(stage.index, steps)

    def start(self, item: int) -> int:
        return self.parse.starts[item]

    def stage_of(self, item: int) -> Stage | None:
        firsts = self._firsts
        if firsts is None:
            firsts = self._firsts = [st.first for st in self.stages]
        k = bisect_right(firsts, item) - 1
        if k < 0:
            return None
        st = self.stages[k]
        return st if st.first <= item < st.end else None

    def edited_stage(self, changed: tuple[int, int, int] | None) -> Stage | None:
        """The stage of this model an edit stayed inside: ``changed`` is a
        reparse's ``(first, old_end, new_end)`` against this model's parse.
        None when the edit changed the number of items, or began before the
        first FROM (the global ARGs), or reached past the stage's end."""
        if changed is None:
            return None
        first, old_end, new_end = changed
        if old_end != new_end or first >= new_end:
            return None
        st = self.stage_of(first)
        return st if st is not None and new_end <= st.end else None

    @property
    def built_upon(self) -> frozenset[int]:
        """Indices of the stages another stage is built ``FROM``."""
        if self._built_upon is None:
            self._built_upon = frozenset(
                st.base_stage
                for st in self.stages
                if st.base_stage is not None and st.base_stage != st.index
            )
        return self._built_upon

    def _first_named(self) -> dict[str, int]:
        """Lower-cased stage name -> the index of the first stage using it
        (built once per model: ``replace`` doesn't copy it)."""
        found = self._names
        if found is None:
            found = {}
            for st in self.stages:
                if st.name is not None:
                    found.setdefault(st.name.lower(), st.index)
            self._names = found
        return found

    def earlier_stage_with_name_of(self, stage: Stage) -> Stage | None:
        """An earlier stage that uses ``stage``'s name (stage names ignore case)."""
        if stage.name is None:
            return None
        k = self._first_named().get(stage.name.lower())
        return None if k is None or k >= stage.index else self.stages[k]

    def stage_named(self, name: str) -> Stage | None:
        k = self._first_named().get(name.lower())
        return None if k is None else self.stages[k]

    def derived(self, parse: Parse, stages: list[Stage]) -> Model:
        """A copy for a new parse whose stage names, bases and global ARGs
        are those of this one (the engine's keystroke path): what depends only
        on them (the parent stages) is kept, not computed again."""
        new = replace(self, parse=parse, stages=stages)
        new._parents = self._parents
        return new

    def parent_stage(self, stage: Stage) -> Stage | None:
        """The earlier stage ``stage`` is built ``FROM`` in a build with the
        default ARG values: ``FROM build-${VARIANT}`` names the stage its
        expansion with the global ARGs' defaults names.  (``base_stage`` is
        only the stage named literally, the reference renaming and links
        follow.)"""
        parents = self._parents
        if parents is None:
            parents = self._parents = [self._parent_index(st) for st in self.stages]
        k = parents[stage.index] if stage.index < len(parents) else None
        return None if k is None else self.stages[k]

    def _parent_index(self, stage: Stage) -> int | None:
        if stage.base_stage is not None:
            return stage.base_stage if stage.base_stage < stage.index else None
        if "$" not in stage.image:
            return None
        name = expand(stage.image, self._global_env(), self.escape)
        found = self.stage_named(name) if name else None
        return found.index if found is not None and found.index < stage.index else None

    def global_env(self) -> dict[str, str | None]:
        """The global ARGs' default values (a copy: the caller may change it)."""
        return dict(self._global_env())

    def _global_env(self) -> dict[str, str | None]:
        """:meth:`global_env`, computed once per model (its global ARGs never change)."""
        env = self._genv
        if env is None:
            env = {}
            for d in self.global_args:
                env[d.name] = (
                    expand(_unquote(d.value), env, self.escape) if d.value is not None else None
                )
            self._genv = env
        return env

    def env_at(self, stage: Stage, item: int) -> dict[str, str | None]:
        """Variables visible at ``item`` inside ``stage`` (ARG values are the
        declared defaults; global ARGs need a bare ``ARG NAME`` in the stage)."""
        genv = self._global_env()
        env: dict[str, str | None] = {}
        if stage.base_stage is not None:
            base = self.stages[stage.base_stage]
            for d in base.definitions():
                if d.kind == "ENV":
                    env[d.name] = expand(_unquote(d.value or ""), env, self.escape)
        for d in stage.definitions():
            if d.item >= item:
                break
            if d.kind == "ARG":
                if d.value is not None:
                    env[d.name] = expand(_unquote(d.value), env, self.escape)
                elif d.name in genv:
                    env[d.name] = genv[d.name]
                else:
                    env.setdefault(d.name, None)
            else:
                env[d.name] = expand(_unquote(d.value or ""), env, self.escape)
        return env

    def comments_above(self, item: int) -> list[tuple[int, Comment]]:
        """The run of comment lines directly above ``item`` (nearest last)."""
        out: list[tuple[int, Comment]] = []
        k = item - 1
        while k >= 0:
            it = self.parse.items[k]
            if isinstance(it, Comment):
                out.append((k, it))
                k -= 1
                continue
            break
        out.reverse()
        return out


def stage_ref_index(value: str, stage: Stage, model: Model) -> int | None:
    """Index of the stage ``--from=value`` names among the stages up to and
    including ``stage``; None when it names none of them."""
    if value.isdigit():
        n = int(value)
        return n if n <= stage.index else None
    k = model._first_named().get(value.lower())
    return k if k is not None and k <= stage.index else None


def _from_parts(inst: Instruction) -> tuple[str, Span | None, str | None, Span | None]:
    """(image, image span, alias, alias span) of a FROM."""
    words = inst.words
    if not words:
        return "", None, None, None
    image = words[0]
    alias: str | None = None
    alias_span: Span | None = None
    if len(words) >= 3 and words[1].value.lower() == "as":
        alias = words[2].value
        alias_span = words[2].span
    return image.value, image.span, alias, alias_span


@lru_cache(maxsize=4096)
def _image_ref(image: str) -> ImageRef:
    return parse_image_ref(image)


def build_model(p: Parse) -> Model:
    """Build the model.  Cheap: one scan for FROMs, per-node facts cached."""
    items = p.items
    from_idx = [
        i
        for i, it in enumerate(items[p.header :], p.header)
        if it.__class__ is Instruction and it.name == "FROM"
    ]
    first_from = from_idx[0] if from_idx else len(items)
    global_args: list[Definition] = []
    preamble: list[int] = []
    for i in range(p.header, first_from):
        it = items[i]
        if isinstance(it, Instruction):
            preamble.append(i)
            if it.name == "ARG":
                for kind, name, value, ns, vs in definitions_of(it):
                    global_args.append(Definition(kind, name, value, i, ns, vs))
    stages: list[Stage] = []
    names: dict[str, int] = {}
    for s, fi in enumerate(from_idx):
        end = from_idx[s + 1] if s + 1 < len(from_idx) else len(items)
        inst = items[fi]
        assert isinstance(inst, Instruction)
        image, image_span, alias, alias_span = _from_parts(inst)
        platform = None
        for f in inst.flags:
            if f.name == "platform":
                platform = f.value
        base_stage = names.get(image.lower()) if image else None
        ref = _image_ref(image) if image else None
        st = Stage(  # positional: Stage's fields, in order
            s,
            fi,
            end,
            inst,
            alias,
            alias_span,
            image,
            image_span,
            ref,
            platform,
            base_stage,
            items[fi:end],
            s == len(from_idx) - 1,
        )
        stages.append(st)
        if alias is not None:
            names.setdefault(alias.lower(), s)
    return Model(p, stages, global_args, preamble, p.escape)


def reparsed_model(old: Model, p: Parse) -> Model | None:
    """The model of ``p`` derived from ``old`` without a new scan, when ``p`` was
    reparsed from ``old.parse`` by an edit that kept the number of items and
    stayed inside one stage without touching a FROM: ``old`` with that stage's
    items replaced (what depends only on the FROMs is kept).  None otherwise."""
    if p.parent_id != id(old.parse) or p.escape != old.escape:
        return None
    st = old.edited_stage(p.changed)
    if st is None:
        return None
    assert p.changed is not None
    first, _old_end, new_end = p.changed
    old_items, items = old.parse.items, p.items
    for x in range(first, new_end):
        for it in (old_items[x], items[x]):
            if isinstance(it, Instruction) and it.name == "FROM":
                return None
    stages = list(old.stages)
    stages[st.index] = replace(st, items=items[st.first : st.end])
    return old.derived(p, stages)


def default_shell(model: Model) -> tuple[str, ...]:
    """The shell RUN uses before any SHELL: Windows images (as told by the
    first FROM) use cmd, the rest ``/bin/sh -c``."""
    if model.stages:
        ref = model.stages[0].image.lower()
        if "windows" in ref or "nanoserver" in ref or "servercore" in ref:
            return WINDOWS_SHELL
    return DEFAULT_SHELL


def shell_walk(
    items: Sequence[Item], first: int, end: int, shell: Shell
) -> tuple[list[tuple[int, Instruction, Shell]], Shell]:
    """The instructions of ``items[first:end]`` with the shell in force at
    each (a SHELL instruction, or a ``# hadolint shell=...`` pragma for the
    next instruction), and the shell in force after them."""
    out: list[tuple[int, Instruction, Shell]] = []
    pending: Shell | None = None
    for i in range(first, end):
        it = items[i]
        if isinstance(it, Comment):
            if "shell" in it.body:
                pr = parse_pragma(it.body)
                if pr is not None and pr.kind is PragmaKind.SHELL and pr.shell:
                    pending = (pr.shell, "-c")
            continue
        if not isinstance(it, Instruction):
            continue
        if it.name == "SHELL" and it.json and it.values:
            shell = tuple(it.values)
        if pending is not None:
            shell = pending
            pending = None
        out.append((i, it, shell))
    return out, shell


def stage_shell(model: Model, stage: Stage) -> Shell:
    """The shell in force where ``stage`` starts: the one its parent stage
    (:meth:`Model.parent_stage`, as the engine follows it) ends with, else
    the image's default (computed once per model)."""
    known = model._stage_shells
    chain: list[tuple[Stage, Stage]] = []  # (stage, its parent)
    st = stage
    parent = model.parent_stage(st)
    while st.index not in known and parent is not None:
        chain.append((st, parent))
        st = parent
        parent = model.parent_stage(st)
    shell = known.get(st.index)
    if shell is None:
        shell = known[st.index] = default_shell(model)
    items = model.parse.items
    for child, base in reversed(chain):
        shell = known[child.index] = shell_walk(items, base.first, base.end, shell)[1]
    return shell


def shell_at(model: Model, item: int) -> Shell | None:
    """The shell in force at the instruction ``items[item]`` of a stage
    (None outside the stages or for an item that is not an instruction)."""
    st = model.stage_of(item)
    if st is None:
        return None
    steps = shell_walk(model.parse.items, st.first, item + 1, stage_shell(model, st))[0]
    return steps[-1][2] if steps and steps[-1][0] == item else None


__all__ = [
    "DEFAULT_SHELL",
    "PLATFORM_ARGS",
    "PROXY_ARGS",
    "Definition",
    "Model",
    "Stage",
    "VarRef",
    "build_model",
    "default_shell",
    "definitions_of",
    "expand",
    "may_reference",
    "parse_words",
    "shell_at",
    "shell_walk",
    "stage_ref_index",
    "stage_shell",
    "var_refs",
]

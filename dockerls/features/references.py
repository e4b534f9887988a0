"""Shared entity resolution for navigation (``textDocument/references``).

An *entity* is a variable (ARG/ENV, scoped per stage; a bare ``ARG V``
inside a stage re-imports the global ``ARG V``), a stage name, or a heredoc
delimiter.  :func:`index` finds every occurrence in a document once per
:class:`Parse` and groups them into entities; ``definition``, ``highlight``,
``rename`` and ``references`` all read that index.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from lsprotocol import types as lsp

from dockerls.analysis.model import Model, Stage, default_shell, shell_walk, var_refs
from dockerls.analysis.shellview import env_var_reads
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import item_range, offset_of
from dockerls.syntax.identity_cache import IdentityCache, node_cache
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.parser import Parse
from dockerls.syntax.shellvars import ENV, SHELL, UNSURE

VARIABLE = "variable"
STAGE = "stage"
HEREDOC = "heredoc"

# instructions BuildKit does not expand; and those that run in the
# container (or a later build), where no ARG is set
_NOT_EXPANDED = frozenset({"SHELL", "MAINTAINER"})
_RUNTIME = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})

DECLARATION = "declaration"
READ = "read"
WRITE = "write"
# where an unnamed stage is (its FROM keyword), for `--from=0`: a target for
# definition and references, but nothing to rename
ANCHOR = "anchor"


@dataclass(frozen=True, slots=True)
class Occurrence:
    kind: str  # VARIABLE | STAGE | HEREDOC
    name: str
    item: int
    span: Span  # relative to the item; covers the name only
    role: str  # DECLARATION | READ | WRITE | ANCHOR


@dataclass
class Index:
    occurrences: list[Occurrence] = field(default_factory=list)
    by_item: dict[int, list[int]] = field(default_factory=dict)
    entity: list[int] = field(default_factory=list)  # occurrence -> entity id
    members: dict[int, list[int]] = field(default_factory=dict)  # entity id -> occurrences
    target: dict[int, list[int]] = field(default_factory=dict)  # occurrence -> its definitions
    # reads that may or may not be a definition's (a shell may have set the
    # variable first): (item, span of the name, that definition's occurrence)
    doubtful: list[tuple[int, Span, int]] = field(default_factory=list)

    def at(self, item: int, rel: int) -> int | None:
        """The occurrence under an item-relative offset (touching counts)."""
        touching: int | None = None
        for k in self.by_item.get(item, ()):
            sp = self.occurrences[k].span
            if sp.start <= rel < sp.end:
                return k
            if rel == sp.end and touching is None:
                touching = k
        return touching

    def same_entity(self, k: int) -> list[Occurrence]:
        return [self.occurrences[j] for j in self.members[self.entity[k]]]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _target(inst: Instruction) -> Instruction:
    return inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst


def _mount_from(flag_value: str) -> Iterator[tuple[str, int]]:
    """(value, offset in flag_value) of each ``from=`` key of a mount flag."""
    pos = 0
    for part in flag_value.split(","):
        key, eq, val = part.partition("=")
        if eq and key.strip().lower() == "from" and val:
            yield val, pos + len(key) + 1
        pos += len(part) + 1


def _heredoc_term_span(text: str, ts: Span, name: str) -> Span | None:
    line = text[ts.start : ts.end]
    k = line.find(name)
    if k < 0:
        return None
    return Span(ts.start + k, ts.start + k + len(name))


def heredoc_bodies(inst: Instruction) -> list[tuple[int, str]]:
    """(item-relative start, text) of the heredoc bodies whose ``$VAR``s refer
    to build variables: every RUN script (the shell expands them), and
    COPY/ADD bodies whose delimiter is unquoted (BuildKit expands those)."""
    tgt = _target(inst)
    out: list[tuple[int, str]] = []
    for h in tgt.heredocs:
        if tgt.name == "RUN" or h.expand:
            body = inst.text[h.body_span.start : h.body_span.end]
            if "$" in body:
                out.append((h.body_span.start, body))
    return out


class _Builder:
    def __init__(self, p: Parse, model: Model) -> None:
        self.p = p
        self.model = model
        self.idx = Index()
        self.uf = _UnionFind()
        self.node_of: list[int] = []  # occurrence -> uf node
        self.unresolved: dict[str, int] = {}
        self.stage_nodes: dict[str, int] = {}
        self.env_defs: set[int] = set()

    def add(self, occ: Occurrence) -> int:
        k = len(self.idx.occurrences)
        self.idx.occurrences.append(occ)
        self.idx.by_item.setdefault(occ.item, []).append(k)
        self.node_of.append(self.uf.add())
        return k

    def link(self, a: int, b: int) -> None:
        self.uf.union(self.node_of[a], self.node_of[b])

    def link_node(self, a: int, node: int) -> None:
        self.uf.union(self.node_of[a], node)

    # -- variables -----------------------------------------------------------
    def refs(
        self,
        item: int,
        inst: Instruction,
        visible: dict[str, int],
        shell: tuple[str, ...] = ("/bin/sh", "-c"),
    ) -> None:
        """The variable reads of one instruction, each linked to the
        definition it reads.  Only what BuildKit expands reads a build
        variable directly; a RUN's scripts read them from the environment
        (unless the script set the variable first); CMD, ENTRYPOINT,
        HEALTHCHECK and ONBUILD run later, where only ENV is left."""
        tgt = _target(inst)
        kind = tgt.name
        if kind in _NOT_EXPANDED:
            return
        env_only = inst.name == "ONBUILD" or kind in _RUNTIME
        found: list[tuple[str, Span, str]] = []
        scan = inst.logical
        if kind == "RUN" or kind in _RUNTIME:
            scan = inst.logical[: tgt.args_start]  # flags: BuildKit expands RUN --mount
        if "$" in scan:
            for r in var_refs(scan, self.p.escape):
                sp = inst.source_span(r.name_start, r.name_start + len(r.name))
                found.append((r.name, sp, ENV))
        if kind == "RUN":
            found.extend(env_var_reads(tgt, shell))
        elif kind in _RUNTIME and "$" in tgt.args:
            base = tgt.args_start
            for r in var_refs(tgt.args):
                s0 = base + r.name_start
                sp = inst.source_span(s0, s0 + len(r.name))
                # exec form: literal, unless a shell it starts reads it
                found.append((r.name, sp, UNSURE if tgt.json else ENV))
        else:
            for start, body in heredoc_bodies(inst):
                for r in var_refs(body):
                    s0 = start + r.name_start
                    found.append((r.name, Span(s0, s0 + len(r.name)), ENV))
        for name, sp, how in found:
            if how == SHELL:
                continue
            d = visible.get(name)
            if d is not None and env_only and d not in self.env_defs:
                d = None  # an ARG is gone when this runs
            if how != ENV:
                if d is not None:
                    self.idx.doubtful.append((item, sp, d))
                continue
            k = self.add(Occurrence(VARIABLE, name, item, sp, READ))
            if d is not None:
                self.link(k, d)
                self.idx.target[k] = [d]
            else:
                node = self.unresolved.get(name)
                if node is None:
                    node = self.unresolved[name] = self.uf.add()
                self.link_node(k, node)

    def defs(
        self,
        item: int,
        defs: list[tuple[str, str, bool, Span]],
        visible: dict[str, int],
        global_visible: dict[str, int] | None,
    ) -> None:
        for kind, name, has_value, ns in defs:
            prev = visible.get(name)
            imported = None
            if kind == "ARG" and not has_value and global_visible is not None:
                imported = global_visible.get(name)
            role = WRITE if prev is not None and has_value else DECLARATION
            k = self.add(Occurrence(VARIABLE, name, item, ns, role))
            if kind == "ENV":
                self.env_defs.add(k)
            if prev is not None:
                self.link(k, prev)
                if not has_value:
                    self.idx.target[k] = [prev]
            if imported is not None:
                self.link(k, imported)
                self.idx.target.setdefault(k, [imported])
            visible[name] = k

    def build(self) -> Index:
        p, model = self.p, self.model
        items = p.items
        gvis: dict[str, int] = {}
        defs_by_item: dict[int, list[tuple[str, str, bool, Span]]] = {}
        for d in model.global_args:
            defs_by_item.setdefault(d.item, []).append(
                (d.kind, d.name, d.value is not None, d.name_span)
            )
        for i in model.preamble:
            it = items[i]
            assert isinstance(it, Instruction)
            self.refs(i, it, gvis)
            self.defs(i, defs_by_item.get(i, []), gvis, None)
        names = stage_names(model)
        final_env: list[dict[str, int]] = []
        shell0 = default_shell(model)
        shells_out: list[tuple[str, ...]] = []
        for st in model.stages:
            shell_in = shell0
            if st.base_stage is not None and st.base_stage < len(shells_out):
                shell_in = shells_out[st.base_stage]
            steps, shell_out = shell_walk(items, st.first, st.end, shell_in)
            shells_out.append(shell_out)
            shell_at = {i: sh for i, _inst, sh in steps}
            sdefs: dict[int, list[tuple[str, str, bool, Span]]] = {}
            for d in st.definitions():
                sdefs.setdefault(d.item, []).append(
                    (d.kind, d.name, d.value is not None, d.name_span)
                )
            fi = st.first
            self.refs(fi, st.from_inst, gvis)
            # stage name and FROM <stage>
            if st.name and st.name_span is not None:
                k = self.add(Occurrence(STAGE, st.name, fi, st.name_span, DECLARATION))
                self.stage_link(k, st.name)
            if st.base_stage is not None and st.image_span is not None:
                k = self.add(Occurrence(STAGE, st.image, fi, st.image_span, READ))
                self.stage_link(k, st.image)
            visible: dict[str, int] = {}
            if st.base_stage is not None and st.base_stage < len(final_env):
                visible.update(final_env[st.base_stage])
            for i, inst in st.instructions:
                if i == fi:
                    continue
                self.refs(i, inst, visible, shell_at.get(i, shell_in))
                for name, span, num in _flag_stage_refs(inst, names, st.index):
                    if num is None:
                        k = self.add(Occurrence(STAGE, name, i, span, READ))
                        self.stage_link(k, name)
                        continue
                    # a stage by number: the stage's name if it has one
                    target = model.stages[num]
                    if target.name and target.name_span is not None:
                        k = self.add(Occurrence(STAGE, target.name, i, span, READ))
                        self.stage_link(k, target.name)
                        continue
                    key = f"#{num}"
                    if key not in self.stage_nodes:
                        kw = target.from_inst.keyword_span
                        a = self.add(Occurrence(STAGE, "", target.first, kw, ANCHOR))
                        self.stage_link(a, key)
                    k = self.add(Occurrence(STAGE, name, i, span, READ))
                    self.stage_link(k, key)
                self.heredocs(i, inst)
                if i in sdefs:
                    self.defs(i, sdefs[i], visible, gvis)
            final_env.append({n: k for n, k in visible.items() if k in self.env_defs})
        return self.finish()

    def stage_link(self, k: int, name: str) -> None:
        low = name.lower()
        node = self.stage_nodes.get(low)
        if node is None:
            node = self.stage_nodes[low] = self.uf.add()
        self.link_node(k, node)

    def heredocs(self, i: int, inst: Instruction) -> None:
        hds = inst.heredocs or (inst.sub.heredocs if inst.sub is not None else ())
        for h in hds:
            if not h.name:
                continue
            k = self.add(Occurrence(HEREDOC, h.name, i, h.name_span, DECLARATION))
            if h.terminator_span is not None:
                ts = _heredoc_term_span(inst.text, h.terminator_span, h.name)
                if ts is not None:
                    t = self.add(Occurrence(HEREDOC, h.name, i, ts, READ))
                    self.link(t, k)
                    self.idx.target[t] = [k]

    def finish(self) -> Index:
        idx = self.idx
        for k in range(len(idx.occurrences)):
            root = self.uf.find(self.node_of[k])
            idx.entity.append(root)
            idx.members.setdefault(root, []).append(k)
        # stage reads point at the first declaration of that name
        first_decl: dict[int, int] = {}
        for k, occ in enumerate(idx.occurrences):
            if occ.kind == STAGE and occ.role in (DECLARATION, ANCHOR):
                first_decl.setdefault(idx.entity[k], k)
        for k, occ in enumerate(idx.occurrences):
            if occ.kind == STAGE and occ.role == READ and idx.entity[k] in first_decl:
                idx.target[k] = [first_decl[idx.entity[k]]]
        return idx


# per model (weakly: it goes with the model, and its parse with it)
_CACHE: IdentityCache[Index] = node_cache(16)


def _flag_stage_refs(
    inst: Instruction, stage_names: AbstractSet[str], before: int
) -> list[tuple[str, Span, int | None]]:
    """Stages read by ``--from=`` and ``--mount=...,from=`` flags: (the value,
    its span, and for a stage given by number, such as ``--from=0``, that
    number; only stages before the ``before``-th count)."""
    out: list[tuple[str, Span, int | None]] = []

    def found(val: str, span: Span) -> None:
        if val.lower() in stage_names:
            out.append((val, span, None))
        elif val.isdigit() and val.isascii() and int(val) < before:
            out.append((val, span, int(val)))

    for f in _target(inst).flags:
        if f.value is None or f.value_span is None:
            continue
        if f.name == "from":
            found(f.value, f.value_span)
        elif f.name == "mount" and len(f.value_span) == len(f.value):
            for val, off in _mount_from(f.value):
                s = f.value_span.start + off
                found(val, Span(s, s + len(val)))
    return out


def stage_spans(model: Model) -> dict[int, list[tuple[Span, bool]]]:
    """Item -> (span, is a declaration) of every stage name written there:
    ``AS name``, ``FROM name`` and the ``--from`` flags (by name; a stage
    number is not a name).  The named-stage occurrences of :func:`index`,
    without the cost of the variables."""
    out: dict[int, list[tuple[Span, bool]]] = {}
    names = stage_names(model)
    for st in model.stages:
        for i, span, decl in stage_spans_in(st, names):
            out.setdefault(i, []).append((span, decl))
    return out


def stage_names(model: Model) -> frozenset[str]:
    """The stage names (lower case) a ``--from`` may read."""
    return frozenset(st.name.lower() for st in model.stages if st.name)


def stage_spans_in(st: Stage, names: frozenset[str]) -> list[tuple[int, Span, bool]]:
    """(item, span, is a declaration) of the stage names written in ``st``
    (see :func:`stage_spans`; ``names``: :func:`stage_names`)."""
    fi = st.first
    out: list[tuple[int, Span, bool]] = []
    if st.name and st.name_span is not None:
        out.append((fi, st.name_span, True))
    if st.base_stage is not None and st.image_span is not None:
        out.append((fi, st.image_span, False))
    if names:
        for i, inst in st.instructions:
            if i != fi and (inst.flags or (inst.sub is not None and inst.sub.flags)):
                for _name, span, num in _flag_stage_refs(inst, names, st.index):
                    if num is None:
                        out.append((i, span, False))
    return out


def index(p: Parse, model: Model) -> Index:
    """Every occurrence of every entity in the document (cached per parse)."""
    hit = _CACHE.get(model) if model.parse is p else None
    if hit is not None:
        return hit
    idx = _Builder(p, model).build()
    return _CACHE.put(model, None, idx) if model.parse is p else idx


def occurrence_at(
    p: Parse, model: Model, pos: lsp.Position, caps: ClientCaps
) -> tuple[Index, int] | None:
    """The index and the occurrence under ``pos`` (None when nothing is there)."""
    if not p.items:
        return None
    off = offset_of(p, pos, caps.encoding)
    item = p.item_at(off)
    if item < 0:
        return None
    idx = index(p, model)
    k = idx.at(item, off - p.starts[item])
    if k is None:
        return None
    return idx, k


def occ_range(p: Parse, occ: Occurrence, caps: ClientCaps) -> lsp.Range:
    return item_range(p, occ.item, occ.span.start, occ.span.end, caps.encoding)


def definitions_of(idx: Index, k: int) -> list[int]:
    """Where occurrence ``k`` is defined: follows re-imports (a bare stage
    ``ARG V`` leads on to the global ``ARG V``)."""
    occ = idx.occurrences[k]
    if k not in idx.target:
        return [] if occ.role == READ else [k]
    out: list[int] = []
    seen: set[int] = set()
    todo = list(idx.target.get(k, [k]))
    while todo:
        j = todo.pop(0)
        if j in seen:
            continue
        seen.add(j)
        out.append(j)
        o = idx.occurrences[j]
        if o.kind == VARIABLE and j in idx.target and j != k:
            todo.extend(idx.target[j])
    return out


def references(
    p: Parse,
    model: Model,
    pos: lsp.Position,
    include_declaration: bool,
    caps: ClientCaps,
    uri: str,
) -> list[lsp.Location] | None:
    found = occurrence_at(p, model, pos, caps)
    if found is None:
        return None
    idx, k = found
    return [
        lsp.Location(uri, occ_range(p, o, caps))
        for o in idx.same_entity(k)
        if include_declaration or o.role not in (DECLARATION, ANCHOR)
    ]

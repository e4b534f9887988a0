"""``textDocument/prepareRename`` and ``textDocument/rename`` for variables,
stage names and heredoc delimiters (one document)."""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types as lsp

from dockerls.analysis.model import Model, build_model
from dockerls.features.caps import ClientCaps
from dockerls.features.references import (
    DECLARATION,
    HEREDOC,
    STAGE,
    VARIABLE,
    WRITE,
    Index,
    Occurrence,
    definitions_of,
    index,
    occ_range,
    occurrence_at,
)
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.shellvars import MEANINGFUL_ENV
from dockerls.syntax.spec import predefined_arg

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# BuildKit lower-cases a stage name and accepts ``[a-z][a-z0-9-_.]*``
STAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
HEREDOC_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})


class RenameError(ValueError):
    """The new name is not acceptable; the message says why."""


def _renamable(idx: Index, k: int) -> bool:
    return any(o.role == DECLARATION for o in idx.same_entity(k))


def _meaningful(name: str) -> str | None:
    """Why a variable called ``name`` means something by its name alone."""
    if predefined_arg(name) is not None:
        return "BuildKit sets it (or passes it) by that name"
    if name in MEANINGFUL_ENV:
        return "the shell and the programs of the build read it by that name"
    return None


def _check_renamable(p: Parse, idx: Index, k: int) -> None:
    """Refuse a variable whose every reference cannot be renamed safely,
    whatever the new name."""
    occ = idx.occurrences[k]
    if occ.kind != VARIABLE:
        return
    why = _meaningful(occ.name)
    if why is not None:
        raise RenameError(f"{occ.name!r} cannot be renamed: {why}")
    member_set = set(idx.members[idx.entity[k]])
    defs = {j for j in member_set if idx.occurrences[j].role in (DECLARATION, WRITE)}
    for item, sp, d in idx.doubtful:
        if d in defs:
            line = p.lines[item] + 1 + p.items[item].text.count("\n", 0, sp.start)
            raise RenameError(
                f"${occ.name} on line {line} may read the shell's own variable "
                "rather than this one: rename by hand"
            )


def _check_variable(p: Parse, model: Model, idx: Index, k: int, new_name: str) -> None:
    why = _meaningful(new_name)
    if why is not None:
        raise RenameError(f"cannot rename to {new_name!r}: {why}")
    members = idx.same_entity(k)
    member_set = set(idx.members[idx.entity[k]])
    # the scopes the variable lives in: the global ARGs, or a stage
    scopes = {_scope(model, o.item) for o in members}
    for j, o in enumerate(idx.occurrences):
        if (
            o.kind == VARIABLE
            and o.name == new_name
            and o.role in (DECLARATION, WRITE)
            and j not in member_set
            and _scope(model, o.item) in scopes
        ):
            where = "before the first FROM" if _scope(model, o.item) < 0 else "in this stage"
            raise RenameError(f"a variable named {new_name!r} is already declared {where}")


def _scope(model: Model, item: int) -> int:
    """The stage whose variables an item sees; -1 for the global ARGs
    (before the first FROM, and in every FROM line)."""
    st = model.stage_of(item)
    return -1 if st is None or st.first == item else st.index


def prepare_rename(
    p: Parse, model: Model, pos: lsp.Position, caps: ClientCaps
) -> lsp.PrepareRenamePlaceholder | None:
    found = occurrence_at(p, model, pos, caps)
    if found is None:
        return None
    idx, k = found
    if not _renamable(idx, k):
        return None
    _check_renamable(p, idx, k)
    occ = idx.occurrences[k]
    return lsp.PrepareRenamePlaceholder(range=occ_range(p, occ, caps), placeholder=occ.name)


def validate(p: Parse, model: Model, idx: Index, k: int, new_name: str) -> None:
    occ = idx.occurrences[k]
    if occ.kind == VARIABLE:
        if not VARIABLE_NAME.match(new_name):
            raise RenameError(f"{new_name!r} is not a valid variable name")
        if new_name != occ.name:
            _check_variable(p, model, idx, k, new_name)
    elif occ.kind == STAGE:
        if not STAGE_NAME.match(new_name):
            raise RenameError(
                f"{new_name!r} is not a valid stage name (a letter, then letters, digits, '-', '_' or '.')"
            )
        if new_name.lower() in RESERVED_STAGE_NAMES:
            raise RenameError(f"{new_name!r} is a reserved name")
        others = {
            st.name.lower()
            for st in model.stages
            if st.name and st.name.lower() != occ.name.lower()
        }
        if new_name.lower() in others:
            raise RenameError(f"a stage named {new_name!r} already exists")
    elif occ.kind == HEREDOC:
        if not HEREDOC_NAME.match(new_name):
            raise RenameError(f"{new_name!r} is not a valid heredoc delimiter")
        inst = p.items[occ.item]
        if isinstance(inst, Instruction):
            hds = inst.heredocs or (inst.sub.heredocs if inst.sub is not None else ())
            for h in hds:
                body = inst.text[h.body_span.start : h.body_span.end]
                lines = [ln.rstrip("\r") for ln in body.split("\n")]
                if any((ln.lstrip("\t") if h.chomp else ln) == new_name for ln in lines):
                    raise RenameError(
                        f"a line of the heredoc body is {new_name!r}; it would end the heredoc early"
                    )


def rename(
    p: Parse, model: Model, pos: lsp.Position, new_name: str, caps: ClientCaps, uri: str
) -> lsp.WorkspaceEdit | None:
    """The edit renaming the entity at ``pos``; raises :class:`RenameError`
    for an unacceptable name."""
    found = occurrence_at(p, model, pos, caps)
    if found is None:
        return None
    idx, k = found
    if not _renamable(idx, k):
        return None
    _check_renamable(p, idx, k)
    validate(p, model, idx, k, new_name)
    members = idx.same_entity(k)
    if new_name != idx.occurrences[k].name:
        _check_unchanged(p, idx, members, new_name)
    edits = [lsp.TextEdit(occ_range(p, o, caps), new_name) for o in members]
    return lsp.WorkspaceEdit(changes={uri: edits})


def _abs(p: Parse, o: Occurrence) -> int:
    return p.starts[o.item] + o.span.start


def _resolution(
    p: Parse, idx: Index, moved: Callable[[int], int]
) -> dict[tuple[str, int], tuple[int, ...]]:
    """(kind, position) of every occurrence and doubtful read -> the positions
    of what it resolves to; positions pass through ``moved``."""
    out: dict[tuple[str, int], tuple[int, ...]] = {}
    occs = idx.occurrences
    for k, o in enumerate(occs):
        targets = tuple(sorted(moved(_abs(p, occs[j])) for j in definitions_of(idx, k)))
        same = tuple(sorted(moved(_abs(p, occs[j])) for j in idx.members[idx.entity[k]]))
        out[(o.kind, moved(_abs(p, o)))] = (*targets, -1, *same)
    for item, sp, d in idx.doubtful:
        out[("doubtful", moved(p.starts[item] + sp.start))] = (moved(_abs(p, occs[d])),)
    return out


def _check_unchanged(p: Parse, idx: Index, members: list[Occurrence], new_name: str) -> None:
    """Refuse a rename after which some reference would resolve differently
    (a name captured by another definition, a shell variable, a stage...)."""
    spans = sorted((_abs(p, o), _abs(p, o) + len(o.span)) for o in members)
    text = p.text
    parts: list[str] = []
    last = 0
    for a, b in spans:
        parts.append(text[last:a])
        parts.append(new_name)
        last = b
    parts.append(text[last:])
    new_p = parse("".join(parts))
    new_idx = index(new_p, build_model(new_p))
    starts = [a for a, _b in spans]
    deltas = [len(new_name) - (b - a) for a, b in spans]

    def moved(x: int) -> int:
        return x + sum(d for s0, d in zip(starts, deltas, strict=True) if s0 < x)

    before = _resolution(p, idx, moved)
    after = _resolution(new_p, new_idx, lambda x: x)
    if before == after:
        return
    diff = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    changed = min(pos for _kind, pos in diff)
    line = new_p.text.count("\n", 0, changed) + 1
    raise RenameError(
        f"renaming to {new_name!r} would change what line {line} refers to; choose another name"
    )

"""``textDocument/prepareRename`` and ``textDocument/rename`` for variables,
stage names and heredoc delimiters (one document)."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.references import (
    DECLARATION,
    HEREDOC,
    STAGE,
    VARIABLE,
    Index,
    index,
    occ_range,
    occurrence_at,
)
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# BuildKit lower-cases a stage name and accepts ``[a-z][a-z0-9-_.]*``
STAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
HEREDOC_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})


class RenameError(ValueError):
    """The new name is not acceptable; the message says why."""


def _renamable(idx: Index, k: int) -> bool:
    return any(o.role == DECLARATION for o in idx.same_entity(k))


def prepare_rename(
    p: Parse, model: Model, pos: lsp.Position, caps: ClientCaps
) -> lsp.PrepareRenamePlaceholder | None:
    found = occurrence_at(p, model, pos, caps)
    if found is None:
        return None
    idx, k = found
    if not _renamable(idx, k):
        return None
    occ = idx.occurrences[k]
    return lsp.PrepareRenamePlaceholder(range=occ_range(p, occ, caps), placeholder=occ.name)


def validate(p: Parse, model: Model, idx: Index, k: int, new_name: str) -> None:
    occ = idx.occurrences[k]
    members = idx.same_entity(k)
    if occ.kind == VARIABLE:
        if not VARIABLE_NAME.match(new_name):
            raise RenameError(f"{new_name!r} is not a valid variable name")
        taken = {
            o.name
            for o in index(p, model).occurrences
            if o.kind == VARIABLE and o.role == DECLARATION and o not in members
        }
        if new_name in taken and new_name != occ.name:
            raise RenameError(f"a variable named {new_name!r} is already declared")
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
    validate(p, model, idx, k, new_name)
    edits = [lsp.TextEdit(occ_range(p, o, caps), new_name) for o in idx.same_entity(k)]
    return lsp.WorkspaceEdit(changes={uri: edits})

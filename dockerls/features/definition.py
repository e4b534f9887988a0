"""``textDocument/definition``: where a variable, stage or heredoc delimiter is declared."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.references import definitions_of, occ_range, occurrence_at
from dockerls.syntax.parser import Parse


def definition(
    p: Parse, model: Model, pos: lsp.Position, caps: ClientCaps, uri: str
) -> list[lsp.Location] | None:
    found = occurrence_at(p, model, pos, caps)
    if found is None:
        return None
    idx, k = found
    targets = definitions_of(idx, k)
    if not targets:
        return None
    return [lsp.Location(uri, occ_range(p, idx.occurrences[j], caps)) for j in targets]

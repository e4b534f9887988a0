"""``textDocument/documentHighlight``: every occurrence of the entity under the cursor."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.references import READ, occ_range, occurrence_at
from dockerls.syntax.parser import Parse


def highlight(
    p: Parse, model: Model, pos: lsp.Position, caps: ClientCaps
) -> list[lsp.DocumentHighlight] | None:
    found = occurrence_at(p, model, pos, caps)
    if found is None:
        return None
    idx, k = found
    return [
        lsp.DocumentHighlight(
            occ_range(p, o, caps),
            lsp.DocumentHighlightKind.Read if o.role == READ else lsp.DocumentHighlightKind.Write,
        )
        for o in idx.same_entity(k)
    ]

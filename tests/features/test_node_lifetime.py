"""Caches of node results never keep a document's tree alive: once nothing holds a parse (its
document closed), every item, the parse and its model are collected, after linting, ShellCheck's
jobs, semantic tokens, symbols, references, hover and diagnostics ran over them, warm and after
an edit."""

from __future__ import annotations

import gc
import weakref

from lsprotocol import types as lsp

from dockerls.analysis.engine import Linter
from dockerls.analysis.model import build_model
from dockerls.analysis.shellcheck_map import jobs_for
from dockerls.features import references, semantic_tokens, symbols
from dockerls.features.caps import ClientCaps
from dockerls.features.combine_runs import continuation_indent
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json
from dockerls.features.hover import hover
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse

TEXT = """\
# syntax=docker/dockerfile:1
ARG BASE=debian:bookworm
FROM ${BASE} AS build
ENV PATH=/opt/bin:$PATH
RUN apt-get update && \\
    apt-get install -y curl && echo $PATH
RUN <<EOF
set -e
echo "$HOME"
EOF
ONBUILD RUN make
FROM build
COPY --from=build /opt /opt
CMD ["sh", "-c", "echo $PATH"]
"""


def _use(text: str) -> list[weakref.ref[object]]:
    """Run every per-node cache over a document and an edit of it; weak references to all
    the nodes, parses and models involved."""
    caps = ClientCaps(encoding="utf-16")
    linter = Linter()
    cache = DiagnosticCache()
    p = parse(text)
    refs: list[weakref.ref[object]] = []
    for q in (p, reparse(p, text.index("curl"), text.index("curl") + 4, "wget")):
        model = build_model(q)
        result = linter.lint(q)
        diagnostics_json(q, result.per_item, cache)
        jobs_for(q, model)
        semantic_tokens.semantic_tokens(q, model, caps)
        symbols.document_symbols_json(q, model, caps)
        references.index(q, model)
        continuation_indent(q)
        hover(q, model, lsp.Position(4, 2), caps)
        refs += [weakref.ref(q), weakref.ref(model), weakref.ref(result.model)]
        refs += [weakref.ref(it) for it in q.items]
        refs += [weakref.ref(it.sub) for it in q.items if isinstance(it, Instruction) and it.sub]
    return refs


def test_nothing_pins_a_closed_documents_nodes() -> None:
    refs = _use(TEXT)
    gc.collect()
    alive = [r() for r in refs if r() is not None]
    assert alive == []

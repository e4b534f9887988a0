"""Serialised diagnostics: the cached/incremental output always equals a
fresh serialisation of the same lint result."""

from __future__ import annotations

import json
import random

from dockerls.analysis.engine import Linter
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json
from dockerls.features.positions import UTF8, UTF16
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse
from tests.support import corpus_files


def test_incremental_serialisation_equals_fresh() -> None:
    files = corpus_files()[200:260]
    text = "".join(f.read_text(errors="replace") + "\n" for f in files)
    p = parse(text)
    linter = Linter()
    cache = DiagnosticCache(UTF16)
    diagnostics_json(p, linter.lint(p).per_item, cache)
    rng = random.Random(11)
    for _ in range(40):
        off = rng.randrange(p.length)
        q = reparse(p, off, off, rng.choice(["x", " ", "#", "\n", "😀"]))
        per_item = linter.lint(q).per_item
        got = diagnostics_json(q, per_item, cache)
        fresh = diagnostics_json(q, per_item, DiagnosticCache(UTF16))
        assert got == fresh
        p = q
    assert json.loads(got)  # well-formed, non-empty


def test_encoding_change_uses_a_new_cache() -> None:
    p = parse("FROM ubuntu\nRUN echo 😀 && cd /x\n")
    per_item = Linter().lint(p).per_item
    a = json.loads(diagnostics_json(p, per_item, DiagnosticCache(UTF16)))
    b = json.loads(diagnostics_json(p, per_item, DiagnosticCache(UTF8)))
    cd16 = next(d for d in a if d["code"] == "DL3003")
    cd8 = next(d for d in b if d["code"] == "DL3003")
    assert cd8["range"]["start"]["character"] == cd16["range"]["start"]["character"] + 2

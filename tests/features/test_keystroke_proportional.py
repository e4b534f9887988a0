"""A keystroke with ShellCheck's findings present costs work proportional to
the edit: the suppression runs again only for the items the edit changed, and
only their diagnostics are serialised again (counted, never timed)."""

from __future__ import annotations

import json

import pytest

from dockerls.analysis import engine
from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.shellcheck_map import ScFinding, jobs_for
from dockerls.features import diagnostics
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse

STAGE = """\
FROM debian:12 AS stage{n}
ARG VERSION=1.2.3
ENV APP_HOME=/opt/app
WORKDIR $APP_HOME
RUN apt-get update && apt-get install -y curl git
COPY requirements.txt ./
RUN pip install -r requirements.txt && curl -fsSL https://example.com/t-$VERSION.tgz | tar -xz
COPY . .
RUN cd src && make install
EXPOSE 8080
CMD ["app"]
"""
STAGES = 80


def test_one_character_edit_redoes_only_its_items(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(STAGE.format(n=n) for n in range(STAGES))
    p = parse(text)
    linter = Linter()
    model = engine.build_model(p)
    # ShellCheck's results for every script: one finding on its first word
    results = {
        job.key: (ScFinding(2086, "info", "quote this", job.text.count("\n") + 1, 1, 0, 0),)
        for job in jobs_for(p, model)
    }
    facts = Facts(shellcheck=results)
    result = linter.lint(p, model, facts)
    cache = DiagnosticCache()
    before = json.loads(diagnostics_json(p, result.per_item, cache))
    sc_items = [i for i, vs in result.per_item.items() if any(v.code == "SC2086" for v in vs)]
    assert len(sc_items) == 3 * STAGES  # every RUN has its ShellCheck finding

    kept: list[int] = []
    serialised: list[int] = []
    keep, serialise = Linter._keep, diagnostics._serialise

    def counting_keep(self: Linter, vs: object, *args: object) -> object:
        kept.append(1)
        return keep(self, vs, *args)  # type: ignore[arg-type]

    def counting_serialise(q: object, item: int, *args: object) -> bytes:
        serialised.append(item)
        return serialise(q, item, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "_keep", counting_keep)
    monkeypatch.setattr(diagnostics, "_serialise", counting_serialise)

    # one character in the middle stage's `make install` RUN
    at = text.index("make install", len(text) // 2)
    p2 = reparse(p, at, at, "g")
    result2 = linter.lint(p2, None, facts)
    after = json.loads(diagnostics_json(p2, result2.per_item, cache))

    edited = p2.items.index(next(it for it in p2.items if "gmake" in it.text))
    stage_first = edited - 8
    # the suppression ran for the edited stage's items, not for every item
    # with a ShellCheck finding
    assert len(kept) <= 11, len(kept)
    assert set(serialised) <= set(range(stage_first, stage_first + 11)), serialised
    assert edited in serialised
    # and the result is what a fresh lint of the new text gives
    fresh = Linter().lint(parse(p2.text), None, facts)
    assert after == json.loads(diagnostics_json(p2, fresh.per_item, DiagnosticCache()))
    # the edited RUN's script is new: its ShellCheck finding waits for a run
    assert len(after) == len(before) - 1


def test_whole_document_answers_after_an_edit_redo_only_its_stage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Document symbols and semantic tokens after a one-character edit: the
    edited stage is rendered and encoded again, the others are reused as they
    were (the answers equal a cold computation's)."""
    from dockerls.features import semantic_tokens as tok
    from dockerls.features import symbols as sym
    from dockerls.features.caps import ClientCaps
    from dockerls.syntax.identity_cache import clear_node_caches

    text = "".join(STAGE.format(n=n) for n in range(STAGES))
    caps = ClientCaps()
    p = parse(text)
    m = engine.build_model(p)
    sym.document_symbols_json(p, m, caps)
    tok.semantic_tokens_json(p, m, caps, "1")
    at = text.index("make install", len(text) // 2)
    p2 = reparse(p, at, at, "g")
    m2 = engine.build_model(p2)
    rendered: list[int] = []
    encoded: list[int] = []
    template, items_tokens = sym._stage_template, tok._items_tokens

    def counting_template(q: object, st: object, *args: object) -> object:
        rendered.append(1)
        return template(q, st, *args)  # type: ignore[arg-type]

    def counting_tokens(q: object, model: object, lo: int, *args: object) -> object:
        encoded.append(lo)
        return items_tokens(q, model, lo, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sym, "_stage_template", counting_template)
    monkeypatch.setattr(tok, "_items_tokens", counting_tokens)
    symbols = sym.document_symbols_json(p2, m2, caps)
    tokens, data = tok.semantic_tokens_json(p2, m2, caps, "2")
    assert len(rendered) == 1
    assert encoded == [m2.stages[STAGES // 2].first]
    monkeypatch.undo()
    clear_node_caches()
    cold = parse(p2.text)
    cold_model = engine.build_model(cold)
    assert symbols == sym.document_symbols_json(cold, cold_model, caps)
    assert (tokens, data) == tok.semantic_tokens_json(cold, cold_model, caps, "2")
    assert json.loads(tokens)["data"] == data

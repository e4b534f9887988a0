"""How a document's lint meets its outside facts (``Snapshot.lint_with``)."""

from __future__ import annotations

import datetime as dt

import pytest
from lsprotocol import types as lsp

from dockerls import documents
from dockerls.analysis import engine
from dockerls.analysis.engine import Linter
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.model import Model
from dockerls.documents import DocumentStore, Snapshot
from dockerls.lifecycle_store import shipped_snapshot

TEXT = "".join(
    f"FROM python:3.{7 + i % 5}-slim AS s{i}\nRUN pip install flask\nCOPY . /app\n"
    for i in range(12)
)
URI = "file:///work/Dockerfile"


@pytest.fixture
def segments(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The stages (and preamble) each lint runs its rules on."""
    seen: list[object] = []
    real = Linter._lint_segment

    def counted(self: Linter, *args: object) -> object:
        seen.append(args[4])  # the stage
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "_lint_segment", counted)
    return seen


def test_a_new_document_is_linted_once_with_the_facts_it_meets(segments: list[object]) -> None:
    """The first publish knows lifecycle facts the snapshot lacked: every stage is
    linted once, with them (DLS301 judged), not once without and again with."""
    store = DocumentStore()
    snap = store.open(URI, TEXT, 1)
    lifecycle = LifecycleFacts(shipped_snapshot(), dt.date(2026, 12, 5))
    result = snap.lint_with(lambda model: snap.facts.with_lifecycle(lifecycle))
    stages = [s for s in segments if s is not None]
    assert len(stages) == len(result.model.stages) == 12
    codes = {v.code for vs in result.per_item.values() for v in vs}
    assert "DLS301" in codes  # python:3.7 and 3.8 ended before that day


def test_an_edit_derives_its_model_and_lints_one_stage(
    segments: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keystroke's lint derives the model from the last one (no full model build) and
    lints the edited stage alone."""
    store = DocumentStore()
    snap = store.open(URI, TEXT, 1)
    snap.lint_with(lambda model: snap.facts)
    segments.clear()
    at = TEXT.index("flask", len(TEXT) // 2)
    line = TEXT.count("\n", 0, at)
    col = at - TEXT.rfind("\n", 0, at) - 1
    pos = lsp.Position(line, col)
    change = lsp.TextDocumentContentChangePartial(range=lsp.Range(pos, pos), text="x")
    edited = store.change(URI, 2, [change])
    assert isinstance(edited, Snapshot)
    models: list[Model] = []
    built: list[object] = []
    for module in (documents, engine):
        real = module.build_model
        monkeypatch.setattr(module, "build_model", lambda p, real=real: built.append(p) or real(p))

    def facts_of(model: Model) -> object:
        models.append(model)
        return edited.facts

    edited.lint_with(facts_of)  # type: ignore[arg-type]
    assert len([s for s in segments if s is not None]) == 1
    assert models and not built

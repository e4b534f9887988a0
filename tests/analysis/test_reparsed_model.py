"""A keystroke's model is derived from the last one (``reparsed_model``) when
the edit stays inside one stage and touches no FROM, and it is then the model
a fresh scan gives; the document store uses it instead of scanning again."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from dockerls import documents
from dockerls.analysis.model import Model, build_model, reparsed_model
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse

SRC = """ARG BASE=debian:12
FROM $BASE AS base
ENV HOME_DIR=/opt
RUN echo "$HOME_DIR"
SHELL ["/bin/bash", "-c"]
FROM base AS build
ARG VERSION=1
RUN make VERSION=$VERSION
FROM alpine
COPY --from=build /out /out
"""


def _shape(model: Model) -> list[object]:
    return [
        (
            st.index,
            st.first,
            st.end,
            st.name,
            st.image,
            st.base_stage,
            [it.text for it in st.items],
            st.is_last,
            [(d.kind, d.name, d.value, d.item) for d in st.definitions()],
            None if model.parent_stage(st) is None else model.parent_stage(st).index,  # type: ignore[union-attr]
        )
        for st in model.stages
    ] + [model.preamble, [(d.name, d.value) for d in model.global_args]]


@pytest.mark.parametrize(
    ("needle", "replacement", "derived"),
    [
        ("/opt", "/srv", True),  # an ENV value
        ("make VERSION", "gmake VERSION", True),  # a RUN
        ("VERSION=1", "VERSION=2", True),  # a stage's ARG
        ("SHELL", "RUN echo", True),  # an instruction turned into another
        ("AS build", "AS builder", False),  # a FROM
        ("debian:12", "debian:13", False),  # a global ARG
        ("/out /out", "/out /out\nRUN true", False),  # an item more
    ],
)
def test_derived_model_equals_a_fresh_one(needle: str, replacement: str, derived: bool) -> None:
    p = parse(SRC)
    old = build_model(p)
    at = SRC.index(needle)
    p2 = reparse(p, at, at + len(needle), replacement)
    model = reparsed_model(old, p2)
    assert (model is not None) == derived
    if model is not None:
        assert model.parse is p2
        assert _shape(model) == _shape(build_model(parse(p2.text)))
    assert reparsed_model(old, parse(p2.text)) is None  # not derived from the old parse


def test_a_keystroke_does_not_scan_the_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    store = documents.DocumentStore()
    snap = store.open("file:///w/Dockerfile", SRC, 1)
    first = snap.model
    scans: list[object] = []
    monkeypatch.setattr(documents, "build_model", lambda p: scans.append(p) or build_model(p))
    at = lsp.Position(line=7, character=0)
    change = lsp.TextDocumentContentChangePartial(range=lsp.Range(at, at), text="#")
    new = store.change(snap.uri, 2, [change])
    assert new is not None
    assert new.model is not first and new.model.parse is new.parse
    assert scans == []
    assert _shape(new.model) == _shape(build_model(parse(new.text)))


@pytest.mark.parametrize(
    ("needle", "replacement", "stage"),
    [
        ("/opt", "/srv", 0),  # inside the first stage
        ("make VERSION", "gmake VERSION", 1),
        ("/out /out", "/in /out", 2),  # the last item
        ("AS build", "AS builder", 1),  # a FROM is its stage's first item
        ("debian:12", "debian:13", None),  # before the first FROM: the global ARGs
        ("/out /out", "/out /out\nRUN true", None),  # an item more
        ('"$HOME_DIR"\nSHELL', '"$HOME_DIR"\nRUN', 0),  # two items of one stage
        ('["/bin/bash", "-c"]\nFROM base', '["sh"]\nFROM base', None),  # across two stages
    ],
)
def test_the_edited_stage_is_found_once_for_every_keystroke_path(
    needle: str, replacement: str, stage: int | None
) -> None:
    """``Model.edited_stage``: the stage the engine, the model and ShellCheck's
    jobs redo after an edit, or None when the edit leaves a single stage."""
    p = parse(SRC)
    old = build_model(p)
    at = SRC.index(needle)
    p2 = reparse(p, at, at + len(needle), replacement)
    found = old.edited_stage(p2.changed)
    assert (None if found is None else found.index) == stage
    assert old.edited_stage(None) is None

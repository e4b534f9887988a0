"""Stages built FROM a stage named through a global ARG (issue 16 item 11).

``FROM build-${VARIANT}`` builds on the stage the ARG's default names; rules
that follow the chain (DL3045's WORKDIR) and the engine's per-stage caches
must agree on it, also after edits that take the keystroke fast path.
"""

from __future__ import annotations

from dockerls.analysis.engine import Linter
from dockerls.analysis.model import build_model
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse

SRC = """ARG VARIANT=alpine
FROM golang:1.22-alpine AS build-alpine
RUN true
FROM golang:1.22 AS build-debian
WORKDIR /src
FROM build-${VARIANT} AS build
COPY . .
"""


def _codes(text: str, linter: Linter | None = None) -> list[tuple[int, str]]:
    res = (linter or Linter()).lint(parse(text))
    return sorted((i, v.code) for i, v in res.all() if v.code == "DL3045")


def test_parent_follows_the_global_arg_default() -> None:
    model = build_model(parse(SRC))
    last = model.stages[-1]
    assert last.base_stage is None  # not named literally: rename leaves it alone
    parent = model.parent_stage(last)
    assert parent is not None and parent.name == "build-alpine"
    debian = build_model(parse(SRC.replace("VARIANT=alpine", "VARIANT=debian")))
    found = debian.parent_stage(debian.stages[-1])
    assert found is not None and found.name == "build-debian"
    unknown = build_model(parse(SRC.replace("VARIANT=alpine", "VARIANT")))
    assert unknown.parent_stage(unknown.stages[-1]) is None


def test_workdir_of_the_resolved_parent_counts() -> None:
    assert _codes(SRC) == [(6, "DL3045")]
    assert _codes(SRC.replace("VARIANT=alpine", "VARIANT=debian")) == []


def test_editing_the_parent_stage_relints_its_children() -> None:
    linter = Linter()
    p = parse(SRC)
    first = [(i, v.code) for i, v in linter.lint(p).all() if v.code == "DL3045"]
    assert first == [(6, "DL3045")]
    at = SRC.index("RUN true")
    p2 = reparse(p, at, at + len("RUN true"), "WORKDIR /app")
    again = [(i, v.code) for i, v in linter.lint(p2).all() if v.code == "DL3045"]
    assert again == []
    assert again == _codes(p2.text)

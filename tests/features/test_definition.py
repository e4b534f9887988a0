"""Go to definition."""

from __future__ import annotations

from dockerls.features.caps import ClientCaps
from dockerls.features.definition import definition
from tests.features.helpers import parsed, range_from_str

URI = "file:///w/Dockerfile"


def check(src: str) -> list[tuple[int, int]] | None:
    p, m, pos = parsed(src)
    out = definition(p, m, pos, ClientCaps(), URI)
    if out is None:
        return None
    assert all(loc.uri == URI for loc in out)
    return [(loc.range.start.line, loc.range.start.character) for loc in out]


def test_env_use_goes_to_latest_definition() -> None:
    assert check("FROM a\nENV X=1\nENV X=2\nRUN echo $$0X\n") == [(2, 4)]


def test_definition_is_scoped_before_use() -> None:
    # ENV X=$X reads the previous X, not itself
    assert check("FROM a\nENV X=1\nENV X=$$0X:2\n") == [(1, 4)]


def test_stage_arg_reimport_leads_to_global() -> None:
    src = "ARG V=1\nFROM a\nARG V\nRUN echo $$0V\n"
    assert check(src) == [(2, 4), (0, 4)]
    assert check("ARG V=1\nFROM a\nARG $0V\n") == [(0, 4)]


def test_from_variable_uses_global_arg() -> None:
    assert check("ARG TAG=1\nFROM node:${T$0AG}\n") == [(0, 4)]


def test_base_stage_env_is_visible() -> None:
    assert check("FROM a AS base\nENV P=/x\nFROM base\nRUN ls $$0P\n") == [(1, 4)]


def test_stage_references() -> None:
    text = "FROM a AS build\nFROM b\nCOPY --from=build /x /y\n"
    p, m, pos = parsed("FROM a AS build\nFROM b\nCOPY --from=bu$0ild /x /y\n")
    out = definition(p, m, pos, ClientCaps(), URI)
    assert out is not None and [loc.range for loc in out] == [range_from_str(text, "build")]
    assert check("FROM a AS build\nFROM bu$0ild\n") == [(0, 10)]
    assert check("FROM a AS build\nFROM b\nRUN --mount=from=bu$0ild,target=/x true\n") == [(0, 10)]


def test_heredoc_terminator_goes_to_marker() -> None:
    assert check("FROM a\nRUN <<EOF\nx\nE$0OF\n") == [(1, 6)]


def test_undefined_variable_has_no_definition() -> None:
    assert check("FROM a\nRUN echo $HO$0ME\n") is None


def test_out_of_range_positions() -> None:
    p, m, _ = parsed("FROM a\n$0")
    from lsprotocol import types as lsp

    assert definition(p, m, lsp.Position(99, 99), ClientCaps(), URI) is None


def test_stage_by_number() -> None:
    base = "FROM golang:1.22\nRUN go build\nFROM scratch AS named\nFROM alpine\n"
    # an unnamed stage: its FROM
    assert check(base + "COPY --from=$00 /a /b\n") == [(0, 0)]
    assert check(base + "RUN --mount=type=bind,from=$00,target=/x true\n") == [(0, 0)]
    # a named stage: its name
    assert check(base + "COPY --from=1$0 /c /d\n") == [(2, 16)]
    # not a stage before this one: nothing
    assert check(base + "COPY --from=3$0 /e /f\n") is None
    assert check(base + "COPY --from=9$0 /e /f\n") is None

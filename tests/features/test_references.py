"""Entity resolution: variables (stage scope, global re-imports), stages, heredocs."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.references import references
from tests.features.helpers import parsed, range_from_str

URI = "file:///w/Dockerfile"
CAPS = ClientCaps()

SRC = """ARG V=1
FROM alpine:$V AS build
ARG V
RUN echo $V '$V' \\$V
FROM build AS two
RUN echo ${V:-x}
COPY --from=build /a /b
RUN --mount=type=cache,from=build,target=/c true
"""


def refs(src: str, include: bool = True) -> list[lsp.Range] | None:
    p, m, pos = parsed(src)
    out = references(p, m, pos, include, CAPS, URI)
    return None if out is None else [loc.range for loc in out]


def test_global_arg_used_in_from_and_reimported_in_stage() -> None:
    text = SRC
    got = refs(text.replace("ARG V=1", "ARG $0V=1"))
    # the global, its use in FROM, the stage re-import and the stage use;
    # not the quoted/escaped ones, and not the $V of stage two (ARGs are not inherited)
    assert got == [
        range_from_str(text, "V", 0),
        range_from_str(text, "V", 1),
        range_from_str(text, "V", 2),
        range_from_str(text, "V", 3),
    ]


def test_variable_in_other_stage_is_a_different_entity() -> None:
    text = SRC
    start = range_from_str(text, "V:-x").start
    got = refs(text.replace("${V:-x}", "${$0V:-x}"))
    assert got == [lsp.Range(start, lsp.Position(start.line, start.character + 1))]


def test_exclude_declaration() -> None:
    text = "FROM a\nENV X=1\nRUN echo $X\n"
    got = refs(text.replace("$X", "$$0X"), include=False)
    assert got == [range_from_str(text, "X", 1)]


def test_stage_name_everywhere() -> None:
    text = SRC
    got = refs(text.replace("AS build", "AS bu$0ild"))
    assert got is not None and len(got) == 4
    assert got[0] == range_from_str(text, "build", 0)
    assert range_from_str(text, "build", 1) in got  # FROM build
    assert range_from_str(text, "build", 2) in got  # --from=build
    assert range_from_str(text, "build", 3) in got  # mount from=build


def test_stage_names_are_case_insensitive() -> None:
    text = "FROM a AS Base\nFROM base\n"
    got = refs("FROM a AS Base\nFROM ba$0se\n")
    assert got == [range_from_str(text, "Base"), range_from_str(text, "base")]


def test_heredoc_delimiter_and_terminator() -> None:
    text = "FROM a\nRUN <<EOT\necho EOT-ish\nEOT\n"
    got = refs("FROM a\nRUN <<E$0OT\necho EOT-ish\nEOT\n")
    assert got == [range_from_str(text, "EOT", 0), range_from_str(text, "EOT", 2)]


def test_nothing_under_cursor() -> None:
    assert refs("FROM a\nRUN ec$0ho hi\n") is None
    assert refs("$0") is None


def test_continuation_lines_map_back() -> None:
    text = "FROM a\nENV LONG=1\nRUN echo \\\n    $LONG\n"
    got = refs("FROM a\nENV LONG=1\nRUN echo \\\n    $LO$0NG\n")
    assert got == [range_from_str(text, "LONG", 0), range_from_str(text, "LONG", 1)]


def test_utf8_positions() -> None:
    caps = ClientCaps(encoding="utf-8")
    text = "FROM a\nENV É=1 X=2\nRUN echo é $X\n"
    p, m, pos = parsed("FROM a\nENV É=1 X=2\nRUN echo é $$0X\n", encoding="utf-8")
    out = references(p, m, pos, True, caps, URI)
    assert out is not None
    assert [loc.range for loc in out] == [
        range_from_str(text, "X", 0, encoding="utf-8"),
        range_from_str(text, "X", 1, encoding="utf-8"),
    ]


def test_unnamed_stage_by_number() -> None:
    text = "FROM a\nFROM b\nCOPY --from=0 /x /y\nRUN --mount=type=bind,from=0,target=/m true\n"
    src = text.replace("--from=0", "--from=0$0")
    uses = [
        lsp.Range(lsp.Position(2, 12), lsp.Position(2, 13)),
        lsp.Range(lsp.Position(3, 27), lsp.Position(3, 28)),
    ]
    # the stage's FROM stands in for a declaration
    assert refs(src) == [lsp.Range(lsp.Position(0, 0), lsp.Position(0, 4)), *uses]
    assert refs(src, include=False) == uses

"""Formatting: document, range, on type; settings; idempotence."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from dockerls.features.caps import ClientCaps
from dockerls.features.formatting import (
    FormatOptions,
    format_document,
    format_document_json,
    format_on_type,
    format_range,
    format_range_json,
    format_text,
    options,
)
from dockerls.settings import FormatSettings
from tests.features.helpers import parsed

SPACES4 = lsp.FormattingOptions(tab_size=4, insert_spaces=True)
TABS = lsp.FormattingOptions(tab_size=4, insert_spaces=False)


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    lines = text.split("\n")
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        assert e.range.start.line == e.range.end.line
        ln = lines[e.range.start.line]
        lines[e.range.start.line] = (
            ln[: e.range.start.character] + e.new_text + ln[e.range.end.character :]
        )
    return "\n".join(lines)


def fmt(
    src: str, settings: FormatSettings | None = None, fo: lsp.FormattingOptions = SPACES4
) -> str:
    p, m, _ = parsed(src + "$0")
    edits = format_document(p, m, fo, settings or FormatSettings(), ClientCaps())
    out = apply(p.text, edits)
    # idempotent
    p2, m2, _ = parsed(out + "$0")
    assert format_document(p2, m2, fo, settings or FormatSettings(), ClientCaps()) == []
    return out


def test_keywords_and_spacing() -> None:
    src = "  from   node:20   as   build\nrun   --mount=type=cache,target=/x    --network=none   echo hi   \n"
    assert (
        fmt(src)
        == "FROM node:20 AS build\nRUN --mount=type=cache,target=/x --network=none echo hi\n"
    )


def test_lowercase_kept_when_setting_is_off() -> None:
    assert fmt("from  a\nrun x\n", FormatSettings(uppercase_keywords=False)) == "from a\nrun x\n"


def test_continuation_indent_follows_editor_options() -> None:
    src = "FROM a\nRUN a \\\n  && b \\\n  && c\n"
    assert fmt(src) == "FROM a\nRUN a \\\n    && b \\\n    && c\n"
    assert fmt(src, fo=TABS) == "FROM a\nRUN a \\\n\t&& b \\\n\t&& c\n"
    assert fmt(src, FormatSettings(continuation_indent=2)) == src


def test_nested_indentation_kept_or_flattened() -> None:
    src = "FROM a\nRUN if x; then \\\n  y; \\\n      z; \\\n  fi\n"
    assert fmt(src) == "FROM a\nRUN if x; then \\\n    y; \\\n        z; \\\n    fi\n"
    flat = FormatSettings(keep_nested_indentation=False)
    assert fmt(src, flat) == "FROM a\nRUN if x; then \\\n    y; \\\n    z; \\\n    fi\n"


def test_nested_tabs_become_units() -> None:
    src = "FROM a\nRUN if x; then \\\n\ty; \\\n\t\tz; \\\n\tfi\n"
    assert fmt(src) == "FROM a\nRUN if x; then \\\n    y; \\\n        z; \\\n    fi\n"
    assert fmt(src, fo=TABS) == src


def test_quotes_heredocs_and_comments_untouched() -> None:
    src = (
        "FROM a\n"
        'RUN echo "a   \\\n'
        '   b" && \\\n'
        "# a comment   \n"
        "  c\n"
        "RUN cat <<EOF   \n"
        "  keep   this   \n"
        "EOF\n"
        "#   top comment   \n"
    )
    assert fmt(src) == (
        "FROM a\n"
        'RUN echo "a   \\\n'
        '   b" && \\\n'
        "# a comment   \n"
        "    c\n"
        "RUN cat <<EOF\n"
        "  keep   this   \n"
        "EOF\n"
        "#   top comment   \n"
    )


def test_whitespace_inside_values_is_kept() -> None:
    # the generated and corpus-wide proof is tests/syntax/test_format_oracle.py
    assert (
        fmt("FROM a\nENV MSG hello \\\n      world\n") == "FROM a\nENV MSG hello \\\n      world\n"
    )
    src = 'FROM a\nSHELL ["cmd", "/S", "/C"]\nRUN echo a \\\n      b\n'
    assert fmt(src) == src


def test_blanks_before_a_legacy_value_are_indentation() -> None:
    # ``ENV KEY value``: the blanks between key and value are not part of it
    assert fmt("FROM a\nENV MSG \\\n  hello   world\n") == "FROM a\nENV MSG \\\n    hello   world\n"


def test_never_splits_a_word() -> None:
    # "x\<newline>y" joins into "xy": no indentation may be added there
    src = "FROM a\nENV A=x\\\ny\n"
    assert fmt(src) == src


def test_json_normalisation() -> None:
    on = FormatSettings(normalize_json=True)
    assert fmt('FROM a\nCMD [ "a" ,"b",  "c" ]\n', on) == 'FROM a\nCMD ["a", "b", "c"]\n'
    assert fmt('FROM a\nCMD [ "a" ,"b"]\n') == 'FROM a\nCMD [ "a" ,"b"]\n'


def test_onbuild_and_trailing_escape_blanks() -> None:
    assert fmt("FROM a\nonbuild   run   x \\  \n  y\n") == "FROM a\nONBUILD RUN x \\\n    y\n"


def test_escape_directive() -> None:
    src = "# escape=`\nFROM a\nrun dir `\n  c:\\\n"
    assert fmt(src) == "# escape=`\nFROM a\nRUN dir `\n    c:\\\n"


def test_range_formatting_touches_only_the_range() -> None:
    p, m, _ = parsed("from a\nrun x\nrun y\n$0")
    rng = lsp.Range(lsp.Position(1, 0), lsp.Position(1, 3))
    edits = format_range(p, m, rng, SPACES4, FormatSettings(), ClientCaps())
    assert apply(p.text, edits) == "from a\nRUN x\nrun y\n"


def test_range_formatting_inside_a_continued_instruction() -> None:
    src = "from a\nrun   a \\\n  b \\\n  c \\\n  d\nrun   e\n"
    p, m, _ = parsed(src + "$0")
    for first, last, end_char in [(2, 3, 5), (2, 4, 0), (0, 0, 3), (3, 3, 0), (1, 1, 4)]:
        rng = lsp.Range(lsp.Position(first, 0), lsp.Position(last, end_char))
        edits = format_range(p, m, rng, SPACES4, FormatSettings(), ClientCaps())
        touched = {e.range.start.line for e in edits} | {e.range.end.line for e in edits}
        covered = set(range(first, last if end_char == 0 and last > first else last + 1))
        assert touched and touched <= covered, (first, last, edits)
        # each changed line reads as the whole-document formatting has it
        full = fmt(src).split("\n")
        out = apply(p.text, edits).split("\n")
        assert [out[i] for i in covered] == [full[i] for i in covered]


@pytest.mark.parametrize(
    ("src", "want"),
    [
        # a blank new line: the indentation of the line above
        ("FROM a\nRUN a \\\n  b \\\n$0\n", "FROM a\nRUN a \\\n    b \\\n    \n"),
        ("FROM a\nRUN a \\\n$0\n  && b\n", "FROM a\nRUN a \\\n    \n  && b\n"),
        # the editor indented it (or Enter split a line): formatted like the rest
        (
            "FROM a\nRUN a \\\n  b \\\n  $0c \\\n  d\n",
            "FROM a\nRUN a \\\n    b \\\n    c \\\n  d\n",
        ),
        ("FROM a\nRUN a && \\\n$0b && \\\n  c\n", "FROM a\nRUN a && \\\n    b && \\\n  c\n"),
        ("FROM a\nRUN a \\\n\tb \\\n\t$0\n\tc\n", "FROM a\nRUN a \\\n    b \\\n    \n\tc\n"),
    ],
)
def test_on_type_changes_only_the_ended_and_the_new_line(src: str, want: str) -> None:
    p, m, pos = parsed(src)
    edits = format_on_type(p, m, pos, "\n", SPACES4, FormatSettings(), ClientCaps())
    assert {e.range.start.line for e in edits} <= {pos.line - 1, pos.line}
    assert apply(p.text, edits) == want


def test_on_type_indents_a_new_continuation_line() -> None:
    p, m, pos = parsed("FROM a\nRUN apt-get update && \\\n$0\n")
    edits = format_on_type(p, m, pos, "\n", SPACES4, FormatSettings(), ClientCaps())
    assert apply(p.text, edits) == "FROM a\nRUN apt-get update && \\\n    \n"


def test_on_type_formats_the_finished_instruction() -> None:
    p, m, pos = parsed("FROM a\nrun   x\n$0")
    edits = format_on_type(p, m, pos, "\n", SPACES4, FormatSettings(), ClientCaps())
    assert apply(p.text, edits) == "FROM a\nRUN x\n"


@pytest.mark.parametrize(
    ("settings", "fo", "unit"),
    [
        (FormatSettings(), SPACES4, "    "),
        (FormatSettings(), lsp.FormattingOptions(tab_size=2, insert_spaces=True), "  "),
        (FormatSettings(), TABS, "\t"),
        (FormatSettings(continuation_indent="tab"), SPACES4, "\t"),
        (FormatSettings(continuation_indent=3), TABS, "   "),
    ],
)
def test_options(settings: FormatSettings, fo: lsp.FormattingOptions, unit: str) -> None:
    assert options(settings, fo).unit == unit


def test_format_text_matches_edits() -> None:
    src = "from a as b\nrun x \\\n y\n"
    assert format_text(src, FormatOptions()) == fmt(src)


def test_crlf_and_unterminated_files() -> None:
    opts = FormatOptions(unit="  ")
    assert format_text("from a\r\nrun  x \\\r\n    y\r\n", opts) == "FROM a\r\nRUN x \\\r\n  y\r\n"
    assert format_text("FROM a\nrun x \\", opts) == "FROM a\nRUN x \\"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_json_answers_equal_the_edits(encoding: str) -> None:
    src = 'from a\nrun   "é😀 \\"" \\\n  b\t\\\n \t c\\ \nlabel  x="\ud800"\n'
    p, m, _ = parsed(src + "$0")
    caps = ClientCaps(encoding=encoding)
    conv = get_converter()
    edits = format_document(p, m, SPACES4, FormatSettings(), caps)
    assert len(edits) == 4
    raw = format_document_json(p, m, SPACES4, FormatSettings(), caps)
    assert json.loads(raw) == [conv.unstructure(e) for e in edits]
    rng = lsp.Range(lsp.Position(1, 0), lsp.Position(2, 0))
    ranged = format_range(p, m, rng, SPACES4, FormatSettings(), caps)
    assert len(ranged) == 1
    raw = format_range_json(p, m, rng, SPACES4, FormatSettings(), caps)
    assert json.loads(raw) == [conv.unstructure(e) for e in ranged]

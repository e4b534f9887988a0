"""Pragmas (`# hadolint ignore=...`, `# dockerls ...`) and the `# check=` directive."""

from __future__ import annotations

import pytest

from dockerls.analysis.pragmas import (
    CodeRef,
    PragmaKind,
    parse_check_directive,
    parse_pragma,
)


def refs_text(body: str) -> list[str]:
    p = parse_pragma(body)
    assert p is not None
    return [body[r.start : r.end] for r in p.codes]


@pytest.mark.parametrize(
    ("body", "kind", "tool", "codes"),
    [
        (" hadolint ignore=DL3006,SC2046", PragmaKind.IGNORE, "hadolint", ["DL3006", "SC2046"]),
        ("hadolint ignore=DL3008, DL3009", PragmaKind.IGNORE, "hadolint", ["DL3008", "DL3009"]),
        ("hadolint ignore = DL3008 ,\tDL3009", PragmaKind.IGNORE, "hadolint", ["DL3008", "DL3009"]),
        (" hadolint global ignore=DL3006", PragmaKind.GLOBAL_IGNORE, "hadolint", ["DL3006"]),
        ("\thadolint  stage  ignore=DL3059", PragmaKind.STAGE_IGNORE, "hadolint", ["DL3059"]),
        (" dockerls ignore=StageNameCasing", PragmaKind.IGNORE, "dockerls", ["StageNameCasing"]),
        (
            " dockerls global ignore=DLS001,unknown-instruction",
            PragmaKind.GLOBAL_IGNORE,
            "dockerls",
            ["DLS001", "unknown-instruction"],
        ),
        (" hadolint ignore=DL3006 # because reasons", PragmaKind.IGNORE, "hadolint", ["DL3006"]),
    ],
)
def test_ignore_pragmas(body: str, kind: PragmaKind, tool: str, codes: list[str]) -> None:
    p = parse_pragma(body)
    assert p is not None
    assert p.kind is kind and p.tool == tool
    assert [r.code for r in p.codes] == codes
    assert refs_text(body) == codes  # offsets point at the codes
    assert p.problems == ()
    assert p.code_set == frozenset(codes)


def test_code_offsets_are_exact() -> None:
    body = " hadolint ignore=DL3008, SC2046"
    p = parse_pragma(body)
    assert p is not None
    assert p.codes == (CodeRef("DL3008", 17, 23), CodeRef("SC2046", 25, 31))


def test_shell_pragma() -> None:
    body = " hadolint shell=powershell"
    p = parse_pragma(body)
    assert p is not None
    assert p.kind is PragmaKind.SHELL and p.shell == "powershell"
    assert body[p.shell_start : p.shell_end] == "powershell"
    q = parse_pragma("hadolint shell = /bin/bash # note")
    assert q is not None and q.shell == "/bin/bash" and q.problems == ()


@pytest.mark.parametrize(
    "body",
    [
        " just a comment",
        " hadolint is a linter",
        " hadolintignore=DL3000",
        " Hadolint ignore=DL3000",
        " ignore=DL3000",
        "",
        " dockerls rocks",
    ],
)
def test_not_pragmas(body: str) -> None:
    assert parse_pragma(body) is None


def test_trailing_garbage_keeps_codes_and_reports() -> None:
    body = " hadolint ignore=DL3008 because apt"
    p = parse_pragma(body)
    assert p is not None
    assert [r.code for r in p.codes] == ["DL3008"]
    assert len(p.problems) == 1
    prob = p.problems[0]
    assert body[prob.start : prob.end] == "because apt"


def test_trailing_comma_and_empty_list() -> None:
    p = parse_pragma(" hadolint ignore=DL3008,")
    assert p is not None and [r.code for r in p.codes] == ["DL3008"]
    assert p.problems and "after ','" in p.problems[0].message
    q = parse_pragma(" hadolint ignore=")
    assert q is not None and q.codes == () and q.problems[0].message == "expected a rule code"


def test_missing_equals_and_missing_ignore() -> None:
    p = parse_pragma(" hadolint ignore DL3008")
    assert p is not None and p.codes == () and p.problems[0].message == "expected '='"
    body = " hadolint global DL3008"
    q = parse_pragma(body)
    assert q is not None and q.kind is PragmaKind.GLOBAL_IGNORE
    assert body[q.problems[0].start : q.problems[0].end] == "DL3008"


# --------------------------------------------------------------------------- # check=


def test_check_directive_full() -> None:
    value = "skip=StageNameCasing, JSONArgsRecommended;error=true;experimental=all"
    d = parse_check_directive(value)
    assert d.skip == frozenset({"StageNameCasing", "JSONArgsRecommended"})
    assert d.error is True and d.experimental == "all" and d.problems == ()
    assert [value[r.start : r.end] for r in d.skip_refs] == [
        "StageNameCasing",
        "JSONArgsRecommended",
    ]


def test_check_directive_skip_all_and_defaults() -> None:
    assert parse_check_directive("skip=all").skip == "all"
    d = parse_check_directive("  ")
    assert d.skip == frozenset() and d.error is False and d.experimental == frozenset()
    assert d.problems == ()


@pytest.mark.parametrize(
    ("text", "expected"), [("1", True), ("T", True), ("False", False), ("0", False)]
)
def test_check_directive_error_is_go_parsebool(text: str, expected: bool) -> None:
    d = parse_check_directive(f"error={text}")
    assert d.error is expected and d.problems == ()


def test_check_directive_bad_bool() -> None:
    value = "error=yes"
    d = parse_check_directive(value)
    assert d.error is False
    assert [value[p.start : p.end] for p in d.problems] == ["yes"]


def test_check_directive_unknown_key_and_missing_equals() -> None:
    value = "Skip=A;error"
    d = parse_check_directive(value)
    msgs = [p.message for p in d.problems]
    assert any("unknown check option 'Skip'" in m for m in msgs)
    assert "expected 'key=value'" in msgs
    assert value[d.problems[0].start : d.problems[0].end] == "Skip"


def test_check_directive_at_most_three_parts() -> None:
    value = "skip=A;error=true;experimental=B;skip=C"
    d = parse_check_directive(value)
    assert d.skip == frozenset({"A"})  # the fourth part is not applied
    assert d.experimental == frozenset({"B"})
    assert len(d.problems) == 1 and value[d.problems[0].start :] == ";skip=C"


def test_check_directive_rule_names_are_case_sensitive_and_empty_names_reported() -> None:
    d = parse_check_directive("skip=stagenamecasing,,StageNameCasing")
    assert d.skip == frozenset({"stagenamecasing", "StageNameCasing"})
    assert [p.message for p in d.problems] == ["empty rule name"]

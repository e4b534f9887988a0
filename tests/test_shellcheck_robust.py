"""ShellCheck over scripts it can't be given as they are: a lone surrogate
(text the CLI read with ``surrogateescape``, or an editor sent) doesn't hide
the other scripts' findings, a script whose run fails is isolated, and no
finding has an empty range."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from dockerls.analysis.model import build_model
from dockerls.analysis.shellcheck_map import jobs_for, violations_for
from dockerls.shellcheck import ShellChecker
from dockerls.syntax.parser import parse


def _codes(sc: ShellChecker, text: str) -> dict[int, list[str]]:
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    per = violations_for(p, jobs, sc.check_scripts(jobs))
    return {p.lines[i]: [v.code for v in vs] for i, vs in per.items()}


def test_a_lone_surrogate_hides_nothing() -> None:
    sc = ShellChecker()
    assert sc.available
    text = "FROM debian:12\nRUN echo \udcff $a\nRUN cd /x; make\n"
    found = _codes(sc, text)
    assert "SC2164" in found[2]  # the other RUN still reports
    assert "SC2154" in found[1] or "SC2086" in found[1]  # and so does the odd one


def test_a_failing_script_is_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = ShellChecker()
    real = subprocess.run

    def run(argv: Any, **kw: Any) -> Any:
        if b"boom" in kw.get("input", b""):
            raise ValueError("unexpected failure")
        return real(argv, **kw)

    monkeypatch.setattr(subprocess, "run", run)
    found = _codes(sc, "FROM debian:12\nRUN echo boom $b\nRUN cd /x; make\n")
    assert "SC2164" in found[2]
    assert 1 not in found


@pytest.mark.parametrize(
    ("script", "token"),
    [
        ("mkdir C:\\test_dir", "\\t"),  # SC1012: \t is a literal t
        ("echo C:\\build", "\\b"),  # SC1001: \b is a regular b
        ('icacls x /grant "A":(OI)F', "("),  # SC1036: ( is invalid here
        ("mix |do local.hex --force", "do"),  # SC1010: `do` needs a ; or a newline before
    ],
)
def test_findings_at_a_point_cover_their_token(script: str, token: str) -> None:
    sc = ShellChecker()
    text = f"FROM debian:12\nRUN {script}\n"
    p = parse(text)
    jobs = jobs_for(p, build_model(p))
    per = violations_for(p, jobs, sc.check_scripts(jobs))
    spans = [v.span for vs in per.values() for v in vs]
    assert spans
    item = p.items[1].text
    assert all(s.end > s.start for s in spans), [(s, item[s.start : s.end]) for s in spans]
    assert token in [item[s.start : s.end] for s in spans]

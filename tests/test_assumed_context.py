"""Findings that rest on an assumed build context are hints (issue 16 item 12).

With `docker build -f docker/Dockerfile .` the context is the repository
root, not the Dockerfile's folder.  Until the build is known, the folder is
only assumed: DLS120, CopyIgnoredFile and DLS102 then report a hint (below
the default failure threshold) whose message says so, and keep their usual
severity when the context was given (the `context.path` setting).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerls.analysis.dockerignore import ContextInfo
from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.rules.base import Severity, Violation
from dockerls.cli import main
from dockerls.context import ContextLoader
from dockerls.documents import DocumentStore
from dockerls.syntax.parser import parse

CASES = [
    # (code, Dockerfile, context as plain data, severity when given)
    ("DLS120", "FROM alpine:3.20\nCOPY src/app.py /app/\n", {"files": ["Dockerfile"]}, "warning"),
    (
        "CopyIgnoredFile",
        "FROM alpine:3.20\nCOPY dist/ /srv/\n",
        {"dockerignore": "dist\n", "ignore_file": "/r/.dockerignore", "files": ["dist/a"]},
        "warning",
    ),
    ("DLS102", "FROM alpine:3.20\nCOPY . /app\n", {"files": ["Dockerfile"]}, "info"),
]


def _found(
    code: str, src: str, context: dict[str, object], severity: dict[str, Severity]
) -> list[Violation]:
    facts = Facts(context=ContextInfo.from_mapping(context))
    res = Linter(config=LintConfig(severity=severity)).lint(parse(src), facts=facts)
    return [v for _i, v in res.all() if v.code == code]


@pytest.mark.parametrize(("code", "src", "context", "given"), CASES)
def test_assumed_context_gives_a_hint_that_says_so(
    code: str, src: str, context: dict[str, object], given: str
) -> None:
    [known] = _found(code, src, context, {})
    assert known.severity is Severity.parse(given)
    assert "assumed" not in known.message
    [guess] = _found(code, src, {**context, "assumed": True}, {})
    assert guess.severity is Severity.STYLE
    assert "assumed" in guess.message
    # a severity the user set still wins
    [chosen] = _found(code, src, {**context, "assumed": True}, {code: Severity.ERROR})
    assert chosen.severity is Severity.ERROR


def test_a_dockerfile_specific_ignore_file_holds_whatever_the_context() -> None:
    context = {
        "dockerignore": "dist\n",
        "ignore_file": "/r/docker/app.Dockerfile.dockerignore",
        "files": ["dist/a"],
        "assumed": True,
    }
    [v] = _found("CopyIgnoredFile", "FROM alpine:3.20\nCOPY dist/ /srv/\n", context, {})
    assert v.severity is Severity.WARNING and "assumed" not in v.message


def test_the_loader_and_the_editor_say_whether_the_context_was_given(tmp_path: Path) -> None:
    df = tmp_path / "docker" / "Dockerfile"
    df.parent.mkdir()
    df.write_text("FROM alpine:3.20\n")
    loader = ContextLoader()
    assert loader.get(df.parent, df, assumed=True).assumed
    assert not loader.get(df.parent, df).assumed
    store = DocumentStore()
    uri = df.as_uri()
    snap = store.open(uri, df.read_text(), 1)
    assert snap.facts.context is not None and snap.facts.context.assumed
    store.set_config(LintConfig(), context_dir=str(tmp_path))
    snap = store.get(uri)
    assert snap is not None and snap.facts.context is not None
    assert not snap.facts.context.assumed and snap.facts.context.root == str(tmp_path)


def test_cli_passes_on_a_dockerfile_in_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`docker build -f docker/Dockerfile .`: the CLI cannot know the context
    is the repository root, so `src/app.py` missing from `docker/` is a hint,
    and the default failure threshold passes."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print(1)\n")
    df = tmp_path / "docker" / "Dockerfile"
    df.parent.mkdir()
    df.write_text("FROM scratch\nCOPY src/app.py /app/\n")
    assert main(["check", str(df)]) == 0
    out = capsys.readouterr().out
    assert "DLS120" in out and "assumed" in out
    assert main(["check", "--failure-threshold", "style", str(df)]) == 1

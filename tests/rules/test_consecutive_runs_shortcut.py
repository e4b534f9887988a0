"""DL3059 calls a RUN simple without the shell view when its command line has no
character a second command needs (``one_command_at_most``): over the corpus, every
RUN the shortcut calls simple is simple to the shell view too."""

from __future__ import annotations

import pytest

from dockerls.analysis.rules import dl3059_consecutive_runs as dl3059
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import parse
from tests.support import corpus_files


def _runs(text: str) -> list[Instruction]:
    out = []
    for it in parse(text).items:
        if isinstance(it, Instruction):
            target = it.sub if it.name == "ONBUILD" and it.sub is not None else it
            if target.name == "RUN":
                out.append(target)
    return out


def _shell_view_simple(inst: Instruction, monkeypatch: pytest.MonkeyPatch) -> bool:
    """``_simple`` as the shell view counts, the shortcut turned off."""
    with monkeypatch.context() as m:
        m.setattr(dl3059, "one_command_at_most", lambda _inst: False)
        return dl3059._simple(inst)


def test_shortcut_agrees_with_the_shell_view_over_the_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shortcut = wrong = 0
    for path in corpus_files():
        for run in _runs(path.read_text(encoding="utf-8", errors="replace")):
            if dl3059.one_command_at_most(run):
                shortcut += 1
                wrong += not _shell_view_simple(run, monkeypatch)
    assert shortcut > 1000  # the comparison covers many RUNs
    assert wrong == 0


def test_shortcut_leaves_every_multi_command_line_to_the_shell_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [
        "a; b",
        "a && b",
        "a || b",
        "a | b",
        "a & b",
        "echo `date`",
        "echo $(date)",
        "(a; b)",
        "x=$(a) b",
        "a <(b)",
    ]
    for script in texts:
        (run,) = _runs(f"FROM a\nRUN {script}\n")
        assert not _shell_view_simple(run, monkeypatch), script  # two commands
        assert not dl3059.one_command_at_most(run), script
    (heredoc,) = _runs("FROM a\nRUN <<EOF\na\nb\nEOF\n")
    assert not dl3059.one_command_at_most(heredoc)
    (exec_form,) = _runs('FROM a\nRUN ["sh", "-c", "a"]\n')
    assert not dl3059.one_command_at_most(exec_form)
    (plain,) = _runs("FROM a\nRUN apt-get install -y \\\n    curl\n")
    assert dl3059.one_command_at_most(plain)

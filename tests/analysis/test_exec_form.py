"""Exec-form RUN read as a command line: where its spans land, and no fixes."""

from __future__ import annotations

from dockerls.analysis.engine import Linter
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.parser import parse


def _run(text: str) -> Instruction:
    it = parse(text).items[0]
    assert isinstance(it, Instruction)
    return it


def test_elements_map_back_into_their_strings() -> None:
    inst = _run('RUN ["apt-get", "install", "curl"]\n')
    (rs,) = run_scripts(inst)
    assert rs.text == "apt-get install curl"
    cmd = rs.script.commands[0]
    assert inst.text[slice(*_pair(rs.span(cmd.name_span)))] == "apt-get"
    assert inst.text[slice(*_pair(rs.span(cmd.args[-1].span)))] == "curl"
    # a span across elements covers them and what is between
    both = Span(cmd.name_span.start, cmd.args[0].span.end)
    assert inst.text[slice(*_pair(rs.span(both)))] == 'apt-get", "install'


def test_escaped_and_quoted_elements_map_to_the_whole_string() -> None:
    inst = _run('RUN ["sh", "-c", "echo \\"hi\\" | tee x"]\n')
    (rs,) = run_scripts(inst)
    assert rs.text.startswith("sh -c ")
    # the third element has escapes: any span inside it covers its whole content
    third = inst.json_items[2]
    inner = Span(third.span.start + 1, third.span.end - 1)
    assert rs.span(Span(len("sh -c '") + 2, len("sh -c '") + 4)) == inner


def test_findings_in_exec_form_carry_no_fix() -> None:
    shell_form = "FROM debian:12\nRUN apt-get install --no-install-recommends curl=1\n"
    exec_form = 'FROM debian:12\nRUN ["apt-get", "install", "--no-install-recommends", "curl=1"]\n'
    for text, fixable in ((shell_form, True), (exec_form, False)):
        res = Linter().lint(parse(text))
        dl3014 = [v for _i, v in res.all() if v.code == "DL3014"]
        assert len(dl3014) == 1
        assert (dl3014[0].fix is not None) is fixable


def _pair(s: Span) -> tuple[int, int]:
    return s.start, s.end

"""Formatting never changes what BuildKit builds.

BuildKit's own parser (the PyPI ``dockerfile`` package) reads the text before
and after formatting; every instruction must come out the same: keyword,
ONBUILD trigger, JSON form, flags, values, heredocs and lines.  Values are
compared exactly, with two exceptions that BuildKit itself treats as equal:
keyword case (and FROM's ``AS``), and a shell-form command string, which is
compared as the words the shell that runs it reads (Python's ``shlex``, with
the shell's escape character), so re-indenting a RUN's continuation lines
is allowed only where the shell sees a separator.  Where the shell in force
may be ``cmd`` or an interpreter (or is not known), the string must be equal.

Checked on the whole corpus and on generated files covering every
instruction form; formatting must also be idempotent.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

import dockerfile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerls.analysis.model import build_model, default_shell
from dockerls.features.formatting import FormatOptions, format_text
from dockerls.syntax.parser import parse
from dockerls.syntax.shell import shell_dialect
from tests.support import corpus_files

from .test_buildkit_conformance import read

OPTION_SETS = {
    "spaces2-nested-json": FormatOptions(
        unit="  ", uppercase=True, keep_nested=True, normalize_json=True
    ),
    "tab-flat": FormatOptions(unit="\t", uppercase=True, keep_nested=False),
    "none-lower": FormatOptions(unit="", uppercase=False, keep_nested=False),
}
_SHELL_FORM = frozenset({"run", "cmd", "entrypoint"})
_SPLITTING = frozenset({"posix", "powershell"})


def _shell_words(s: str, dialect: str) -> tuple[str, ...]:
    """The words a POSIX shell (or PowerShell) splits ``s`` into; an
    unterminated quote keeps the rest of the string as it is."""
    lex = shlex.shlex(s, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    if dialect == "powershell":
        lex.escape = "`"
    words: list[str] = []
    try:
        while (w := lex.get_token()) is not None:
            words.append(w)
    except ValueError:
        words.append("\0open quote:" + (lex.token or ""))
    return tuple(words)


def _dialects(text: str, cmds: Iterable[dockerfile.Command]) -> list[frozenset[str]]:
    """Per instruction: the shells that may run its shell-form command (the
    project's default-shell guess, and every SHELL before it; ONBUILD: any)."""
    seen = {shell_dialect(default_shell(build_model(parse(text))))}
    out: list[frozenset[str]] = []
    onbuild: list[int] = []
    for i, c in enumerate(cmds):
        out.append(frozenset(seen))
        cmd = (c.cmd or "").lower()
        if cmd == "onbuild":
            onbuild.append(i)
        elif cmd == "shell" and c.json and c.value:
            seen.add(shell_dialect(list(c.value)))
    for i in onbuild:
        out[i] = frozenset(seen)
    return out


def meaning(text: str) -> list[tuple[object, ...]]:
    """BuildKit's reading of ``text``, as compared before and after formatting.
    Raises ``dockerfile.GoParseError`` when BuildKit rejects the file."""
    cmds = dockerfile.parse_string(text)
    out: list[tuple[object, ...]] = []
    for c, dialects in zip(cmds, _dialects(text, cmds), strict=True):
        cmd = (c.cmd or "").lower()
        sub = c.sub_cmd.lower() if c.sub_cmd else None
        values: tuple[object, ...] = tuple(c.value)
        if cmd == "from" and len(values) >= 3 and str(values[1]).lower() == "as":
            values = (values[0], "as", *values[2:])
        run_by_shell = not c.json and (
            (sub or cmd) in _SHELL_FORM
            or (cmd == "healthcheck" and values and str(values[0]).upper() == "CMD")
        )
        if run_by_shell and dialects <= _SPLITTING:
            head = values[:1] if cmd == "healthcheck" else ()
            values = (
                *head,
                *(
                    (d, _shell_words(str(v), d))
                    for v in values[len(head) :]
                    for d in sorted(dialects)
                ),
            )
        out.append(
            (
                cmd,
                sub,
                c.json,
                tuple(c.flags),
                values,
                tuple((h.name, h.file_descriptor, h.content) for h in c.heredocs),
                c.start_line,
                c.end_line,
            )
        )
    return out


def check(text: str, opts: FormatOptions) -> tuple[str, str | None]:
    """The formatted text, and None when formatting is idempotent and keeps
    BuildKit's reading (otherwise what went wrong)."""
    formatted = format_text(text, opts)
    return formatted, _problem(text, formatted, opts)


def _problem(text: str, formatted: str, opts: FormatOptions) -> str | None:
    if format_text(formatted, opts) != formatted:
        return "not idempotent"
    try:
        before = meaning(text)
    except dockerfile.GoParseError:
        before = None
    try:
        after = meaning(formatted)
    except dockerfile.GoParseError as exc:
        return None if before is None else f"BuildKit rejects the formatted file: {exc}"
    if before is None:
        return "BuildKit accepts the formatted file but rejected the original"
    if before != after:
        if len(before) != len(after):
            return f"{len(before)} instructions became {len(after)}"
        a, b = next((a, b) for a, b in zip(before, after, strict=True) if a != b)
        return f"meaning changed:\n  before {a}\n  after  {b}"
    return None


# -- the corpus ----------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_corpus_formatting_keeps_buildkits_reading(name: str) -> None:
    opts = OPTION_SETS[name]
    files = corpus_files()
    failures: list[str] = []
    changed = 0
    for path in files:
        text = read(path)
        formatted, problem = check(text, opts)
        if problem is not None:
            failures.append(f"{path}: {problem}")
        changed += formatted != text
    assert not failures, "\n".join(failures[:10])
    assert changed > len(files) // 10  # formatting does something on the corpus


# -- generated files -------------------------------------------------------------

KEYWORDS = (
    "FROM", "RUN", "CMD", "ENTRYPOINT", "SHELL", "ENV", "LABEL", "ARG", "ADD", "COPY",
    "VOLUME", "EXPOSE", "WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER", "HEALTHCHECK",
    "ONBUILD RUN", "ONBUILD ENV", "ONBUILD COPY", "ONBUILD CMD", "HEALTHCHECK CMD",
    "HEALTHCHECK --interval=5s CMD", "NOPE",
)  # fmt: skip
FLAGS = (
    "--mount=type=cache,target=/x", "--from=build", '--chown="a b"', "--network=none",
    "--chmod=755", "--mount=type=secret,id='s  t'", "--link", "--platform=$P",
)  # fmt: skip
ATOMS = (
    "a", "b=c", "K", "x=1", '"a  b"', "'c  d'", 'e\\"f', "g\\ h", '\\"', "'", '"', "$x",
    "${y:-a  b}", "`echo  z`", "&&", "||", ";", "#", "it's", "[", "]", ",", '"q"',
    "<<EOF", '<<-"EOT"', "\\\\", "`", "C:\\dir", "@'", "\t", "  ", "=", "echo", "--",
    '["a", "b  c"]', "[ 'x' ]", "\\t", "\\`",
)  # fmt: skip
SHELLS = (
    "",
    'SHELL ["powershell", "-Command"]\n',
    'SHELL ["cmd", "/S", "/C"]\n',
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n',
    'SHELL ["python3", "-c"]\n',
)
_BLANKS = st.text(" \t", max_size=3)


@st.composite
def _break(draw: st.DrawFn, escape: str, eol: str) -> str:
    """A line continuation: blanks, the escape character, blanks, then
    comment and empty lines, and the next line's indentation."""
    out = draw(_BLANKS) + escape + draw(_BLANKS) + eol
    for extra in draw(st.lists(st.sampled_from(["# note 'x", "", "  ", "\t# c"]), max_size=2)):
        out += extra + eol
    return out + draw(_BLANKS)


@st.composite
def _instruction(draw: st.DrawFn, escape: str, eol: str) -> str:
    kw = draw(st.sampled_from(KEYWORDS))
    if draw(st.booleans()):
        kw = kw.lower()
    parts = [kw, *draw(st.lists(st.sampled_from(FLAGS), max_size=2))]
    if draw(st.integers(0, 4)) == 0:
        items = draw(
            st.lists(
                st.sampled_from(['"a"', '"b  c"', '"d\\"e"', '"f\\\\"']), min_size=1, max_size=3
            )
        )
        parts.append("[" + draw(st.sampled_from([",", ", ", " ,  "])).join(items) + "]")
    else:
        parts += draw(st.lists(st.sampled_from(ATOMS), max_size=6))
    text = ""
    for p in parts:
        text += p + draw(st.sampled_from([" ", "  ", "\t", " \t "]))
    text = text.rstrip(" \t") + draw(_BLANKS)
    # continuations anywhere: between words, inside words, inside quotes
    for pos in sorted(
        draw(st.lists(st.integers(1, len(text)), max_size=4, unique=True)), reverse=True
    ):
        text = text[:pos] + draw(_break(escape, eol)) + text[pos:]
    text += eol
    if "<<" in text and draw(st.booleans()):
        text += f"  body   {escape}{eol}\tline  {eol}EOF{eol}EOT{eol}"
    return text


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    escape = draw(st.sampled_from(["\\", "`"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    head = "# escape=`" + eol if escape == "`" else ""
    image = draw(st.sampled_from(["alpine", "mcr.microsoft.com/windows/servercore:ltsc2022"]))
    text = head + f"FROM {image}{eol}" + draw(st.sampled_from(SHELLS)).replace("\n", eol)
    for _ in range(draw(st.integers(1, 4))):
        text += draw(_instruction(escape, eol))
    return text


_OPTIONS = st.builds(
    FormatOptions,
    unit=st.sampled_from(["", " ", "  ", "    ", "\t"]),
    uppercase=st.booleans(),
    keep_nested=st.booleans(),
    normalize_json=st.booleans(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles(), _OPTIONS)
def test_generated_formatting_keeps_buildkits_reading(text: str, opts: FormatOptions) -> None:
    _formatted, problem = check(text, opts)
    assert problem is None, f"{text!r}: {problem}"


@pytest.mark.parametrize(
    "src",
    [
        # the legacy forms keep their values (issue: ``ENV MSG hello \\`` + ``      world``)
        "FROM a\nENV MSG hello \\\n      world\n",
        "FROM a\nLABEL description first \\\n\t\tsecond\n",
        "FROM a\nWORKDIR /a \\\n   b\n",
        "FROM a\nUSER app \\\n  :app\n",
        "FROM a\nMAINTAINER Jane \\\n    Doe\n",
        "FROM a\nSTOPSIGNAL SIG \\\n  TERM\n",
        # cmd keeps every blank; quotes and escapes keep theirs
        "FROM mcr.microsoft.com/windows/servercore\nRUN echo a \\\n      b\n",
        'FROM a\nSHELL ["cmd", "/S", "/C"]\nRUN echo a \\\n      b\n',
        'FROM a\nRUN echo "a \\\n      b"\n',
        "FROM a\nRUN echo a\\ \\\nb\n",
        '# escape=`\nFROM a\nSHELL ["powershell", "-Command"]\nRUN echo "a `\n      b"\n',
        "# escape=`\nFROM a\nRUN echo a\\`\n      b\n",
        'FROM a\nENV A="x \\\n      y" B=1\n',
        "FROM a\nCOPY --chown='a \\\n      b' x /\n",
        'FROM a\nCMD ["a \\\n      b"]\n',
        # a quote inside backticks: shells (and shlex) disagree on what it opens
        "FROM alpine\nONBUILD CMD a ` ' ` \\\n a\n",
        "FROM alpine\nRUN a ` ' ` \\\n a '\n",
        # not JSON because of the tab; removing it must not make it JSON
        'FROM a\nADD --link ["a","b \\\n\t c"] /\n',
        'FROM a\nHEALTHCHECK ["b  c", \\\n "a"]\n',
        # ADD and COPY heredocs are found in shell-read words: after an escaped blank,
        # the next line's indentation starts the word `<<EOF` (found by hypothesis)
        "FROM alpine\nADD --network=none --chmod=755 a \\ \\\n\\ \\\n <<EOF\n",
        "FROM alpine\nCOPY a\\ \\\n  <<EOF /x\nbody\nEOF\n",
    ],
)
def test_values_keep_their_whitespace(src: str) -> None:
    for opts in OPTION_SETS.values():
        formatted, problem = check(src, opts)
        assert problem is None, f"{src!r} -> {formatted!r}: {problem}"

"""What `dockerls` writes to a terminal or a pipe: control characters from a
Dockerfile never reach the terminal, SARIF names files by percent-encoded
URIs, and a reader that goes away early (`dockerls rules | head`) ends the
command quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockerls.analysis.rules.base import Severity
from dockerls.formats import FORMATS, Problem, render
from tests.support import REPO

CONTROLS = "\x1b[2J\x07\x00\x08\x9b\r"
NASTY = Problem(
    f"dir{CONTROLS}/Dockerfile",
    1,
    1,
    1,
    4,
    Severity.ERROR,
    "UnknownInstruction",
    f"Unknown instruction `FOO{CONTROLS}`",
)


def _visible(out: str, fmt: str) -> str:
    # Code Climate separates its issues with NUL on purpose
    return out.replace("\0", "") if fmt == "codeclimate" else out


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_control_character_reaches_the_output(fmt: str) -> None:
    out = _visible(render(fmt, [NASTY], files=[NASTY.path]), fmt)
    bad = sorted({c for c in out if (ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) < 0xA0})
    assert not bad, [hex(ord(c)) for c in bad]
    assert "FOO" in out  # the message itself is still there


def test_control_characters_are_shown_escaped_in_text_formats() -> None:
    line = render("tty", [NASTY])
    assert "\\x1b[2J" in line and "\\x07" in line and "\\x00" in line
    assert line.count("\n") == 1  # a carriage return or newline can't fake a line


def test_cli_check_escapes_control_characters(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(b"FROM alpine:3.20\nFOO\x1b]0;pwned\x07 bar\x00\n")
    for fmt in ("tty", "gnu", "github", "checkstyle", "junit"):
        proc = subprocess.run(
            [sys.executable, "-m", "dockerls", "check", "--no-shellcheck", "-f", fmt, "-"],
            input=dockerfile.read_bytes(),
            capture_output=True,
            cwd=REPO,
            timeout=120,
        )
        assert proc.returncode == 1, proc.stderr.decode(errors="replace")
        assert b"UnknownInstruction" in proc.stdout
        for c in (b"\x1b", b"\x07", b"\x00"):
            assert c not in proc.stdout, (fmt, proc.stdout)


def test_sarif_uris_are_percent_encoded() -> None:
    problems = [
        Problem("my dir/50%/Dockerfile#1", 1, 1, 1, 2, Severity.WARNING, "DL3006", "m"),
        Problem("/abs path/Dockerfile", 1, 1, 1, 2, Severity.WARNING, "DL3006", "m"),
    ]
    doc = json.loads(render("sarif", problems))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    ]
    assert uris == ["my%20dir/50%25/Dockerfile%231", "file:///abs%20path/Dockerfile"]


COMMANDS = [
    ["rules"],
    ["rule", "DL3008"],
    ["check", "--no-shellcheck", "-"],
    ["check", "--no-shellcheck", "-f", "json", "-"],
    ["fix", "--diff", "-"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_a_closed_pipe_ends_the_command_without_a_traceback(argv: list[str]) -> None:
    """The reader is gone before the first write (`dockerls rules | head -0`):
    no traceback, and the exit status of a process killed by SIGPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dockerls", *argv],
            input=b"FROM ubuntu\nRUN apt-get install curl\n" * 50,
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=REPO,
            timeout=120,
        )
    finally:
        os.close(write_end)
    err = proc.stderr.decode(errors="replace")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 141


def test_links_point_only_at_pages_that_exist() -> None:
    """No made-up project home: BuildKit checks link to Docker's pages,
    ShellCheck codes to its wiki, dockerls's own rules to nothing."""
    from dockerls.analysis.rules import RULES
    from dockerls.analysis.rules.base import doc_url

    for r in RULES:
        if r.group == "buildkit":
            assert r.href is not None
            assert r.href.startswith("https://docs.docker.com/go/dockerfile/rule/"), r.code
        else:
            assert r.href is None, r.code
    assert doc_url("SC2086", "shellcheck") == "https://www.shellcheck.net/wiki/SC2086"

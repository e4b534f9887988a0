"""`dockerls check` fails on a Dockerfile BuildKit refuses as "file with no
instructions": empty, blank lines, comments or parser directives only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# a comment\n", "# syntax=docker/dockerfile:1\n# escape=`\n\n"]
)
def test_check_fails_on_a_file_without_instructions(tmp_path: Path, text: str) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text(text)
    res = subprocess.run(
        [sys.executable, "-m", "dockerls", "check", "--no-shellcheck", "-f", "json", str(df)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = json.loads(res.stdout)
    assert [(f["code"], f["line"]) for f in found] == [("NoInstructions", 1)], found
    assert res.returncode == 1

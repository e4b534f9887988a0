"""An unreadable ``~/.config`` or ``$XDG_CONFIG_HOME`` is "no configuration
there": ``dockerls check`` still reports its findings, with one log line and
no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO
from tests.unreadable import locked_config, unprivileged

ARGS = ("--no-shellcheck", "-f", "json")


@pytest.mark.parametrize("where", ["home", "xdg"])
def test_check_with_an_unreadable_config_folder(tmp_path: Path, where: str) -> None:
    with locked_config(tmp_path, where) as (env, folder, dockerfile):
        res = subprocess.run(
            [*unprivileged(), sys.executable, "-m", "dockerls", "check", *ARGS, str(dockerfile)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert "Traceback" not in res.stderr, res.stderr
    codes = {f["code"] for f in json.loads(res.stdout)}
    assert {"DL3006", "DL3003"} <= codes  # the locked file's `ignored` was not read
    assert res.returncode == 1
    notes = [ln for ln in res.stderr.splitlines() if str(folder) in ln]
    assert len(notes) == 1, res.stderr

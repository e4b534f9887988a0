"""Helpers shared by the real-editor end-to-end tests (Neovim, Emacs/eglot)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

Result = dict[str, Any]
"""What an editor script recorded: one entry per capability step."""

REPO = Path(__file__).resolve().parents[2]
EDITORS = REPO / "editors"
HERE = Path(__file__).resolve().parent

# A Dockerfile with problems every Dockerfile linter reports, one indented instruction for the
# formatter, and an empty last line where completion is requested.
DOCKERFILE = """\
FROM ubuntu AS app
MAINTAINER someone@example.com
RUN apt-get update && apt-get install curl
    EXPOSE 8080
CMD echo hello

"""

# A Compose file beside it: one service's target has a typo, the other names the stage.
COMPOSE = """\
services:
  web:
    build:
      context: .
      target: ap
  tools:
    build:
      context: .
      target: app
"""
TYPO_LINE = 4  # `target: ap`
TARGET_LINE, TARGET_COL = 8, 14  # the `app` of `target: app`

# Generous: the first start imports the whole server; every wait inside the editors is bounded.
EDITOR_TIMEOUT_S = 180


def server_command() -> list[str]:
    """The server under test; DOCKERLS_E2E_SERVER (a JSON array) runs another build of it."""
    override = os.environ.get("DOCKERLS_E2E_SERVER")
    if override:
        cmd = json.loads(override)
        assert isinstance(cmd, list) and all(isinstance(p, str) for p in cmd)
        return cmd
    return [sys.executable, "-m", "dockerls", "serve"]


def server_env() -> dict[str, str]:
    """Environment for the editor (and so the server): the repo on PYTHONPATH, fake registry."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["DOCKERLS_REGISTRY"] = "fake"  # never reach the network from editor tests
    return env


def load_result(path: Path) -> Result:
    assert path.exists(), f"the editor script wrote no result file {path}"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def assert_step_ok(result: Result, name: str) -> Result:
    step = result.get(name)
    assert isinstance(step, dict), f"step {name!r} missing from editor result: {result!r}"
    assert "error" not in step, f"step {name!r} failed inside the editor:\n{step['error']}"
    return step


def assert_definition_reaches_the_stage(compose: Result, project: Path) -> None:
    """The editor's definition from `target: app` in compose.yaml landed on the stage name in
    the Dockerfile, as the editor holds it (earlier steps edited the buffer)."""
    (loc,) = compose["locations"]
    path = Path(unquote(urlparse(loc["uri"]).path))
    assert path.resolve() == (project / "Dockerfile").resolve()
    line = compose["dockerfile_lines"][loc["line"]]
    assert line.startswith("FROM ubuntu") and line[loc["character"] :] == "app"

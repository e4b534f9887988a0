"""Emacs (batch) with lsp-mode drives the real dockerls server through
editors/emacs/lsp-dockerls.el, as test_emacs_e2e.py does with Eglot.

One Emacs run per module (see emacs_lsp_e2e.el) records each capability separately; each test
below judges one of them. Needs Debian emacs-nox + elpa-lsp-mode (scripts/install.sh).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import (
    EDITOR_TIMEOUT_S,
    EDITORS,
    HERE,
    TARGET_COL,
    TARGET_LINE,
    TYPO_LINE,
    Result,
    assert_definition_reaches_the_stage,
    assert_step_ok,
    load_result,
    server_command,
    server_env,
)
from .test_emacs_e2e import emacs_binary

pytestmark = pytest.mark.e2e


def test_lsp_dockerls_el_byte_compiles_without_warnings(tmp_path: Path) -> None:
    source = tmp_path / "lsp-dockerls.el"
    shutil.copy(EDITORS / "emacs" / "lsp-dockerls.el", source)
    proc = subprocess.run(
        [
            emacs_binary(),
            "--batch",
            "-L",
            str(tmp_path),
            "-L",
            str(EDITORS / "emacs"),
            "--eval",
            "(progn (package-initialize) (setq byte-compile-error-on-warn t))",
            "-f",
            "batch-byte-compile",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**server_env(), "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "lsp-dockerls.elc").exists()


@pytest.fixture(scope="module")
def lsp_result(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Result:
    out = tmp_path_factory.mktemp("emacs-lsp") / "result.json"
    env = server_env()
    env.update(
        DOCKERLS_E2E_FILE=str(project / "Dockerfile"),
        DOCKERLS_E2E_OUT=str(out),
        DOCKERLS_E2E_CMD=json.dumps(server_command()),
        DOCKERLS_E2E_TARGET_LINE=str(TARGET_LINE),
        DOCKERLS_E2E_TARGET_COL=str(TARGET_COL),
        HOME=str(out.parent),  # no user init; lsp-mode's session file lands here
    )
    proc = subprocess.run(
        [
            emacs_binary(),
            "--batch",
            "-L",
            str(EDITORS / "emacs"),
            "-l",
            str(HERE / "emacs_lsp_e2e.el"),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=EDITOR_TIMEOUT_S,
    )
    assert out.exists(), (
        f"emacs exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    return load_result(out)


def test_lsp_mode_starts_dockerls_ahead_of_its_own_dockerfile_client(lsp_result: Result) -> None:
    attach = assert_step_ok(lsp_result, "attach")
    assert attach["major_mode"] == "dockerfile-mode"
    assert attach["attached"] is True
    assert attach["server_id"] == "dockerls"  # not lsp-mode's built-in `dockerfile-ls'
    assert attach["command"] == server_command()
    assert attach["hover_provider"] is True


def test_lsp_mode_diagnostics(lsp_result: Result) -> None:
    items = assert_step_ok(lsp_result, "diagnostics")["items"]
    codes = {(d["line"], d["code"]) for d in items}
    assert {(0, "DL3006"), (1, "DL4000")} <= codes, items
    assert all(d["source"] == "dockerls" for d in items)


def test_lsp_mode_hover(lsp_result: Result) -> None:
    text = assert_step_ok(lsp_result, "hover")["text"]
    assert text and "build stage" in text


def test_lsp_mode_completion(lsp_result: Result) -> None:
    labels = set(assert_step_ok(lsp_result, "completion")["labels"])
    assert {"RUN", "COPY", "FROM"} <= labels, sorted(labels)


def test_lsp_mode_code_action_fixes_maintainer(lsp_result: Result) -> None:
    action = assert_step_ok(lsp_result, "code_action")
    assert any("LABEL" in t for t in action["titles"]), action["titles"]
    assert action["line_after"] == 'LABEL org.opencontainers.image.authors="someone@example.com"'


def test_lsp_mode_compose_file_target_diagnostic_definition_and_hover(
    lsp_result: Result, project: Path
) -> None:
    compose = assert_step_ok(lsp_result, "compose")
    assert compose["major_mode"] == "dockerls-compose-mode"
    assert compose["same_workspace"] is True
    assert compose["typo_line"] == TYPO_LINE
    assert_definition_reaches_the_stage(compose, project)
    assert "Build stage" in compose["hover"] and "app" in compose["hover"], compose["hover"]

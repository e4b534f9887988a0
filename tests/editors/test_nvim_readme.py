"""The README's Neovim steps, followed as a new user would: the Lua snippet is
copied from editors/README.md into a fresh ``init.lua`` (a new, empty
XDG config folder), Neovim starts with it, opens a Dockerfile, and gets
diagnostics and completion from dockerls."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from .helpers import EDITOR_TIMEOUT_S, EDITORS, REPO
from .test_nvim_e2e import nvim_binary

pytestmark = pytest.mark.e2e

CHECK = r"""
-- appended by the test: once the file is open, wait for the server's answers
-- and write them out
vim.api.nvim_create_autocmd('VimEnter', { callback = function()
local out = {}
local buf = vim.api.nvim_get_current_buf()
vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(out.diagnostics, { code = d.code, source = d.source, lnum = d.lnum })
end
local clients = vim.lsp.get_clients({ bufnr = buf })
out.clients = {}
for _, c in ipairs(clients) do table.insert(out.clients, c.name) end
local res = vim.lsp.buf_request_sync(buf, 'textDocument/completion', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 2, character = 0 },
}, 20000) or {}
out.completion = {}
for _, r in pairs(res) do
  local items = r.result and (r.result.items or r.result) or {}
  for _, it in ipairs(items) do table.insert(out.completion, it.label) end
end
local f = io.open(vim.env.RESULT, 'w')
f:write(vim.json.encode(out))
f:close()
vim.cmd('qa!')
end })
"""


def readme_snippet() -> str:
    text = (EDITORS / "README.md").read_text(encoding="utf-8")
    section = text.split("## Neovim", 1)[1]
    m = re.search(r"```lua\n(.*?)```", section, re.DOTALL)
    assert m is not None, "the Neovim section of editors/README.md has no Lua snippet"
    return m.group(1)


def test_readme_neovim_setup_gives_diagnostics_and_completion(tmp_path: Path) -> None:
    snippet = readme_snippet()
    assert "/path/to/dockerls/editors/nvim" in snippet
    init = snippet.replace("/path/to/dockerls/editors/nvim", str(EDITORS / "nvim"))
    config = tmp_path / "config" / "nvim"
    config.mkdir(parents=True)
    (config / "init.lua").write_text(init + CHECK, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    dockerfile = project / "Dockerfile"
    dockerfile.write_text("FROM ubuntu\nRUN echo hi\n\n", encoding="utf-8")
    result = tmp_path / "result.json"
    env = dict(os.environ)
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        RESULT=str(result),
        DOCKERLS_REGISTRY="fake",
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
    )
    proc = subprocess.run(
        [str(nvim_binary()), "--headless", str(dockerfile)],
        cwd=project,
        env=env,
        capture_output=True,
        timeout=EDITOR_TIMEOUT_S,
    )
    assert result.exists(), proc.stderr.decode(errors="replace")[-2000:]
    out = json.loads(result.read_text())
    assert "dockerls_py" in out["clients"]
    codes = {d["code"] for d in out["diagnostics"] if d["source"] == "dockerls"}
    assert "DL3006" in codes
    assert {"FROM", "RUN", "COPY"} <= set(out["completion"])

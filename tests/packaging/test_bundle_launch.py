"""The VS Code extension's bundled server starts the way the extension starts it.

A `bundled/` folder like the one scripts/vsix.sh puts in every .vsix is assembled from this
checkout's `dockerls` and the installed distributions of its declared dependencies (the closure,
with markers evaluated here; scripts/vsix.sh does the same with wheels from PyPI).  The
extension's own launch logic (editors/vscode/src/launch.ts, through tools/launchCli.ts) picks the
interpreter of a fresh venv with nothing installed and builds the command; the server it starts
must answer an LSP session over stdio.  This proves that the declared dependencies are complete
and that the isolated-mode launcher finds everything in the bundle alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from importlib.metadata import distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.packaging.test_metadata import PROJECT, ROOT
from tests.smoke.lsp_client import lsp_session

EXTENSION = ROOT / "editors" / "vscode"


def _closure() -> list[str]:
    """Names of the distributions the declared runtime dependencies need here, transitively."""
    todo = [Requirement(r) for r in PROJECT["dependencies"]]
    seen: dict[str, str] = {}
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = canonicalize_name(req.name)
        if key in seen:
            continue
        seen[key] = req.name
        todo.extend(Requirement(r) for r in distribution(req.name).requires or [])
    return sorted(seen.values())


def _assemble_bundle(root: Path) -> Path:
    libs = root / "bundled" / "libs"
    libs.mkdir(parents=True)
    shutil.copytree(
        ROOT / "dockerls", libs / "dockerls", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in _closure():
        dist = distribution(name)
        for file in dist.files or []:
            if ".." in file.parts or "__pycache__" in file.parts:
                continue  # console scripts outside site-packages; bytecode
            target = libs / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(str(dist.locate_file(file))), target)
    version = PROJECT["version"]
    manifest = {
        "server": version,
        "target": "test",
        "pythons": [f"{sys.version_info[0]}.{sys.version_info[1]}"],
    }
    (root / "bundled" / "manifest.json").write_text(json.dumps(manifest))
    return libs


def _launch_cli(out: Path) -> Path:
    esbuild = EXTENSION / "node_modules" / ".bin" / "esbuild"
    assert esbuild.exists(), "run `npm ci --prefix editors/vscode` (scripts/install.sh does)"
    cli = out / "launchCli.js"
    subprocess.run(
        [
            str(esbuild),
            "src/tools/launchCli.ts",
            "--bundle",
            "--platform=node",
            f"--outfile={cli}",
            "--log-level=warning",
        ],
        cwd=EXTENSION,
        check=True,
    )
    return cli


def test_bundled_server_runs_on_a_bare_venv_as_the_extension_starts_it(tmp_path: Path) -> None:
    extension_root = tmp_path / "extension"
    libs = _assemble_bundle(extension_root)
    bare = tmp_path / "bare-venv"
    venv.create(bare, with_pip=False)
    python = bare / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    nothing = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import importlib.util as u; print(u.find_spec('pygls'), u.find_spec('dockerls'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert nothing.stdout.split() == ["None", "None"], "the venv must hold none of the packages"

    cli = _launch_cli(tmp_path)
    planned = subprocess.run(
        ["node", str(cli), "--extension-root", str(extension_root), "--interpreter", str(python)],
        capture_output=True,
        text=True,
    )
    assert planned.returncode == 0, planned.stderr
    launch = json.loads(planned.stdout)
    assert launch["source"] == "bundled"
    assert launch["python"]["command"] == [str(python)]
    assert str(libs) in launch["args"]

    work = tmp_path / "work"
    work.mkdir()
    steps = lsp_session(
        [launch["command"], *launch["args"]],
        cwd=work,
        root=work,
        text=(ROOT / "examples" / "Dockerfile").read_text(encoding="utf-8"),
        version=launch["version"],
    )
    assert [s.split(":")[0] for s in steps] == [
        "initialize",
        "diagnostics",
        "completion",
        "hover",
        "code action",
        "shutdown",
    ]

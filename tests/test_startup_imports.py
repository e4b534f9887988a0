"""Start-up stays light: importing the server module leaves out what only
linting, settings validation, ``.hadolint.yaml`` files and registry lookups
need (they load on first use, or right after the initialize reply).

Structural, not timed: a fresh interpreter imports ``dockerls.server`` and
reports ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support import REPO, modules_after

# third-party packages only a later step uses
DEFERRED_PACKAGES = ("requests", "jsonschema", "yaml", "tree_sitter", "tree_sitter_bash")
RULES_PACKAGE = "dockerls.analysis.rules"
# what the server's own types need from the rules package: the package and `base`
# (`_`-prefixed modules are helpers shared by rules and features, not rules)
ALLOWED_IN_RULES = {"base"}


def is_deferred(name: str) -> bool:
    top = name.split(".", 1)[0]
    if top in DEFERRED_PACKAGES:
        return True
    if not name.startswith(RULES_PACKAGE + "."):
        return False
    leaf = name[len(RULES_PACKAGE) + 1 :].split(".", 1)[0]
    return leaf not in ALLOWED_IN_RULES and not leaf.startswith("_")


def test_server_import_leaves_lint_and_network_modules_out() -> None:
    loaded = modules_after("import dockerls.server")
    assert "dockerls.server" in loaded
    early = sorted(m for m in loaded if is_deferred(m))
    assert not early, f"imported at start-up: {early}"


def test_serve_command_leaves_them_out_too() -> None:
    """``dockerls serve`` (what editors spawn) builds only its own sub-command:
    the others' modules import the linter and the registry clients."""
    loaded = modules_after(
        "import dockerls.server\n"
        "dockerls.server.serve = lambda **options: 0  # stop before serving\n"
        "from dockerls.cli import main\n"
        "assert main(['serve']) == 0"
    )
    assert "dockerls.cli" in loaded
    early = sorted(m for m in loaded if is_deferred(m) or m.startswith("dockerls.cli_"))
    assert not early, f"imported by `dockerls serve` before serving: {early}"


def test_rule_registry_loads_on_first_use() -> None:
    """The registry is still one explicit tuple: asking for it brings every rule in."""
    loaded = modules_after("from dockerls.analysis.rules import RULES\nassert RULES")
    assert f"{RULES_PACKAGE}.group_syntax" in loaded
    assert any(is_deferred(m) for m in loaded)


# What only a rare path needs loads with it, not with the linter: "did you mean" hints
# (difflib, for the first misspelt name) and the SPDX lists (a label schema's license check).
RARE_PATH_MODULES = ("difflib", f"{RULES_PACKAGE}._spdx_ids")


def test_linter_loads_without_rare_path_modules() -> None:
    loaded = modules_after(
        "import dockerls.analysis.engine\n"
        "from dockerls.analysis.rules import registry\n"
        "assert registry()"
    )
    assert f"{RULES_PACKAGE}.dl3054_label_not_spdx" in loaded  # every rule came in
    early = sorted(m for m in RARE_PATH_MODULES if m in loaded)
    assert not early, f"loaded with the linter: {early}"


def test_rare_path_modules_load_when_first_used() -> None:
    loaded = modules_after(
        "from dockerls.analysis.rules._labels import is_spdx\n"
        "assert is_spdx('MIT OR Apache-2.0') and not is_spdx('MIT OR Nonsense-9')\n"
        "from dockerls.syntax.spec import closest\n"
        "assert closest('RUNN', ['RUN', 'CMD']) == 'RUN'"
    )
    assert set(RARE_PATH_MODULES) <= loaded


def test_default_settings_are_applied_without_jsonschema() -> None:
    """An editor that sends the default settings (VS Code sends its whole section, defaults
    included) doesn't make the server load jsonschema before its first publish: default
    values are valid by construction.  Any other value is still validated by it."""
    package = json.loads((REPO / "editors" / "vscode" / "package.json").read_text())
    tree: dict[str, object] = {}
    for key, spec in package["contributes"]["configuration"]["properties"].items():
        path = key.split(".")[1:]
        if "default" not in spec or path[0] == "server":  # client-only settings
            continue
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        node[path[-1]] = spec["default"]  # type: ignore[index]
    statement = (
        "from dockerls import settings\n"
        f"s, errors = settings.load_layers([('initializationOptions', {tree!r})])\n"
        "assert s == settings.DEFAULTS and not errors, errors"
    )
    assert "jsonschema" not in modules_after(statement)
    changed = statement.replace("'auto'", "True", 1).replace("s == settings.DEFAULTS and ", "")
    assert "jsonschema" in modules_after(changed)  # a value of its own: checked


# What a Dockerfile's first publish goes without: registry lookups, hover and variant
# actions of base images, Compose and Bake files, the network clients.  They load once that
# publish is written (lookups start then; `warm_up` loads the rest).
NOT_BEFORE_FIRST_PUBLISH = (
    "dockerls.features.images",
    "dockerls.features.baseimage",
    "dockerls.features.buildfiles",
    "dockerls.analysis.variants",
    "dockerls.image_intel",
    "dockerls.registry.base",
    "dockerls.registry.service",
    "dockerls.registry.tags",
    "dockerls.registry.endoflife",
    "dockerls.syntax.hclpos",
    "requests",
    "jsonschema",
    "yaml",
)

# Drives the server in-process as pygls's reader does (each message decoded with the
# protocol's object hook, then handled; the event loop runs between messages), started as
# `dockerls serve` starts it (the collector off), and prints the modules loaded when the
# first publish is written (a lazy module not read yet is not) and the collector's state.
FIRST_PUBLISH = """
import asyncio, gc, json, sys, types
from pathlib import Path
gc.disable()  # as `dockerls serve` does (cli._serve)
from dockerls.server import SERVER

folder = Path(sys.argv[1])
doc = folder / "Dockerfile"
doc.write_text("FROM debian:11\\nRUN apt-get update && apt-get install -y curl\\nCMD [\\"sh\\"]\\n")
loaded = []
collector = {}
fulls = []  # full collections made when the first publish was written

class Writer:
    def write(self, data):
        if not loaded and b'"method":"textDocument/publishDiagnostics"' in bytes(data):
            loaded.extend(
                n for n, m in sys.modules.items() if type(m).__name__ != "_LazyModule"
            )
            collector.update(at_publish=gc.isenabled())
            fulls.append(gc.get_stats()[2]["collections"])
    def close(self):
        pass

protocol = SERVER.protocol
protocol.set_writer(Writer())

def feed(message):
    body = json.dumps({"jsonrpc": "2.0", **message})
    protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))

async def main():
    root = folder.as_uri()
    feed({"id": 1, "method": "initialize", "params": {"rootUri": root, "capabilities": {}}})
    await asyncio.sleep(0)
    feed({"method": "initialized", "params": {}})
    await asyncio.sleep(0)
    item = {"uri": doc.as_uri(), "languageId": "dockerfile", "version": 1, "text": doc.read_text()}
    feed({"method": "textDocument/didOpen", "params": {"textDocument": item}})
    for _ in range(10_000):  # bounded: fails below when no publish came or no warm-up
        if loaded and SERVER.warmed:
            break
        await asyncio.sleep(0.001)
    collector["after_warm_up"] = gc.isenabled()
    collector["full_collections_since_publish"] = gc.get_stats()[2]["collections"] - fulls[0]

asyncio.run(main())
print(json.dumps({"loaded": sorted(loaded), "collector": collector}))
"""


def first_publish(tmp_path: Path) -> dict[str, Any]:
    """What ``FIRST_PUBLISH`` reports, run on a small Dockerfile in ``tmp_path``."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "DOCKERLS_REGISTRY": "fake"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PUBLISH, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    report: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    assert report["loaded"], f"no publish was written: {out.stderr}"
    return report


def test_first_publish_goes_without_lookups_and_build_files(tmp_path: Path) -> None:
    """A Dockerfile's first diagnostics wait for no module only a later step uses: the
    registry side and the base-image lookups join a later publish, hover and code actions
    load theirs after it, and Compose/Bake support when such a file is opened or found."""
    loaded = set(first_publish(tmp_path)["loaded"])
    assert "dockerls.analysis.engine" in loaded  # the publish linted
    early = sorted(
        m for m in loaded if m in NOT_BEFORE_FIRST_PUBLISH or m.split(".")[0] == "requests"
    )
    assert not early, f"loaded before the first publish: {early}"


def test_serve_starts_with_the_collector_off() -> None:
    """``dockerls serve`` imports with the cyclic collector off: start-up builds only what
    lives as long as the process."""
    out = modules_after(
        "import gc, dockerls.server\n"
        "dockerls.server.serve = lambda **options: 0  # stop before serving\n"
        "from dockerls.cli import main\n"
        "assert main(['serve']) == 0\n"
        "assert not gc.isenabled()"
    )
    assert "dockerls.cli" in out


def test_collector_runs_again_once_the_first_publish_is_written(tmp_path: Path) -> None:
    """The collector, off since start-up, runs again after the server's first publish,
    with the modules it loads then: one full collection first, so that what lives on
    (start-up's objects, the document's tree) is walked once, not once per generation by
    the next requests' automatic collections."""
    collector = first_publish(tmp_path)["collector"]
    assert collector == {
        "at_publish": False,
        "after_warm_up": True,
        "full_collections_since_publish": 1,
    }


WARM_UP = """
import os
os.environ.pop("DOCKERLS_REGISTRY", None)
import lsprotocol.types as lsp
from dockerls.server import SERVER
options = {{"registry": {{"enabled": {enabled}}}}}
params = lsp.InitializeParams(lsp.ClientCapabilities(), initialization_options=options)
for _step in SERVER.protocol.lsp_initialize(params):  # pygls's part: the workspace
    pass
SERVER.start(params)
SERVER.warm_up()
assert SERVER.warmed
"""


def test_warm_up_loads_the_http_library_only_when_lookups_are_on() -> None:
    """The network clients make their session at their first request; with lookups on,
    these follow the first publish, so ``warm_up`` loads the library on the main thread
    rather than a lookup's worker thread loading it while the user types.  With lookups
    off it never loads.  (No document is open: nothing is looked up.)"""
    assert "requests" in modules_after(WARM_UP.format(enabled="True"))
    assert "requests" not in modules_after(WARM_UP.format(enabled="False"))


PREFETCH_FIRST = """
import sys
from pathlib import Path
import lsprotocol.types as lsp
from dockerls.analysis import forked
forked.available = lambda: True  # as on a machine with a second CPU
before_analysis = []
real_start = forked.start
def start(work, limit):
    before_analysis.append("dockerls.analysis.engine" not in sys.modules)
    return real_start(work, limit)
forked.start = start
from dockerls.server import SERVER
params = lsp.InitializeParams(lsp.ClientCapabilities(), root_uri={root!r})
for _step in SERVER.protocol.lsp_initialize(params):
    pass
SERVER.start(params)
assert before_analysis == [True], before_analysis
assert SERVER.store.builds.builds_for(Path({dockerfile!r}))  # the read's result reached the store
"""


def test_build_files_are_read_before_the_analysis_modules_load(tmp_path: Path) -> None:
    """The server's start forks the reading of the workspace's Compose and Bake files
    first, so it runs on the second CPU while the engine loads and the first document
    opens (the first open takes its result, rather than waiting for it)."""
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: .\n")
    loaded = modules_after(
        PREFETCH_FIRST.format(root=tmp_path.as_uri(), dockerfile=str(tmp_path / "Dockerfile"))
    )
    assert "dockerls.analysis.engine" in loaded

"""The architecture's import rules, checked by scanning imports."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "dockerls"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def files(sub: str) -> list[Path]:
    return sorted((PKG / sub).rglob("*.py"))


def test_syntax_and_analysis_are_pure() -> None:
    banned = (
        "pygls",
        "lsprotocol",
        "requests",
        "socket",
        "subprocess",
        "dockerls.features",
        "dockerls.server",
        "dockerls.registry",
    )
    for layer in ("syntax", "analysis"):
        for f in files(layer):
            for mod in imports(f):
                assert not mod.startswith(banned), f"{f.relative_to(PKG)} imports {mod}"


def test_syntax_does_not_import_analysis() -> None:
    for f in files("syntax"):
        for mod in imports(f):
            assert not mod.startswith("dockerls.analysis"), f"{f.name} imports {mod}"


def test_features_do_not_import_pygls_or_the_server() -> None:
    for f in files("features"):
        for mod in imports(f):
            assert not mod.startswith(
                ("pygls", "dockerls.server", "dockerls.cli", "requests", "socket")
            ), f"{f.name} imports {mod}"


def test_only_registry_http_uses_requests() -> None:
    for f in PKG.rglob("*.py"):
        if f.parent.name == "registry":
            continue
        for mod in imports(f):
            assert not mod.startswith(("requests", "urllib3", "http.client")), f"{f} imports {mod}"


def test_every_core_module_imports_on_its_own() -> None:
    """No import cycle bites whichever module of syntax/ and analysis/ (the rules package
    loads all its rules at once) is imported first, each from a clean slate."""
    import subprocess
    import sys

    names = [
        ".".join(f.relative_to(PKG.parent).with_suffix("").parts)
        for sub in ("syntax", "analysis")
        for f in sorted((PKG / sub).glob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        "bad = []\n"
        "for n in sys.argv[1:]:\n"
        "    for m in [k for k in sys.modules if k.startswith('dockerls')]:\n"
        "        del sys.modules[m]\n"
        "    try:\n"
        "        importlib.import_module(n)\n"
        "    except Exception as exc:\n"
        "        bad.append(f'{n}: {exc!r}')\n"
        "print('\\n'.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *names], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0 and out.stdout.strip() == "", out.stdout + out.stderr

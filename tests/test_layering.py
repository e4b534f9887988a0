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

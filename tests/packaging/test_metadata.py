"""The distribution's metadata says what the code needs, no more and no less."""

from __future__ import annotations

import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import tomllib

from tests.test_layering import PKG, imports

ROOT = PKG.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _dist_name(requirement: str) -> str:
    """`PyYAML>=6.0` -> `pyyaml` (PEP 503 normalised)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def third_party_modules() -> dict[str, list[Path]]:
    """Top-level modules imported anywhere in the package that are neither ours nor stdlib."""
    found: dict[str, list[Path]] = {}
    for path in sorted(PKG.rglob("*.py")):
        for module in imports(path):
            top = module.split(".")[0]
            if top != "dockerls" and top not in sys.stdlib_module_names:
                found.setdefault(top, []).append(path.relative_to(ROOT))
    return found


def test_runtime_dependencies_are_exactly_the_imported_distributions() -> None:
    providers = packages_distributions()
    imported: dict[str, str] = {}
    for module, where in third_party_modules().items():
        dists = providers.get(module)
        assert dists, f"{module} (imported by {where[0]}) is installed by no distribution"
        imported[_dist_name(dists[0])] = module
    declared = {_dist_name(r) for r in PROJECT["dependencies"]}
    missing = {d: m for d, m in imported.items() if d not in declared}
    assert not missing, f"imported but not in [project].dependencies: {missing}"
    unused = declared - imported.keys()
    assert not unused, f"declared but never imported by dockerls/: {sorted(unused)}"


def test_python_versions_agree() -> None:
    """requires-python's floor is the oldest classifier version; scripts/smoke.sh reads the list."""
    versions = [
        c.rsplit(" :: ", 1)[1]
        for c in PROJECT["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))))
    assert PROJECT["requires-python"] == f">={versions[0]}"
    assert "3.10" in versions and "3.13" in versions


def test_metadata_is_complete() -> None:
    assert PROJECT["readme"] == "README.md"
    assert PROJECT["license"] == "MIT"
    assert all((ROOT / f).is_file() for f in PROJECT["license-files"])
    assert PROJECT["scripts"] == {"dockerls": "dockerls.cli:main"}
    # No project URLs: there is no public home page or tracker they could lead to.
    assert "urls" not in PROJECT

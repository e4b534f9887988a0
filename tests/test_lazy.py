"""``dockerls.lazy``: a module bound lazily is the one module of its name."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockerls.lazy import lazy_module


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package ``lazypkg`` whose ``__init__`` imports its own ``sub`` module, and
    ``other``, which nothing imports."""
    root = tmp_path / "lazypkg"
    root.mkdir()
    (root / "__init__.py").write_text("from lazypkg.sub import VALUE\n")
    (root / "sub.py").write_text("class Error(Exception):\n    pass\n\nVALUE = 1\n")
    (root / "other.py").write_text("LOADED = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "lazypkg"
    for name in [n for n in sys.modules if n == "lazypkg" or n.startswith("lazypkg.")]:
        del sys.modules[name]


def test_a_module_its_package_imports_is_not_bound_twice(package: str) -> None:
    """Finding ``lazypkg.sub`` imports ``lazypkg``, which imports ``sub``: that module is
    the one returned (a second copy would have its own classes: ``except`` would miss)."""
    sub = lazy_module(f"{package}.sub")
    assert sub is sys.modules[f"{package}.sub"]
    assert sub is sys.modules[package].sub
    assert sub.Error is sys.modules[package].sub.Error


def test_a_module_nobody_imported_loads_on_first_read(package: str) -> None:
    other = lazy_module(f"{package}.other")
    assert type(other).__name__ == "_LazyModule"
    assert other.LOADED is True
    assert type(other).__name__ == "module"

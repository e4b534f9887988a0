"""One form for caches of node results: no ``functools.lru_cache`` keyed on a node, a parse or
a model (those hash by identity, so an lru_cache would pin them); such memos are ``per_node`` /
``node_cache`` (weak, see dockerls/syntax/identity_cache.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import dockerls

NODE_TYPES = ("Instruction", "Item", "Comment", "Blank", "Directive", "Parse", "Model", "Stage")


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(dockerls.__path__, "dockerls."):
        if info.name.split(".")[1] in ("syntax", "analysis", "features"):
            names.append(info.name)
    return names


def test_no_lru_cache_takes_a_node() -> None:
    found = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not hasattr(value, "cache_info") or not hasattr(value, "__wrapped__"):
                continue
            for param in inspect.signature(value.__wrapped__).parameters.values():
                if any(t in str(param.annotation) for t in NODE_TYPES):
                    found.append(f"{name}.{attr}({param.name}: {param.annotation})")
    assert found == []
    assert len(_modules()) > 50  # the walk saw the packages


def test_memos_are_declared_fields() -> None:
    """A memo on a model, stage or node is a declared field (it shows in the class, and a
    derived object starts without it), never a key written into an object's ``__dict__``."""
    found = []
    for name in _modules():
        path = importlib.import_module(name).__file__
        if path is None or not path.endswith(".py"):
            continue
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        for n, line in enumerate(lines, 1):
            if "cls.__dict__" not in line and (".__dict__[" in line or ".__dict__.get(" in line):
                found.append(f"{name}:{n}: {line.strip()}")
    assert not found, found

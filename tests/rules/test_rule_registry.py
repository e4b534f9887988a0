"""The explicit rule registry agrees with the rules: each ``group_*.py`` list
holds exactly the rules of its group (the hadolint group is split over three
lists), every rule module is listed once, and groups and scopes are closed
sets."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import dockerls.analysis.rules as rules_pkg
from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import RULE_GROUPS, Rule, Scope


def _group_modules() -> dict[str, tuple[Rule, ...]]:
    return {
        m.name: importlib.import_module(f"{rules_pkg.__name__}.{m.name}").RULES
        for m in pkgutil.iter_modules(rules_pkg.__path__)
        if m.name.startswith("group_")
    }


def test_each_group_list_holds_its_groups_rules() -> None:
    for module, listed in _group_modules().items():
        group = module.removeprefix("group_").replace("_", "-")
        if group.startswith("hadolint-"):
            group = "hadolint"
        wrong = [(r.code, r.group) for r in listed if r.group != group]
        assert not wrong, f"{module} lists rules of other groups: {wrong}"


def test_every_rule_module_is_listed_once() -> None:
    listed = [r for rs in _group_modules().values() for r in rs]
    assert len(listed) == len({id(r) for r in listed}) == len(RULES)
    modules = {type(r).__module__ for r in listed}
    defined = set()
    for m in pkgutil.iter_modules(rules_pkg.__path__):
        mod = importlib.import_module(f"{rules_pkg.__name__}.{m.name}")
        if isinstance(getattr(mod, "RULE", None), Rule):
            defined.add(mod.__name__)
    assert defined == modules


def test_groups_and_scopes_are_closed_sets() -> None:
    assert {r.group for r in RULES} == set(RULE_GROUPS)
    assert {r.scope for r in RULES} == set(Scope)
    assert all(isinstance(r.scope, Scope) for r in RULES)


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(TypeError, match="best-practise"):

        class Typo(Rule):
            code = "XX0001"
            group = "best-practise"  # type: ignore[assignment]

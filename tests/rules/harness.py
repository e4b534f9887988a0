"""Data-driven rule fixtures: one YAML file per rule under tests/rules/cases/.

Each file::

    code: DL3006
    cases:
      - src: |
          FROM ubuntu
        expect: ["0:5-0:11"]          # 0-based line:col-line:col, code points
        settings: {options: {...}}    # optional LintConfig fields
        fixed: |                      # optional: text after applying the
          FROM ubuntu:24.04           # first finding's fix
        files: {".dockerignore": "x"} # optional: build context files

Every case runs the whole engine with all rules, then keeps only ``code``
(hadolint's ``ruleCatches`` idea: a rule missing from the registry fails).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.rules.base import Severity, Violation
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
    return LintConfig(**kw)


def run(
    src: str, code: str, settings: dict[str, Any] | None = None, context: Path | None = None
) -> tuple[Parse, list[tuple[int, Violation]]]:
    p = parse(src)
    cfg = config_from(settings)
    if context is not None:
        opts = dict(cfg.options)
        opts["context_dir"] = str(context)
        cfg = LintConfig(**{**cfg.__dict__, "options": opts})
    result = Linter(config=cfg).lint(p)
    return p, [(i, v) for i, v in result.all() if v.code == code]


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

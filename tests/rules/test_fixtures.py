"""Run every rule fixture in tests/rules/cases/ through the real engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dockerls.syntax.parser import parse

from .harness import apply_fix, fmt_range, load_cases, run

CASES = load_cases()


@pytest.mark.parametrize(("code", "k", "case"), CASES, ids=[f"{c}-{k}" for c, k, _ in CASES])
def test_rule_case(code: str, k: int, case: dict[str, Any], tmp_path: Path) -> None:
    context = None
    if "files" in case:
        for name, content in case["files"].items():
            f = tmp_path / name
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(content)
        context = tmp_path
    p, found = run(case["src"], code, case, context)
    got = [fmt_range(p, i, v) for i, v in found]
    assert got == case.get("expect", []), [v.message for _i, v in found]
    if "fixed" in case:
        assert found, "no finding to fix"
        i, v = found[0]
        fixed = apply_fix(p, i, v)
        assert fixed == case["fixed"]
        # a fix never introduces a syntax error
        before = {x.code for _s, x in p.issues()}
        after = {x.code for _s, x in parse(fixed).issues()}
        assert after <= before

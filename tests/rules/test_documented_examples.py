"""Every rule's documentation tells the truth: the ``Example:`` block of its
docstring (the one its generated page, hover and ``dockerls rule`` show)
produces its finding, and the ``Fix:`` block, when there is one, doesn't.

Examples may leave out the ``FROM`` line; it is added when the example has
none.  An experimental check is switched on with its ``# check=experimental=``
directive.  A finding may come under the rule's code or a twin's (``same_as``:
the engine reports a problem once).  Rules that need settings or outside facts
(opt-in rules, the build context, the registry) get them from a flagged case
of their YAML fixture, as that fixture runs them; the label-schema rules get
the schema their example states."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import Rule
from dockerls.cli_rules import _dedent
from tests.rules.harness import run

BLOCK = re.compile(r"```dockerfile\n(.*?)```", re.S)
HAS_FROM = re.compile(r"^\s*FROM\s", re.I | re.M)
SECTIONS = ("What it does:", "Why it matters:", "Example:", "Fix:")
PREFIX = "FROM debian:12\n"

CASES = Path(__file__).parent / "cases"
# "With the schema `{org.opencontainers.image.source: url}` and strict labels:"
SCHEMA = re.compile(r"With the schema `(\{[^`]*\})`( and strict labels)?:")


def sections(rule: Rule) -> dict[str, str]:
    out: dict[str, str] = {}
    current = None
    for line in _dedent(rule.doc or "").splitlines():
        if line.strip() in SECTIONS:
            current = line.strip()[:-1]
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return out


def blocks(rule: Rule) -> tuple[str, str | None]:
    """(the example, the fixed example or None)."""
    s = sections(rule)
    example = BLOCK.findall(s.get("Example", ""))
    fixed = BLOCK.findall(s.get("Fix", ""))
    assert len(example) == 1, f"{rule.code}: one ```dockerfile block under Example:"
    assert len(fixed) <= 1, f"{rule.code}: at most one ```dockerfile block under Fix:"
    return example[0], (fixed[0] if fixed else None)


def setups(rule: Rule) -> list[dict[str, Any]]:
    """No settings first (or the label schema the example states), then the
    settings and files of each flagged fixture case."""
    path = CASES / f"{rule.code}.yaml"
    cases = yaml.safe_load(path.read_text())["cases"] if path.exists() else []
    first: dict[str, Any] = {}
    stated = SCHEMA.search(sections(rule).get("Example", ""))
    if stated:
        options = {"label_schema": yaml.safe_load(stated.group(1))}
        if stated.group(2):
            options["strict_labels"] = True
        first = {"settings": {"options": options}}
    return [first] + [
        {k: c[k] for k in ("settings", "files", "facts", "shellcheck") if k in c}
        for c in cases
        if c.get("expect") and {"settings", "files", "facts", "shellcheck"} & set(c)
    ]


def findings(rule: Rule, text: str, setup: dict[str, Any], tmp_path: Path) -> int:
    if rule.experimental:
        text = f"# check=experimental={rule.code}\n{text}"
    context = None
    if "files" in setup:
        context = tmp_path / "context"
        context.mkdir(exist_ok=True)
        for name, content in setup["files"].items():
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            (context / name).write_text(content)
    codes = {rule.code, *rule.same_as}
    found = 0
    for code in codes:
        _p, vs = run(text, code, setup, context)
        found += len(vs)
    return found


def with_from(text: str) -> str:
    return text if HAS_FROM.search(text) else PREFIX + text


def test_every_rule_has_an_example() -> None:
    assert len(RULES) > 100
    for r in RULES:
        blocks(r)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_the_example_is_flagged_and_the_fix_is_not(rule: Rule, tmp_path: Path) -> None:
    example, fixed = blocks(rule)
    setup = next(
        (
            (s, t)
            for s in setups(rule)
            for t in (example, with_from(example))
            if findings(rule, t, s, tmp_path)
        ),
        None,
    )
    assert setup is not None, f"{rule.code}: its documented example is not flagged:\n{example}"
    if fixed is not None:
        assert not findings(rule, with_from(fixed), setup[0], tmp_path), (
            f"{rule.code}: its documented fix is still flagged:\n{fixed}"
        )

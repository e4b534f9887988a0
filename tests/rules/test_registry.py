"""Meta-tests over the rule registry."""

from __future__ import annotations

import importlib
import pkgutil

import yaml

import dockerls.analysis.rules as rules_pkg
from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import FixAvailability

from .harness import CASES


def test_every_rule_module_is_registered_once() -> None:
    modules = [
        m.name
        for m in pkgutil.iter_modules(rules_pkg.__path__)
        if m.name not in ("base",) and not m.name.startswith("_")
    ]
    registered = [type(r).__module__.rsplit(".", 1)[1] for r in RULES]
    assert sorted(registered) == sorted(set(registered)), "a rule is registered twice"
    for name in modules:
        mod = importlib.import_module(f"dockerls.analysis.rules.{name}")
        if hasattr(mod, "RULE"):
            assert name in registered, f"{name} defines RULE but is not in RULES"


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    for r in RULES:
        assert r.name == r.name.lower() and " " not in r.name, r.name


def test_docstrings_have_sections() -> None:
    for r in RULES:
        doc = r.doc
        for section in ("What it does:", "Why it matters:", "Example:", "Fix:"):
            assert section in doc, f"{r.code} lacks {section!r}"


def test_every_rule_has_fixtures_and_fixable_rules_have_fix_cases() -> None:
    for r in RULES:
        path = CASES / f"{r.code}.yaml"
        assert path.exists(), f"no fixture file for {r.code}"
        data = yaml.safe_load(path.read_text())
        cases = data["cases"]
        assert any(c.get("expect") for c in cases), f"{r.code}: no failing case"
        assert any(not c.get("expect") for c in cases), f"{r.code}: no passing case"
        if r.fix is not FixAvailability.NONE:
            assert any("fixed" in c for c in cases), f"{r.code}: fixable but no fix case"


def test_incremental_lint_equals_full_lint() -> None:
    """The keystroke fast path gives exactly what a full lint gives."""
    import random

    from dockerls.analysis.engine import Linter
    from dockerls.syntax.parser import parse
    from dockerls.syntax.reparse import reparse
    from tests.support import corpus_files

    files = corpus_files()[:60]
    text = "".join(f.read_text(errors="replace") + "\n" for f in files)
    p = parse(text)
    linter = Linter()
    linter.lint(p)
    rng = random.Random(7)
    for k in range(30):
        blanks = [i for i, it in enumerate(p.items) if not it.text.strip()]
        if k % 3 == 2 and blanks:  # typing a new instruction on an empty line
            i = rng.choice(blanks)
            q = reparse(p, p.starts[i], p.starts[i], rng.choice(["x", "run y", "ARG A", "#"]))
            assert linter.lint(q).per_item == Linter().lint(parse(q.text)).per_item
            p = q
            continue
        if k % 2:  # every other edit lands in a FROM line (tags, aliases)
            froms = [i for i, it in p.instructions() if it.name == "FROM"]
            i = rng.choice(froms)
            off = p.starts[i] + rng.randrange(len(p.items[i].text))
        else:
            off = rng.randrange(len(p.text))
        q = reparse(p, off, off, rng.choice(["x", " ", "$", "\\", "\n", "#"]))
        got = linter.lint(q).per_item
        assert got == Linter().lint(parse(q.text)).per_item
        p = q


def test_unknown_code_in_a_pragma_is_reported() -> None:
    from dockerls.analysis.engine import Linter
    from dockerls.syntax.parser import parse

    p = parse("FROM alpine:3\n# hadolint ignore=DL9999,DL3003\nRUN cd /x\n")
    found = Linter().lint(p).all()
    codes = [(i, v.code) for i, v in found]
    assert (1, "UnknownRuleCode") in codes
    assert all(c != "DL3003" for _i, c in codes)  # the known code still works
    v = next(v for _i, v in found if v.code == "UnknownRuleCode")
    assert p.items[1].text[v.span.start : v.span.end] == "DL9999"

"""``dockerls rules`` (the rule table) and ``dockerls rule CODE`` (one rule's documentation)."""

from __future__ import annotations

import argparse
import json
import sys

from dockerls.analysis.rules.base import FixAvailability, Rule


def _rules() -> tuple[Rule, ...]:
    from dockerls.analysis.rules import RULES

    return RULES


def rule_row(r: Rule) -> dict[str, str | bool]:
    return {
        "code": r.code,
        "name": r.name,
        "severity": r.severity.label,
        "group": r.group,
        "fixable": r.fix is not FixAvailability.NONE,
    }


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lp = sub.add_parser("rules", help="list the rules (code, name, severity, group, fixable)")
    lp.add_argument("--group", default=None, help="only this group")
    lp.add_argument("--json", action="store_true", help="print JSON")
    lp.set_defaults(func=run_rules)
    rp = sub.add_parser("rule", help="print the documentation of one rule")
    rp.add_argument("code", help="a code (DL3006) or a rule name (untagged-image)")
    rp.set_defaults(func=run_rule)


def run_rules(args: argparse.Namespace) -> int:
    rows = [rule_row(r) for r in _rules() if args.group in (None, r.group)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    widths = {k: max([len(k), *(len(_cell(r[k])) for r in rows)]) for k in rows[0]} if rows else {}
    keys = ("code", "name", "severity", "group", "fixable")
    print("  ".join(k.upper().ljust(widths.get(k, len(k))) for k in keys).rstrip())
    for r in rows:
        print("  ".join(_cell(r[k]).ljust(widths[k]) for k in keys).rstrip())
    return 0


def _cell(v: str | bool) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def find_rule(key: str) -> Rule | None:
    low = key.lower()
    for r in _rules():
        if r.code.lower() == low or r.name == low:
            return r
    return None


def render_rule(r: Rule) -> str:
    """The rule's page: a header line, then its docstring."""
    fix = {"none": "no", "sometimes": "sometimes", "always": "yes"}[r.fix.value]
    head = f"{r.code} ({r.name})\nseverity: {r.severity.label}  group: {r.group}  fixable: {fix}"
    if r.same_as:
        head += f"\nsame as: {', '.join(r.same_as)}"
    return f"{head}\n\n{_dedent(r.doc)}\n"


def _dedent(doc: str) -> str:
    lines = doc.splitlines()
    if len(lines) <= 1:
        return doc
    rest = [ln for ln in lines[1:] if ln.strip()]
    indent = min((len(ln) - len(ln.lstrip()) for ln in rest), default=0)
    return "\n".join([lines[0], *(ln[indent:] for ln in lines[1:])])


def run_rule(args: argparse.Namespace) -> int:
    r = find_rule(args.code)
    if r is None:
        print(f"dockerls: no rule {args.code!r} (see `dockerls rules`)", file=sys.stderr)
        return 2
    sys.stdout.write(render_rule(r))
    return 0

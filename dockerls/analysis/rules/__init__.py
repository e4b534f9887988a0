"""The explicit registry of every rule.

Each group module lists its rules by hand; this tuple joins the groups.  A
meta-test checks that every rule module is listed exactly once.
"""

from __future__ import annotations

from dockerls.analysis.rules import (
    group_best_practice,
    group_buildkit,
    group_hadolint_misc,
    group_hadolint_pm,
    group_hadolint_run,
    group_registry,
    group_shellcheck,
    group_syntax,
)
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (
    *group_syntax.RULES,
    *group_buildkit.RULES,
    *group_hadolint_pm.RULES,
    *group_hadolint_run.RULES,
    *group_hadolint_misc.RULES,
    *group_best_practice.RULES,
    *group_registry.RULES,
    *group_shellcheck.RULES,
)

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

# codes the parser reports without a rule module
SYNTAX_CODES: frozenset[str] = frozenset(
    {
        "JSONNotStrings",
        "MissingValue",
        "MissingEquals",
        "UnterminatedHeredoc",
        "InvalidHeredoc",
        "LineTooLong",
        "DuplicateDirective",
        "InvalidEscape",
        "UnknownRuleCode",  # a pragma names a code no rule has (engine.py)
    }
)


def known_code(code: str) -> bool:
    """Whether ``code`` names a rule, a parser check, or a ShellCheck code."""
    return code in BY_CODE or code in SYNTAX_CODES or (code.startswith("SC") and code[2:].isdigit())

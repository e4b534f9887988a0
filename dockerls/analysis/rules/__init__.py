"""The explicit registry of every rule.

Each group module lists its rules by hand; ``RULES`` joins the groups.  A
meta-test checks that every rule module is listed exactly once.

The registry loads when ``RULES`` or ``BY_CODE`` is first read, not when the
package is imported: importing ``rules.base`` (the types every layer shares)
runs this file, and a process that hasn't linted yet (the server answering
``initialize``) needs none of the rule modules.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...]  # bound on first read, by __getattr__
BY_CODE: dict[str, Rule]

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


@functools.cache
def registry() -> tuple[tuple[Rule, ...], dict[str, Rule]]:
    """``RULES`` and ``BY_CODE``, the group modules imported on the first call."""
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

    rules = (
        *group_syntax.RULES,
        *group_buildkit.RULES,
        *group_hadolint_pm.RULES,
        *group_hadolint_run.RULES,
        *group_hadolint_misc.RULES,
        *group_best_practice.RULES,
        *group_registry.RULES,
        *group_shellcheck.RULES,
    )
    return rules, {r.code: r for r in rules}


def __getattr__(name: str) -> object:
    """``RULES`` and ``BY_CODE``, loaded on first read (then plain globals)."""
    if name == "RULES":
        value: object = registry()[0]
    elif name == "BY_CODE":
        value = registry()[1]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def known_code(code: str) -> bool:
    """Whether ``code`` names a rule, a parser check, a ShellCheck code, or a Compose, Bake or
    ignore file's problem."""
    # here, not at the top: those modules import ``rules.base``, which runs this file
    from dockerls.analysis.builds import BUILD_FILE_CODES
    from dockerls.analysis.dockerignore import IGNORE_PATTERN_CODE

    if code in SYNTAX_CODES or (code.startswith("SC") and code[2:].isdigit()):
        return True
    if code in BUILD_FILE_CODES or code == IGNORE_PATTERN_CODE:
        return True
    return code in registry()[1]

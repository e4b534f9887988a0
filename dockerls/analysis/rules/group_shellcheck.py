"""ShellCheck section: its findings on RUN scripts, as one rule.

The results come from the ``shellcheck`` binary, run by the caller (server or
CLI) and handed over as ``Facts.shellcheck``; the rule maps them back to the
Dockerfile, and the engine suppresses them like any other finding.
"""

from __future__ import annotations

from dockerls.analysis.rules import sc_shellcheck
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (sc_shellcheck.RULE,)

"""Registry section: the rules of this group, listed explicitly."""

from __future__ import annotations

from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = ()

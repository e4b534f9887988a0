"""Registry section: the rules of this group, listed explicitly."""

from __future__ import annotations

from dockerls.analysis.rules import dl3006_untagged_image
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (dl3006_untagged_image.RULE,)

"""Registry section: checks that need what an image registry says.

Their facts (tag lists, current digests) come from the server's registry
lookups as ``model.facts.images``; without them, offline and in the
command line, they are silent.  Both are off by default in the server
(``registry.diagnostics``).
"""

from __future__ import annotations

from dockerls.analysis.rules import (
    dls201_unknown_image_tag,
    dls202_outdated_image_digest,
    dls310_base_image_vulnerabilities,
)
from dockerls.analysis.rules.base import Rule

RULES: tuple[Rule, ...] = (
    dls201_unknown_image_tag.RULE,
    dls202_outdated_image_digest.RULE,
    dls310_base_image_vulnerabilities.RULE,
)

"""Rule options: the settings a few rules read (hadolint's configuration keys).

Configuration, not outside facts (those are :mod:`dockerls.analysis.facts`):
they come from the editor settings, ``.hadolint.yaml`` and ``HADOLINT_*``
through :func:`dockerls.settings.to_lint_config`, and rules read them as
``model.options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RuleOptions:
    trusted_registries: tuple[str, ...] = ()  # DL3026: allowed registries (globs)
    label_schema: Mapping[str, str] = field(default_factory=dict)  # DL3049-DL3058: label -> type
    strict_labels: bool = False  # DL3050: labels outside the schema are reported
    lifecycle_warn_days: int = 90  # DLS302: how early an end of life is announced
    vulnerabilities_min_severity: str = "high"  # DLS310: the lowest severity counted

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RuleOptions:
        """From plain data (YAML fixtures)."""
        raw = data.get("trusted_registries") or ()
        regs = (raw,) if isinstance(raw, str) else tuple(str(r) for r in raw)
        schema = {str(k): str(v).lower() for k, v in (data.get("label_schema") or {}).items()}
        return cls(
            regs,
            schema,
            bool(data.get("strict_labels")),
            int(data.get("lifecycle_warn_days", 90)),
            str(data.get("vulnerabilities_min_severity", "high")),
        )


NO_OPTIONS = RuleOptions()

__all__ = ["NO_OPTIONS", "RuleOptions"]

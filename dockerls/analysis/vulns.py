"""Known vulnerabilities of a base image: the typed report the vulnerability rule and hover read.

The report is an outside fact, made by ``dockerls.registry.vulnscan`` from the image's SBOM
attestation and OSV, and handed to the engine.  ``status`` tells a clean image (``ok`` with no
findings) from one that publishes no SBOM (``no-sbom``) and from a failed lookup (``error``):
an image without an SBOM never reads as "0 vulnerabilities".

Pure: no IO, no LSP types.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from dockerls.syntax.platforms import DEFAULT_PLATFORM

__all__ = ["Severity", "VulnReport", "Vulnerability", "severity_from_score"]


class Severity(enum.IntEnum):
    """Ordered: a higher value is worse."""

    UNKNOWN = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str | None) -> Severity:
        key = (text or "").strip().upper()
        aliases = {"MODERATE": "MEDIUM", "IMPORTANT": "HIGH", "NEGLIGIBLE": "LOW"}
        key = aliases.get(key, key)
        return cls[key] if key in cls.__members__ else cls.UNKNOWN


def severity_from_score(score: float) -> Severity:
    """CVSS qualitative rating of a base score."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.UNKNOWN


class Vulnerability(NamedTuple):
    """One known vulnerability of an installed package, and the version that fixes it."""

    id: str
    package: str
    installed: str
    fixed: str | None
    severity: Severity
    summary: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"https://osv.dev/vulnerability/{self.id}"


class VulnReport(NamedTuple):
    """What is known of one image (for one platform)."""

    reference: str
    status: str  # "ok" | "no-sbom" | "error"
    platform: str | None = None
    vulnerabilities: tuple[Vulnerability, ...] = ()
    packages: int = 0
    message: str = ""
    skipped: tuple[str, ...] = ()  # ecosystems OSV was not asked about
    # a report of several platforms' images of one reference (``combined``): theirs
    platforms: tuple[str, ...] = ()

    @classmethod
    def combined(cls, reports: Sequence[VulnReport]) -> VulnReport:
        """One report for the images of one reference on several platforms (a build for
        linux/amd64 and linux/arm64): ``ok`` with each vulnerability any of the ``ok``
        ones has, once, and their platforms; else (no SBOM, failed) the first report."""
        ok = [r for r in reports if r.status == "ok"]
        if len(reports) == 1 or not ok:
            return reports[0]
        return cls(
            ok[0].reference,
            "ok",
            ok[0].platform,
            dedupe((v for r in ok for v in r.vulnerabilities), by_version=True),
            max(r.packages for r in ok),
            skipped=tuple(sorted({e for r in ok for e in r.skipped})),
            platforms=tuple(r.platform or DEFAULT_PLATFORM for r in ok),
        )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VulnReport:
        """From plain data (rule fixtures): ``{status, vulnerabilities: [{id, package,
        installed, fixed, severity}]}``."""
        vulns = tuple(
            Vulnerability(
                id=str(v["id"]),
                package=str(v.get("package", "")),
                installed=str(v.get("installed", "")),
                fixed=v.get("fixed"),
                severity=Severity.parse(v.get("severity")),
            )
            for v in data.get("vulnerabilities") or ()
        )
        return cls(str(data.get("reference", "")), str(data.get("status", "ok")), None, vulns)

    @property
    def across(self) -> str:
        """`` across linux/amd64, linux/arm64`` for a report of several platforms (the words
        that say so in a message); else ``""``."""
        return f" across {', '.join(self.platforms)}" if len(self.platforms) > 1 else ""

    def counts(self) -> dict[Severity, int]:
        out = {severity: 0 for severity in sorted(Severity, reverse=True)}
        for vuln in self.vulnerabilities:
            out[vuln.severity] += 1
        return out

    def at_least(self, minimum: Severity) -> int:
        return sum(1 for v in self.vulnerabilities if v.severity >= minimum)

    def top(self, n: int = 10) -> list[Vulnerability]:
        return sorted(
            self.vulnerabilities, key=lambda v: (-v.severity, v.fixed is None, v.package, v.id)
        )[:n]

    def counts_text(self, minimum: Severity = Severity.LOW) -> str:
        parts = [
            f"{count} {severity.label}"
            for severity, count in self.counts().items()
            if count and severity >= minimum
        ]
        return ", ".join(parts) if parts else "none"

    def fixed_by(self, other: VulnReport) -> int:
        """How many of these vulnerabilities ``other`` (e.g. a suggested upgrade) no longer has."""
        theirs = {v.id for v in other.vulnerabilities}
        return sum(1 for v in self.vulnerabilities if v.id not in theirs)


def dedupe(vulns: Iterable[Vulnerability], by_version: bool = False) -> tuple[Vulnerability, ...]:
    """One entry per (id, package); ``by_version``: per (id, package, installed version),
    so that the same package at one version on two platforms is one vulnerability."""
    seen: dict[tuple[str, ...], Vulnerability] = {}
    for vuln in vulns:
        key = (vuln.id, vuln.package, vuln.installed) if by_version else (vuln.id, vuln.package)
        seen.setdefault(key, vuln)
    return tuple(seen.values())

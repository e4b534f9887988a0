"""Known vulnerabilities of an image, from its SBOM attestation and OSV.

BuildKit (``--sbom``) and Docker's official images attach an SPDX SBOM to an image index:

- an index entry with platform ``unknown/unknown`` and the annotations
  ``vnd.docker.reference.type: attestation-manifest`` and ``vnd.docker.reference.digest: <the
  image manifest it describes>``;
- in that attestation manifest, layers of type ``application/vnd.in-toto+json`` whose
  ``in-toto.io/predicate-type`` annotation is ``https://spdx.dev/Document``: an in-toto
  statement whose ``predicate`` is the SPDX document.

``scan()`` resolves the index for a platform, reads the package URLs out of the SBOM (cached by
digest: attestations are immutable), asks OSV about each package by its ecosystem and *source*
package name (``Debian:12``, ``Alpine:v3.21``, ``Ubuntu:24.04:LTS``), and returns a typed
``VulnReport``.  Blocking: the server runs it in a worker thread.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError
from packageurl import PackageURL

from dockerls.analysis.vulns import Severity, Vulnerability, VulnReport, dedupe, severity_from_score
from dockerls.registry.base import RefLike, RegistryError, as_ref
from dockerls.registry.cache import TTLCache
from dockerls.registry.http import HttpRegistry
from dockerls.registry.osv import OsvClient, OsvError, OsvQuery
from dockerls.syntax.platforms import DEFAULT_PLATFORM

__all__ = ["SbomPackage", "VulnScanner", "ecosystem_query", "read_sbom"]

log = logging.getLogger(__name__)

ATTESTATION = "attestation-manifest"
IN_TOTO = "application/vnd.in-toto+json"
SPDX_PREDICATE = "https://spdx.dev/Document"
NO_SBOM = "no SBOM published for this image"


@dataclass(frozen=True, slots=True)
class SbomPackage:
    purl: str
    name: str
    version: str


def read_sbom(statement: Any) -> list[SbomPackage]:
    """The packages (with purls) of an in-toto statement carrying an SPDX document."""
    predicate = statement.get("predicate") if isinstance(statement, dict) else None
    packages = predicate.get("packages") if isinstance(predicate, dict) else None
    out: list[SbomPackage] = []
    for package in packages if isinstance(packages, list) else ():
        if not isinstance(package, dict):
            continue
        for ref in package.get("externalRefs") or ():
            if isinstance(ref, dict) and ref.get("referenceType") == "purl":
                locator = ref.get("referenceLocator")
                if isinstance(locator, str) and locator.startswith("pkg:"):
                    out.append(
                        SbomPackage(
                            locator,
                            str(package.get("name", "")),
                            str(package.get("versionInfo", "")),
                        )
                    )
    return out


_LANGUAGE = {
    "pypi": "PyPI",
    "npm": "npm",
    "golang": "Go",
    "maven": "Maven",
    "gem": "RubyGems",
    "cargo": "crates.io",
    "nuget": "NuGet",
    "composer": "Packagist",
    "hex": "Hex",
    "pub": "Pub",
}
_RPM = {"almalinux": "AlmaLinux", "rocky": "Rocky Linux", "rocky-linux": "Rocky Linux"}


def _release(distro: str | None, prefix: str) -> str | None:
    """``debian-12.5`` -> ``12.5``; ``alpine-3.21.2`` -> ``3.21.2``."""
    if not distro:
        return None
    match = re.match(rf"^{prefix}-(\d[\w.]*)$", distro)
    return match.group(1) if match else None


def _source(purl: PackageURL) -> str:
    upstream = purl.qualifiers.get("upstream") if isinstance(purl.qualifiers, dict) else None
    if upstream:
        return str(upstream).split("@", 1)[0].strip() or purl.name
    return purl.name


def read_purl(text: str) -> PackageURL | None:
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None


def ecosystem_query(purl: PackageURL | str, os_release: dict[str, str]) -> OsvQuery | None:
    """The OSV query for one purl (parsed, or its text), by ecosystem and source package;
    ``None`` if OSV can't say.

    ``os_release`` maps a distro namespace (``debian``) to its release from the SBOM's
    operating-system entry, for purls that lack a ``distro`` qualifier.
    """
    if isinstance(purl, str):
        parsed = read_purl(purl)
        if parsed is None:
            return None
        purl = parsed
    if not purl.version:
        return None
    qualifiers = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
    namespace = (purl.namespace or "").lower()
    distro = qualifiers.get("distro")
    if purl.type == "deb" and namespace in ("debian", "ubuntu"):
        release = _release(distro, namespace) or os_release.get(namespace)
        if release is None:
            return None
        if namespace == "debian":
            ecosystem = f"Debian:{release.split('.')[0]}"
        else:
            major, _, minor = release.partition(".")
            lts = minor[:2] == "04" and major.isdigit() and int(major) % 2 == 0
            ecosystem = f"Ubuntu:{major}.{minor[:2]}" + (":LTS" if lts else "")
        return OsvQuery(ecosystem, _source(purl), purl.version)
    if purl.type == "apk" and namespace == "alpine":
        release = _release(distro, "alpine") or os_release.get("alpine")
        if release is None:
            return None
        major_minor = ".".join(release.split(".")[:2])
        return OsvQuery(f"Alpine:v{major_minor}", _source(purl), purl.version)
    if purl.type == "rpm" and namespace in _RPM:
        release = _release(distro, namespace) or os_release.get(namespace)
        if release is None:
            return None
        return OsvQuery(f"{_RPM[namespace]}:{release.split('.')[0]}", _source(purl), purl.version)
    if purl.type in _LANGUAGE:
        ecosystem = _LANGUAGE[purl.type]
        if purl.type == "maven" and purl.namespace:
            name = f"{purl.namespace}:{purl.name}"
        elif purl.type in ("golang", "npm") and purl.namespace:
            name = f"{purl.namespace}/{purl.name}"
        else:
            name = purl.name
        return OsvQuery(ecosystem, name, purl.version)
    return None


def _os_release(purls: Iterable[PackageURL]) -> dict[str, str]:
    """Distro releases named by purls' ``distro`` qualifiers (the SBOM's own OS entry)."""
    out: dict[str, str] = {}
    for purl in purls:
        qualifiers = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
        match = re.match(r"([a-z-]+?)-(\d[\w.]*)$", str(qualifiers.get("distro") or ""))
        if match:
            out.setdefault(match.group(1), match.group(2))
    return out


def record_severity(record: dict[str, Any]) -> Severity:
    """The worst severity a record gives: CVSS vectors, a distro's rating, or its database's."""
    best = Severity.UNKNOWN
    entries = list(record.get("severity") or ())
    for affected in record.get("affected") or ():
        if isinstance(affected, dict):
            entries += list(affected.get("severity") or ())
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        kind, score = entry.get("type"), str(entry.get("score", ""))
        try:
            if kind == "CVSS_V4":
                best = max(best, severity_from_score(float(CVSS4(score).base_score)))
            elif kind == "CVSS_V3":
                best = max(best, severity_from_score(float(CVSS3(score).scores()[0])))
            elif kind == "CVSS_V2":
                best = max(best, severity_from_score(float(CVSS2(score).scores()[0])))
            else:  # "Ubuntu" and other qualitative ratings
                best = max(best, Severity.parse(score))
        except (CVSSError, ValueError, IndexError):
            continue
    specific = record.get("database_specific")
    if best is Severity.UNKNOWN and isinstance(specific, dict):
        best = Severity.parse(str(specific.get("severity", "")))
    return best


def _fixed(record: dict[str, Any], query: OsvQuery) -> str | None:
    for affected in record.get("affected") or ():
        package = affected.get("package") if isinstance(affected, dict) else None
        if not isinstance(package, dict) or package.get("name") != query.name:
            continue
        for rng in affected.get("ranges") or ():
            for event in rng.get("events") or () if isinstance(rng, dict) else ():
                if isinstance(event, dict) and "fixed" in event:
                    return str(event["fixed"])
    return None


class VulnScanner:
    """``scan(ref, platform) -> VulnReport``; the SBOM's package list is cached by digest."""

    def __init__(self, registry: HttpRegistry, osv: OsvClient, cache_dir: Path | None) -> None:
        self.registry = registry
        self.osv = osv
        self._sboms = TTLCache(365 * 24 * 3600.0, cache_dir / "sbom" if cache_dir else None)

    def packages(self, ref: RefLike, platform: str | None) -> tuple[str, list[SbomPackage]] | None:
        """``(image manifest digest, packages)``, or ``None`` when no SBOM is published."""
        r = as_ref(ref)
        info = self.registry.resolve(r, platform or DEFAULT_PLATFORM)
        if not info.is_multi_platform or info.manifest_digest is None:
            return None
        cached = self._sboms.get(f"sbom|{info.manifest_digest}")
        if isinstance(cached, list):
            return info.manifest_digest, [SbomPackage(*p) for p in cached]
        _, _, index = self.registry.manifest(r, info.digest)
        attestation = next(
            (
                entry
                for entry in index.get("manifests") or ()
                if isinstance(entry, dict)
                and (entry.get("annotations") or {}).get("vnd.docker.reference.type") == ATTESTATION
                and (entry.get("annotations") or {}).get("vnd.docker.reference.digest")
                == info.manifest_digest
            ),
            None,
        )
        if attestation is None:
            return None
        _, _, manifest = self.registry.manifest(r, str(attestation["digest"]))
        packages: list[SbomPackage] = []
        found = False
        for layer in manifest.get("layers") or ():
            annotations = layer.get("annotations") or {} if isinstance(layer, dict) else {}
            predicate = str(annotations.get("in-toto.io/predicate-type", ""))
            if layer.get("mediaType") == IN_TOTO and predicate.startswith(SPDX_PREDICATE):
                found = True
                statement = json.loads(self.registry.blob(r, str(layer["digest"])))
                packages.extend(read_sbom(statement))
        if not found:
            return None
        self._sboms.put(
            f"sbom|{info.manifest_digest}", [[p.purl, p.name, p.version] for p in packages]
        )
        return info.manifest_digest, packages

    def scan(self, ref: RefLike, platform: str | None = None) -> VulnReport:
        r = as_ref(ref)
        try:
            found = self.packages(r, platform)
        except (RegistryError, ValueError) as exc:
            return VulnReport(r.text, "error", platform, message=str(exc))
        if found is None:
            return VulnReport(r.text, "no-sbom", platform, message=NO_SBOM)
        _, packages = found
        purls = [(package, read_purl(package.purl)) for package in packages]  # parsed once
        releases = _os_release(purl for _, purl in purls if purl is not None)
        queries: dict[OsvQuery, SbomPackage] = {}
        skipped: set[str] = set()
        for package, purl in purls:
            query = ecosystem_query(purl, releases) if purl is not None else None
            if query is None:
                skipped.add(package.purl.split("/", 1)[0])
            else:
                queries.setdefault(query, package)
        try:
            hits = self.osv.query(list(queries))
            vulns: list[Vulnerability] = []
            for query, pairs in hits.items():
                for vuln_id, modified in pairs[: self.osv.max_records]:
                    record = self.osv.record(vuln_id, modified)
                    vulns.append(
                        Vulnerability(
                            id=vuln_id,
                            package=query.name,
                            installed=query.version,
                            fixed=_fixed(record, query),
                            severity=record_severity(record),
                            summary=str(record.get("summary") or "")[:200],
                            aliases=tuple(str(a) for a in record.get("aliases") or ()),
                        )
                    )
        except OsvError as exc:
            return VulnReport(r.text, "error", platform, packages=len(packages), message=str(exc))
        return VulnReport(
            r.text,
            "ok",
            platform,
            dedupe(vulns),
            packages=len(packages),
            skipped=tuple(sorted(skipped)),
        )

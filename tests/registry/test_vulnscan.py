"""Vulnerabilities from SBOM attestations: the real registry on loopback holds an index with an
image, its attestation manifest and an SPDX in-toto SBOM; a stub OSV answers on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockerls.analysis.vulns import Severity
from dockerls.registry.http import HttpRegistry
from dockerls.registry.osv import OsvClient
from dockerls.registry.settings import RegistrySettings
from dockerls.registry.vulnscan import VulnScanner, ecosystem_query

from .local_registry import LocalRegistry, push_attested_index
from .osv_stub import osv_handler
from .stubs import BlackHole, StubServer

PURLS = [
    "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5&upstream=openssl",
    "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12.5&upstream=glibc",
    "pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12.5",
    "pkg:apk/alpine/busybox-binsh@1.37.0-r8?arch=x86_64&distro=alpine-3.21.2&upstream=busybox",
    "pkg:pypi/requests@2.31.0",
]


@pytest.fixture(scope="module")
def attested(local_registry: LocalRegistry) -> LocalRegistry:
    push_attested_index(local_registry.url, "sec/app", ["1.0"], PURLS)
    push_attested_index(local_registry.url, "sec/plain", ["1.0"], None)
    return local_registry


def _scanner(
    settings: RegistrySettings, url: str, tmp_path: Path, timeout: float = 3
) -> VulnScanner:
    osv = OsvClient(url, timeout=timeout, cache_dir=tmp_path / "osv")
    return VulnScanner(HttpRegistry(settings), osv, tmp_path / "vulns")


def test_sbom_packages_are_queried_by_ecosystem_and_source_name(
    attested: LocalRegistry, settings: RegistrySettings, tmp_path: Path
) -> None:
    with StubServer(osv_handler) as osv:
        report = _scanner(settings, osv.url, tmp_path).scan(f"{attested.host}/sec/app:1.0")
        batch = json.loads(next(s for s in osv.seen if s.path == "/v1/querybatch").body)
    asked = {
        (q["package"]["ecosystem"], q["package"]["name"], q["version"]) for q in batch["queries"]
    }
    assert ("Debian:12", "openssl", "3.0.11-1~deb12u2") in asked
    assert ("Debian:12", "glibc", "2.36-9+deb12u4") in asked
    assert ("Debian:12", "bash", "5.2.15-2+b2") in asked
    assert ("Alpine:v3.21", "busybox", "1.37.0-r8") in asked
    assert ("PyPI", "requests", "2.31.0") in asked
    assert report.status == "ok" and report.packages == len(PURLS)
    counts = report.counts()
    assert (
        counts[Severity.CRITICAL] == 1 and counts[Severity.HIGH] == 2 and counts[Severity.LOW] == 1
    )
    top = report.top()
    assert top[0].id == "DEBIAN-CVE-2026-0001" and top[0].fixed == "3.0.15-1~deb12u1"
    assert top[0].installed == "3.0.11-1~deb12u2" and top[0].package == "openssl"


def test_an_image_without_sbom_is_not_reported_clean(
    attested: LocalRegistry, settings: RegistrySettings, tmp_path: Path
) -> None:
    with StubServer(osv_handler) as osv:
        report = _scanner(settings, osv.url, tmp_path).scan(f"{attested.host}/sec/plain:1.0")
        assert osv.seen == []
    assert report.status == "no-sbom" and "no SBOM" in report.message


def test_sbom_is_cached_by_digest_and_records_by_modified(
    attested: LocalRegistry, settings: RegistrySettings, tmp_path: Path
) -> None:
    with StubServer(osv_handler) as osv:
        _scanner(settings, osv.url, tmp_path).scan(f"{attested.host}/sec/app:1.0")
        first = len(osv.seen)
        again = _scanner(settings, osv.url, tmp_path).scan(f"{attested.host}/sec/app:1.0")
        assert len(osv.seen) == first  # queries and records came from the disk cache
    assert again.status == "ok" and again.at_least(Severity.HIGH) == 3


def test_a_dead_osv_gives_an_error_report_within_the_timeout(
    attested: LocalRegistry, settings: RegistrySettings, tmp_path: Path
) -> None:
    with BlackHole() as hole:
        report = _scanner(settings, f"http://{hole.host}", tmp_path, timeout=0.5).scan(
            f"{attested.host}/sec/app:1.0"
        )
    assert report.status == "error" and report.vulnerabilities == ()


def test_registry_disabled_requests_nothing(attested: LocalRegistry, tmp_path: Path) -> None:
    off = RegistrySettings(
        enabled=False, cache_dir=tmp_path / "c", docker_config=tmp_path / "x.json"
    )
    with StubServer(osv_handler) as osv:
        report = _scanner(off, osv.url, tmp_path).scan(f"{attested.host}/sec/app:1.0")
        assert osv.seen == []
    assert report.status == "error"


@pytest.mark.parametrize(
    ("purl", "expected"),
    [
        (
            "pkg:deb/ubuntu/libssl3@3.0.13-0ubuntu3?distro=ubuntu-24.04&upstream=openssl",
            ("Ubuntu:24.04:LTS", "openssl"),
        ),
        (
            "pkg:deb/ubuntu/libc6@2.40-1ubuntu3?distro=ubuntu-24.10&upstream=glibc",
            ("Ubuntu:24.10", "glibc"),
        ),
        (
            "pkg:apk/alpine/libcrypto3@3.3.2-r0?distro=alpine-3.20.3&upstream=openssl",
            ("Alpine:v3.20", "openssl"),
        ),
        ("pkg:golang/golang.org/x/net@v0.20.0", ("Go", "golang.org/x/net")),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            ("Maven", "org.apache.logging.log4j:log4j-core"),
        ),
        ("pkg:npm/%40babel/core@7.0.0", ("npm", "@babel/core")),
    ],
)
def test_ecosystems_and_source_names(purl: str, expected: tuple[str, str]) -> None:
    query = ecosystem_query(purl, {})
    assert query is not None and (query.ecosystem, query.name) == expected


def test_a_distro_package_without_a_release_is_not_asked() -> None:
    assert ecosystem_query("pkg:deb/debian/bash@5.2", {}) is None
    assert ecosystem_query("pkg:deb/debian/bash@5.2", {"debian": "12"}) is not None

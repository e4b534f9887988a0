"""VulnReport.combined: one report for an image's platforms (a multi-platform build)."""

from __future__ import annotations

from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts, ImageFacts
from dockerls.analysis.vulns import Severity, Vulnerability, VulnReport
from dockerls.syntax.parser import parse

OPENSSL = Vulnerability("CVE-1", "openssl", "3.0.11", "3.0.15", Severity.CRITICAL)
GLIBC = Vulnerability("CVE-2", "glibc", "2.36", None, Severity.HIGH)
ZLIB = Vulnerability("CVE-3", "zlib", "1.2", "1.3", Severity.LOW)


def _ok(platform: str | None, *vulns: Vulnerability, packages: int = 10) -> VulnReport:
    return VulnReport("python:3.12", "ok", platform, vulns, packages)


def test_one_report_stays_as_it_is() -> None:
    alone = _ok("linux/arm64", OPENSSL)
    assert VulnReport.combined([alone]) is alone


def test_platforms_combined_count_each_vulnerability_once() -> None:
    amd = _ok(None, OPENSSL, ZLIB, packages=120)
    arm = _ok("linux/arm64", OPENSSL, GLIBC, packages=118)
    both = VulnReport.combined([amd, arm])
    assert both.status == "ok"
    assert both.vulnerabilities == (OPENSSL, ZLIB, GLIBC)
    assert both.platforms == ("linux/amd64", "linux/arm64")  # no platform asked: amd64's
    assert both.packages == 120
    assert both.counts_text(Severity.HIGH) == "1 critical, 1 high"


def test_a_platform_without_sbom_leaves_the_others_reported() -> None:
    missing = VulnReport("python:3.12", "no-sbom", "linux/amd64")
    arm = _ok("linux/arm64", GLIBC)
    assert VulnReport.combined([missing, arm]).vulnerabilities == (GLIBC,)
    assert VulnReport.combined([missing, missing]) is missing  # nothing known: as it was


def test_dls310_names_the_platforms_of_a_combined_report() -> None:
    text = "FROM python:3.12\n"
    report = VulnReport.combined([_ok(None, OPENSSL), _ok("linux/arm64", GLIBC)])
    facts = Facts(images={"python:3.12": ImageFacts(vulnerabilities=report)})
    result = Linter().lint(parse(text), facts=facts)
    [found] = [v for vs in result.per_item.values() for v in vs if v.code == "DLS310"]
    assert "(1 critical, 1 high) across linux/amd64, linux/arm64; worst: CVE-1" in found.message
    single = Facts(images={"python:3.12": ImageFacts(vulnerabilities=_ok(None, OPENSSL))})
    [alone] = [
        v
        for vs in Linter().lint(parse(text), facts=single).per_item.values()
        for v in vs
        if v.code == "DLS310"
    ]
    assert "across" not in alone.message

"""DLS310: the base image has known vulnerabilities at or above a severity."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.baseimage import base_images
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.vulns import Severity as VulnSeverity


class BaseImageVulnerabilities(Rule):
    """What it does:
    Reports a `FROM` image with known vulnerabilities at or above
    `images.vulnerabilities.minSeverity` (`high` by default), with the counts per severity.
    A build for several platforms (Compose's or Bake's `platforms`) has each platform's
    image inspected, and their vulnerabilities counted once each.
    The packages come from the SBOM attestation the image publishes (Docker's official images
    and anything built with BuildKit's `--sbom` have one), and the vulnerabilities from OSV,
    asked by each distribution's source package.  It needs the network, so it runs only when
    registry lookups are on (in the editor) or with `dockerls check --vulnerabilities`; an
    image without an SBOM is never reported as clean.

    Why it matters:
    Everything in the base image ships in yours.  A newer tag of the same line often fixes
    most of what is reported.

    Example:
    ```dockerfile
    FROM python:3.12.0-slim
    ```

    Fix:
    Rebuild on a newer patch release of the same line, or a leaner variant:
    ```dockerfile
    FROM python:3.12-slim
    ```
    """

    code = "DLS310"
    name = "base-image-vulnerabilities"
    severity = Severity.WARNING
    group = "registry"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        minimum = VulnSeverity.parse(model.options.vulnerabilities_min_severity)
        if minimum is VulnSeverity.UNKNOWN:
            minimum = VulnSeverity.HIGH
        for located in base_images(stage, model):  # the image of each build
            known = model.facts.images.get(located.text)
            report = known.vulnerabilities if known is not None else None
            if report is None or report.status != "ok":
                continue
            count = report.at_least(minimum)
            if count == 0:
                continue
            worst = report.top(1)[0]
            yield Finding(
                located.span(located.ref.tag_span or located.ref.name_span),
                f"{located.described} has {count} known vulnerabilit{'y' if count == 1 else 'ies'}"
                f" at {minimum.label} or above ({report.counts_text(minimum)}){report.across}; worst:"
                f" {worst.id} in {worst.package}",
                item=stage.first,
            )


RULE = BaseImageVulnerabilities()

"""Base-image intelligence for people: lifecycle, vulnerabilities and leaner variants.

One composition serves the hover on a FROM (markdown) and ``dockerls image`` (text or JSON), so
both say the same thing.  Inputs are values the caller already has: what the tag says
(``ImageRelease``), the lifecycle data and the day, and, when lookups ran, a ``VulnReport`` and
the sizes of leaner variants.  Pure: no IO, no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types as lsp

from dockerls.analysis.imagetags import ImageRelease
from dockerls.analysis.lifecycle import (
    LifecycleData,
    Product,
    Release,
    Support,
    SupportState,
    support_state,
)
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.upgrade import Upgrade, suggest_upgrade, upgrade_due
from dockerls.analysis.variants import Candidate
from dockerls.analysis.vulns import Severity, VulnReport
from dockerls.features.caps import ClientCaps
from dockerls.features.images import human_size
from dockerls.features.positions import item_range

__all__ = [
    "BaseImageView",
    "Variant",
    "VariantInfo",
    "describe",
    "markdown",
    "report_json",
    "report_lines",
    "variant_actions",
]

ENDOFLIFE_URL = "https://endoflife.date"


@dataclass(frozen=True, slots=True)
class VariantInfo:
    candidate: Candidate
    size: int | None = None  # compressed, for the chosen platform
    vulns: VulnReport | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    """A leaner variant for one stage: what FROM would say, the size change, what it lacks."""

    reference: str
    size_delta: int | None
    lacks: tuple[str, ...]


def variant_actions(
    model: Model, uri: str, stage: Stage, variants: Sequence[Variant], caps: ClientCaps
) -> list[lsp.CodeAction]:
    """ "Switch to `python:3.12-slim` (−680 MB)" for each leaner variant of ``stage``'s image;
    the title warns when later RUNs use a package manager the variant lacks."""
    if stage.image_span is None or "$" in stage.image:
        return []
    span = stage.image_span
    rng = item_range(model.parse, stage.first, span.start, span.end, caps.encoding)
    out = []
    for variant in variants:
        title = f"Switch to `{variant.reference}`"
        if variant.size_delta is not None:
            title += f" ({_signed_mb(variant.size_delta)})"
        if variant.lacks:
            title += f" — warning: it has no {', '.join(variant.lacks)}, which later RUNs use"
        out.append(
            lsp.CodeAction(
                title=title,
                kind=lsp.CodeActionKind.RefactorRewrite,
                edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(rng, variant.reference)]}),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class BaseImageView:
    """Everything known about one FROM's image, ready to render."""

    found: ImageRelease
    product: Product | None
    release: Release | None
    state: SupportState | None
    os_product: Product | None
    os_release: Release | None
    os_state: SupportState | None
    upgrade: Upgrade | None  # the suggested upgrade, when the lifecycle rules ask for one
    today: dt.date
    vulns: VulnReport | None = None
    upgrade_vulns: VulnReport | None = None  # the upgrade's report, for "fixes N of these"
    size: int | None = None
    variants: Sequence[VariantInfo] = field(default=())


def describe(
    found: ImageRelease,
    data: LifecycleData,
    today: dt.date,
    warn_days: int = 90,
    **extra: Any,
) -> BaseImageView:
    product = data.product(found.product)
    release = None
    if product is not None and found.cycle is not None:
        release = product.release(tuple(found.cycle.split(".")))
    state = support_state(product, release, today, warn_days) if product and release else None
    os_product = data.product(found.os.product) if found.os else None
    os_release = None
    if os_product is not None and found.os is not None and found.os.cycle is not None:
        os_release = os_product.release(tuple(found.os.cycle.split(".")))
    os_state = (
        support_state(os_product, os_release, today, warn_days)
        if os_product and os_release
        else None
    )
    return BaseImageView(
        found,
        product,
        release,
        state,
        os_product,
        os_release,
        os_state,
        suggest_upgrade(found, data, today) if upgrade_due(found, data, today, warn_days) else None,
        today,
        **extra,
    )


def _d(value: dt.date | bool | None) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is True:
        return "yes"
    return "not set"


def _state_text(state: SupportState | None) -> str:
    if state is None:
        return "unknown"
    support: Support = state.support
    if support is Support.ENDED:
        return f"**end of life** since {_d(state.ends)}"
    if support is Support.EXTENDED:
        return f"regular support ended {_d(state.regular_end)}; extended support until {_d(state.ends)}"
    if support is Support.ENDING:
        return f"end of life on {_d(state.ends)} (soon)"
    return f"supported until {_d(state.ends)}" if state.ends else "supported"


def _age(product: Product, today: dt.date) -> str:
    if product.as_of == dt.date.min:
        return ""
    days = (today - product.as_of).days
    where = "shipped snapshot" if product.source == "snapshot" else "endoflife.date"
    return f"data from {where}, {product.as_of.isoformat()} ({days} days old)"


def lifecycle_lines(view: BaseImageView) -> list[str]:
    lines: list[str] = []
    if view.product is not None and view.release is not None:
        r = view.release
        lts = " (LTS)" if r.is_lts(view.today) else ""
        lines.append(
            f"**{view.product.label} {r.cycle}**{lts}: {_state_text(view.state)}"
            f"; released {_d(r.released)}; latest {r.latest or 'unknown'}"
        )
        if view.found.family.replaced_by:
            lines.append(
                f"The `{view.found.image}` image is deprecated; use "
                f"`{view.found.family.replaced_by}`."
            )
    if view.os_product is not None and view.os_release is not None:
        lines.append(
            f"OS: **{view.os_product.label} {view.os_release.cycle}**"
            f" ({view.found.os.token if view.found.os else ''}): {_state_text(view.os_state)}"
        )
    if view.upgrade is not None:
        lines.append(f"Suggested: `{view.upgrade.reference}`")
    if view.product is not None:
        age = _age(view.product, view.today)
        link = f"[endoflife.date/{view.product.slug}]({ENDOFLIFE_URL}/{view.product.slug})"
        lines.append(f"{link}" + (f" · {age}" if age else ""))
    return lines


def report_lines(report: VulnReport, top: int = 10) -> list[str]:
    """A vulnerability report: counts per severity, then the worst ``top`` findings."""
    if report.status == "no-sbom":
        return ["Vulnerabilities: no SBOM published for this image"]
    if report.status != "ok":
        return [f"Vulnerabilities: not known ({report.message or report.status})"]
    lines = [
        f"Vulnerabilities{report.across} ({report.packages} packages from the SBOM): "
        + report.counts_text(Severity.UNKNOWN)
    ]
    for v in report.top(top):
        fixed = f" → {v.fixed}" if v.fixed else " (no fix yet)"
        lines.append(f"- [{v.id}]({v.url}) {v.severity.label}: {v.package} {v.installed}{fixed}")
    return lines


def fixed_by_upgrade(view: BaseImageView) -> int | None:
    """How many of the image's vulnerabilities the suggested upgrade no longer has (both
    reports known), for the hover, ``dockerls image`` and its JSON alike."""
    mine, theirs = view.vulns, view.upgrade_vulns
    if view.upgrade is None or mine is None or theirs is None:
        return None
    if mine.status != "ok" or theirs.status != "ok":
        return None
    return mine.fixed_by(theirs)


def vuln_lines(view: BaseImageView, top: int = 10) -> list[str]:
    report = view.vulns
    if report is None:
        return []
    lines = report_lines(report, top)
    fixed = fixed_by_upgrade(view)
    if fixed is not None and view.upgrade is not None:
        lines.append(f"`{view.upgrade.reference}` fixes {fixed} of these")
    return lines


def variant_lines(view: BaseImageView) -> list[str]:
    if not view.variants:
        return []
    lines = ["Leaner variants:"]
    for variant in view.variants:
        parts = [f"`{variant.candidate.reference}`"]
        if variant.size is not None:
            parts.append(human_size(variant.size))
            if view.size is not None:
                parts.append(f"({_signed_mb(variant.size - view.size)})")
        if variant.vulns is not None and variant.vulns.status == "ok":
            parts.append("vulnerabilities: " + variant.vulns.counts_text(Severity.UNKNOWN))
        lines.append("- " + " ".join(parts))
    return lines


def _signed_mb(delta: int) -> str:
    sign = "−" if delta < 0 else "+"
    return f"{sign}{abs(delta) / 1e6:.0f} MB"


def markdown(view: BaseImageView) -> str:
    sections = [lifecycle_lines(view), vuln_lines(view), variant_lines(view)]
    return "\n\n".join(
        "\n\n".join(s) if s is not sections[2] else "\n".join(s) for s in sections if s
    )


def report_json(view: BaseImageView) -> dict[str, Any]:
    def release(
        product: Product | None, r: Release | None, state: SupportState | None
    ) -> dict[str, Any] | None:
        if product is None or r is None:
            return None
        return {
            "product": product.slug,
            "cycle": r.cycle,
            "released": _d(r.released),
            "eol": _d(r.eol),
            "extended": _d(r.extended) if r.extended is not None else None,
            "lts": r.is_lts(view.today),
            "latest": r.latest,
            "support": state.support.value if state else None,
            "data_as_of": product.as_of.isoformat(),
            "data_source": product.source,
        }

    out: dict[str, Any] = {
        "image": view.found.image,
        "version": view.found.version,
        "variant": list(view.found.variant),
        "lifecycle": release(view.product, view.release, view.state),
        "os": release(view.os_product, view.os_release, view.os_state),
        "upgrade": view.upgrade.reference if view.upgrade else None,
    }
    if view.vulns is not None:
        out["vulnerabilities"] = {
            "status": view.vulns.status,
            "message": view.vulns.message,
            "counts": {s.label: n for s, n in view.vulns.counts().items()},
            "top": [
                {
                    "id": v.id,
                    "package": v.package,
                    "installed": v.installed,
                    "fixed": v.fixed,
                    "severity": v.severity.label,
                }
                for v in view.vulns.top()
            ],
            "fixed_by_upgrade": fixed_by_upgrade(view),
        }
    if view.variants:
        out["variants"] = [
            {"reference": v.candidate.reference, "kind": v.candidate.kind, "size": v.size}
            for v in view.variants
        ]
    return out

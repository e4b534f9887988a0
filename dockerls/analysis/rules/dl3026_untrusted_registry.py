"""DL3026: FROM an image hosted outside the trusted registries."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from dockerls.analysis.model import Model, Stage, expand
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.nodes import Span

_HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com")


def _trusted(domain: str, patterns: list[str]) -> bool:
    names = _HUB_NAMES if domain == "docker.io" else (domain.lower(),)
    return any(fnmatchcase(n, p.lower()) for p in patterns for n in names)


class UntrustedRegistry(Rule):
    """What it does:
    When the `trusted_registries` setting lists registries (glob patterns
    such as `*.example.com` allowed), flags a `FROM` whose image comes from
    any other registry. Images without a registry host come from Docker Hub
    (`docker.io`). Earlier stages, `scratch` and references whose variables
    cannot be resolved are skipped. Without the setting the rule is silent.

    Why it matters:
    Organisations often require base images from vetted mirrors; a base
    image from elsewhere bypasses that review.

    Example:
    ```dockerfile
    # trusted_registries: ["registry.example.com"]
    FROM ghcr.io/acme/tool:1.0
    ```

    Fix:
    Use the copy of the image in a trusted registry, or add the registry to
    `trusted_registries`.
    """

    code = "DL3026"
    name = "untrusted-registry"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        patterns = model.options.get("trusted_registries") or []
        if isinstance(patterns, str):
            patterns = [patterns]
        if not patterns or stage.image_span is None or stage.base_stage is not None:
            return
        ref = stage.image_ref
        if ref is None or ref.is_scratch:
            return
        if ref.has_variables:
            text = expand(stage.image, model.global_env(), model.escape)
            if "$" in text or not text:
                return
            ref = parse_image_ref(text)
            span = stage.image_span
        elif ref.registry is not None:
            span = Span(stage.image_span.start, stage.image_span.start + len(ref.registry))
        else:
            span = Span(
                stage.image_span.start + ref.name_span[0], stage.image_span.start + ref.name_span[1]
            )
        if ref.is_scratch or _trusted(ref.domain, [str(p) for p in patterns]):
            return
        yield Finding(
            span, f"Registry `{ref.domain}` is not in the trusted registries", item=stage.first
        )


RULE = UntrustedRegistry()

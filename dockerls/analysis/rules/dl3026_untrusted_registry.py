"""DL3026: FROM an image hosted outside the trusted registries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from dockerls.analysis.baseimage import base_images
from dockerls.analysis.buildview import context_everywhere
from dockerls.analysis.model import Model, Stage, stage_ref_index
from dockerls.analysis.rules._misc_common import get_flag
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity
from dockerls.analysis.rules.dl3022_copy_from_unknown_stage import looks_external
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.nodes import Span

_HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com")


def _trusted(domain: str, patterns: Sequence[str]) -> bool:
    names = _HUB_NAMES if domain == "docker.io" else (domain.lower(),)
    return any(fnmatchcase(n, p.lower()) for p in patterns for n in names)


class UntrustedRegistry(Rule):
    """What it does:
    When the `trusted_registries` setting lists registries (glob patterns
    such as `*.example.com` allowed), flags a `FROM` or `COPY --from=<image>`
    whose image comes from any other registry. Images without a registry host come from Docker Hub
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
        patterns = model.options.trusted_registries
        if not patterns:
            return
        yield from self._check_from(stage, model, patterns)
        # images named directly in COPY --from=<image:tag>
        for idx, inst in stage.by_name("COPY"):
            f = get_flag(inst, "from")
            if f is None or not f.value or f.value_span is None or "$" in f.value:
                continue
            if not looks_external(f.value) or stage_ref_index(f.value, stage, model) is not None:
                continue
            ref = parse_image_ref(f.value)
            if ref.is_valid and not _trusted(ref.domain, patterns):
                span = f.value_span
                if ref.registry is not None:
                    span = Span(span.start, span.start + len(ref.registry))
                yield Finding(span, _message(ref.domain), item=idx)

    def _check_from(self, stage: Stage, model: Model, patterns: Sequence[str]) -> Iterable[Finding]:
        if stage.image_span is None or stage.base_stage is not None:
            return
        ref = stage.image_ref
        if ref is None or ref.is_scratch:
            return
        # the image as each known build makes it (the ARG defaults when none is known), and
        # the images named contexts give in its place
        for located in base_images(stage, model):
            if located.from_arg and not _trusted(located.ref.domain, patterns):
                where = f" ({located.described})"
                reg = located.ref.registry
                span = located.span((0, len(reg)) if reg else located.ref.name_span)
                yield Finding(span, _message(located.ref.domain) + where, item=stage.first)
        if ref.has_variables or context_everywhere(model, stage):
            return  # (in every build, a named context of its name stands in for it)
        if ref.registry is not None:
            span = Span(stage.image_span.start, stage.image_span.start + len(ref.registry))
        else:
            start = stage.image_span.start
            span = Span(start + ref.name_span[0], start + ref.name_span[1])
        if ref.is_scratch or _trusted(ref.domain, patterns):
            return
        yield Finding(span, _message(ref.domain), item=stage.first)


def _message(domain: str) -> str:
    return f"Registry `{domain}` is not in the trusted registries"


RULE = UntrustedRegistry()

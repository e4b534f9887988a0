"""InvalidBaseImagePlatform: the base image has no variant for the platform
the stage asks for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from dockerls.analysis.baseimage import base_image, base_images
from dockerls.analysis.buildview import contexts_for, views_reaching
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.platforms import platform_matches


def _offers(available: Sequence[str], wanted: str) -> bool:
    return any(platform_matches(a, wanted) for a in available)


def platform_mismatch(stage: Stage, available: Sequence[str]) -> Finding | None:
    """A finding when ``stage`` asks ``--platform`` for a platform that none
    of ``available`` provides (literal platforms only)."""
    wanted = stage.platform
    if not wanted or "$" in wanted or not available:
        return None
    if _offers(available, wanted):
        return None
    flag = next((f for f in stage.from_inst.flags if f.name == "platform"), None)
    if flag is None or flag.value_span is None:
        return None
    offered = ", ".join(sorted(set(available)))
    return Finding(
        flag.value_span,
        f"`{stage.image}` has no `{wanted}` image (it offers {offered})",
        item=stage.first,
    )


def _build_platforms(stage: Stage, model: Model) -> Iterable[Finding]:
    """Without ``--platform`` a stage is built for each build's target platforms (Compose
    and Bake ``platforms``, ``build.platform``, ``--platform``): those its image lacks."""
    missing: dict[tuple[str, str], tuple[Finding, list[str]]] = {}
    for view in views_reaching(model, stage):
        if view.build is None or not view.build.platforms:
            continue
        located = base_image(stage, model, view.env)
        known = model.facts.images.get(located.text) if located is not None else None
        if located is None or known is None or not known.platforms:
            continue
        for wanted in view.build.platforms:
            if _offers(known.platforms, wanted) or "$" in wanted:
                continue
            offered = ", ".join(sorted(set(known.platforms)))
            f = Finding(
                located.span(None),
                f"`{located.text}` has no `{wanted}` image (it offers {offered})",
                item=stage.first,
            )
            missing.setdefault((located.text, wanted), (f, []))[1].append(view.build.name)
    for f, names in missing.values():
        yield replace(f, message=f"{f.message}, which {', '.join(names)} builds for")


class InvalidBaseImagePlatform(Rule):
    """What it does:
    Compares the platform a stage asks for with `FROM --platform=...` (without
    it, the platforms its known builds target) against
    the platforms the base image is published for, as its registry lists them
    (the server reads them from the registry; offline the check stays quiet).

    Why it matters:
    When the image has no variant for that platform, the build either fails to
    pull it or silently runs a different architecture under emulation.

    Example:
    ```dockerfile
    FROM --platform=linux/s390x alpine:3.20
    ```

    Fix:
    Ask for a platform the image offers, or pick an image published for the
    platform you need.
    """

    code = "InvalidBaseImagePlatform"
    name = "base-image-platform-missing"
    severity = Severity.WARNING
    group = "buildkit"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        # the platforms the image offers (``model.facts``, from the registry)
        available = model.facts.image(stage).platforms
        if available:
            f = platform_mismatch(stage, available)
            if f is not None:
                yield f
        if not stage.platform:
            yield from _build_platforms(stage, model)
        if "$" not in stage.image and not contexts_for(model, stage):
            return
        # built from ARGs, or given by a named context: the image each known build makes
        # (its facts under that reference)
        for located in base_images(stage, model):
            known = model.facts.images.get(located.text)
            if located.from_arg and known is not None and known.platforms:
                f = platform_mismatch(stage, known.platforms)
                if f is not None:
                    yield replace(f, message=f"{f.message} ({located.described})")


RULE = InvalidBaseImagePlatform()

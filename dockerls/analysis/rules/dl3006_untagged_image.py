"""DL3006: a base image without an explicit tag."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.baseimage import base_images
from dockerls.analysis.buildview import context_everywhere
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class UntaggedImage(Rule):
    """What it does:
    Flags a `FROM` whose image has neither a tag nor a digest, such as
    `FROM ubuntu`. An image built from ARGs (`FROM ${BASE}`) is judged as each
    known build makes it, the ARG defaults when no build is known. A build
    with a named build context of the image's name (Compose's
    `additional_contexts`, Bake's `contexts`, `--build-context`) takes that
    context instead: a `docker-image://` context's image is judged in its
    place (with no edit of `FROM` offered), and other contexts give no image.

    Why it matters:
    Without a tag the build silently takes whatever `latest` points to on the
    day it runs, so two builds of the same Dockerfile can differ.

    Example:
    ```dockerfile
    FROM ubuntu
    ```

    Fix:
    Name the version you tested with, or pin a digest:
    ```dockerfile
    FROM ubuntu:24.04
    ```
    The registry-backed code action "Pin to a specific version" can fill it in.
    """

    code = "DL3006"
    name = "untagged-image"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        ref = stage.image_ref
        if ref is None or stage.image_span is None:
            return
        if ref.is_scratch or stage.base_stage is not None:
            return
        # the image as each known build makes it (the ARG defaults when none is known), and
        # the images named contexts give in its place
        for located in base_images(stage, model):
            if not located.from_arg:
                continue  # as written: below
            if located.ref.tag is None and located.ref.digest is None:
                yield Finding(
                    located.span(located.ref.name_span),
                    f"{located.described}: no tag; name a version",
                    item=stage.first,
                )
        if ref.has_variables or context_everywhere(model, stage):
            return  # (in every build, a named context of its name stands in for it)
        if ref.tag is None and ref.digest is None:
            yield Finding(
                stage.image_span,
                f"Image `{stage.image}` has no tag: name a version, e.g. `{stage.image}:<version>`",
                item=stage.first,
            )


RULE = UntaggedImage()

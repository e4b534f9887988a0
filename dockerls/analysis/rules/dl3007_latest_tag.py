"""DL3007: FROM uses the ``latest`` tag."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.baseimage import base_images
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity


class LatestTag(Rule):
    """What it does:
    Flags a `FROM` image tagged `latest` without a digest. An image built from
    ARGs (`FROM ${BASE}`) is judged as each known build makes it (Compose
    services, Bake targets, `--build-arg`), the ARG defaults when no build is
    known; the message names the value and the builds.

    Why it matters:
    `latest` is just the tag a publisher moved last; it changes under you, so
    the same Dockerfile builds different images over time and a rebuild can
    break without any change on your side.

    Example:
    ```dockerfile
    FROM node:latest
    ```

    Fix:
    Name the version you tested with (or pin a digest):
    ```dockerfile
    FROM node:22.11-bookworm
    ```
    """

    code = "DL3007"
    name = "latest-tag"
    severity = Severity.WARNING
    group = "hadolint"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        # the image as each known build makes it (the ARG defaults when none is known)
        for located in base_images(stage, model):
            ref = located.ref
            if ref.tag != "latest" or ref.digest is not None or ref.tag_span is None:
                continue
            if located.from_arg:
                message = f"{located.described}: the moving `latest` tag; name a version"
            else:
                message = f"`{located.written}` uses the moving `latest` tag: name a version"
            yield Finding(located.span(ref.tag_span), message, item=stage.first)


RULE = LatestTag()

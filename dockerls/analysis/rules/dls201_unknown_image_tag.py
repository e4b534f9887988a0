"""DLS201: the FROM names a tag its repository doesn't have."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dockerls.analysis.baseimage import base_images, plain_word
from dockerls.analysis.buildview import context_everywhere, contexts_for
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._registry import registry_ref
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Span


def unknown_tag(stage: Stage, tags: Sequence[str]) -> Finding | None:
    """A finding when the stage's tag is not among ``tags``, its repository's
    tag list."""
    ref = registry_ref(stage)
    if ref is None or not plain_word(stage) or ref.tag is None or ref.tag_span is None:
        return None
    if ref.tag in tags:
        return None
    assert stage.image_span is not None
    base = stage.image_span.start
    a, b = ref.tag_span
    return Finding(
        Span(base + a, base + b),
        f"`{ref.familiar_name}` has no tag `{ref.tag}` in {ref.domain}",
        item=stage.first,
    )


class UnknownImageTag(Rule):
    """What it does:
    Looks the tag of each `FROM` up in its registry's tag list and flags a tag
    that isn't there (for an image built from ARGs, the tag each known build
    makes).  It is off by default: turn it on with the
    `registry.diagnostics.unknownTag` setting.  The server fetches tag lists in
    the background, so the finding joins a later publish; offline, and in the
    command line, the check stays quiet.

    Why it matters:
    A misspelt or withdrawn tag fails the build at the pull, which may be
    minutes into a CI run.  The editor can say so while you type it.

    Example:
    ```dockerfile
    FROM python:3.13-slimm
    ```

    Fix:
    Pick a tag the repository has; tag completion after `:` lists them,
    newest first.
    """

    code = "DLS201"
    name = "unknown-image-tag"
    severity = Severity.WARNING
    group = "registry"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        tags = model.facts.image(stage).tags
        if tags is not None and not context_everywhere(model, stage):
            f = unknown_tag(stage, tags)
            if f is not None:
                yield f
        if "$" not in stage.image and not contexts_for(model, stage):
            return
        # built from ARGs, or given by a named context: the image each known build makes
        # (its facts under that reference)
        for located in base_images(stage, model):
            ref = located.ref
            known = model.facts.images.get(located.text)
            if known is None or known.tags is None or ref.tag is None or ref.tag_span is None:
                continue
            if located.from_arg and ref.tag not in known.tags:
                yield Finding(
                    located.span(ref.tag_span),
                    f"{located.described}: `{ref.familiar_name}` has no tag `{ref.tag}` "
                    f"in {ref.domain}",
                    item=stage.first,
                )


RULE = UnknownImageTag()

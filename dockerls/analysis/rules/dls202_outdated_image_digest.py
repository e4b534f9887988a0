"""DLS202: a FROM pins `name:tag@digest`, and the tag has moved on."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.baseimage import base_images, plain_word
from dockerls.analysis.buildview import context_everywhere, contexts_for
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._registry import UPDATE_DIGEST, registry_ref
from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Span


def outdated_digest(stage: Stage, current: str) -> Finding | None:
    """A finding when the stage pins a tag and a digest, and ``current`` (the
    digest the tag points at now) is another one."""
    ref = registry_ref(stage)
    if ref is None or not plain_word(stage) or ref.tag is None:
        return None
    if ref.digest is None or ref.digest_span is None or not current or current == ref.digest:
        return None
    assert stage.image_span is not None
    base = stage.image_span.start
    a, b = ref.digest_span
    span = Span(base + a, base + b)
    return Finding(
        span,
        f"`{ref.familiar_name}:{ref.tag}` now points at a newer image; "
        "the pinned digest is out of date",
        Fix(UPDATE_DIGEST, (Edit(span, current),)),
        item=stage.first,
    )


class OutdatedImageDigest(Rule):
    """What it does:
    For a `FROM` that pins both a tag and a digest (`name:tag@sha256:...`),
    asks the registry which digest the tag points at now, and flags the
    pinned digest when the two differ.  It is off by default: turn it on with
    the `registry.diagnostics.outdatedDigest` setting.  Offline, and in the
    command line, the check stays quiet.

    Why it matters:
    A digest pins the exact image, which is what makes builds repeatable, but
    it also pins the security fixes the image had on that day.  When the tag
    has been rebuilt, the pin is worth updating on purpose.

    Example:
    ```dockerfile
    # nginx:1.27 has been rebuilt since this digest was pinned
    FROM nginx:1.27@sha256:1111111111111111111111111111111111111111111111111111111111111111
    ```

    Fix:
    The quick fix replaces the digest with the one the tag points at now;
    the tag stays as written.
    """

    code = "DLS202"
    name = "outdated-image-digest"
    severity = Severity.INFO
    group = "registry"
    fix = FixAvailability.ALWAYS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        current = model.facts.image(stage).digest
        if current and not context_everywhere(model, stage):
            f = outdated_digest(stage, current)
            if f is not None:
                yield f
        if "$" not in stage.image and not contexts_for(model, stage):
            return
        # built from ARGs, or given by a named context: the digest each known build pins (its
        # facts under that reference); the value may come from a Compose or Bake file, so
        # there is no edit to offer here
        for located in base_images(stage, model):
            ref = located.ref
            known = model.facts.images.get(located.text)
            if known is None or not known.digest or ref.tag is None or ref.digest is None:
                continue
            if located.from_arg and known.digest != ref.digest:
                yield Finding(
                    located.span(ref.digest_span),
                    f"{located.described}: `{ref.familiar_name}:{ref.tag}` now points at a "
                    "newer image; the pinned digest is out of date",
                    item=stage.first,
                )


RULE = OutdatedImageDigest()

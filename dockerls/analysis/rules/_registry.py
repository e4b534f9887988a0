"""What the registry-backed checks share: which FROMs a registry can be asked
about, and the facts the server hands over.

The server looks images up in the background and passes what it knows as
``model.options[FACTS_KEY]``: the image as written in FROM -> ``{"tags":
[...] or None, "digest": "sha256:..." or None}`` (the tag list of its
repository, and the digest its tag points at now).  Without facts the checks
are silent, so offline, and in the CLI, nothing is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dockerls.analysis.model import Model, Stage
from dockerls.syntax.imageref import ImageRef

FACTS_KEY = "image_facts"


def registry_ref(stage: Stage) -> ImageRef | None:
    """The stage's image reference if a registry can be asked about it: a
    literal image (no variables, not another stage, not ``scratch``)."""
    ref = stage.image_ref
    if ref is None or stage.base_stage is not None or stage.image_span is None:
        return None
    if ref.has_variables or ref.errors or ref.is_scratch:
        return None
    return ref


def plain_word(stage: Stage) -> bool:
    """Spans inside the image word line up with the source (no quotes, no
    continuation inside it)."""
    span = stage.image_span
    return span is not None and len(span) == len(stage.image) and stage.image[:1] not in "\"'"


def facts_for(stage: Stage, model: Model) -> Mapping[str, Any]:
    known: Mapping[str, Mapping[str, Any]] = model.options.get(FACTS_KEY) or {}
    return known.get(stage.image) or {}

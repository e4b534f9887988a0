"""What the registry-backed checks share: which FROMs a registry can be asked
about.

The server looks images up in the background and passes what it knows as
``model.facts.images`` (:class:`dockerls.analysis.facts.ImageFacts`: the tag
list of the repository, the digest its tag points at now, the platforms it
offers).  Without facts the checks are silent, so offline, and in the CLI,
nothing is reported.
"""

from __future__ import annotations

from dockerls.analysis.model import Stage
from dockerls.syntax.imageref import ImageRef

# the title of DLS202's fix, and of the server's action that does the same
UPDATE_DIGEST = "Update pinned digest"


def registry_ref(stage: Stage) -> ImageRef | None:
    """The stage's image reference if a registry can be asked about it: a
    literal image (no variables, not another stage, not ``scratch``)."""
    ref = stage.image_ref
    if ref is None or stage.base_stage is not None or stage.image_span is None:
        return None
    if ref.has_variables or ref.errors or ref.is_scratch:
        return None
    return ref

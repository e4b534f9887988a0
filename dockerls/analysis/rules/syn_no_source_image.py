"""NoSourceImage: a Dockerfile with instructions but no FROM."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Instruction


class NoSourceImage(Rule):
    """What it does:
    Flags a file that has instructions but no `FROM` at all. (An instruction
    other than ARG placed before the first FROM is DL3061.)

    Why it matters:
    Every build needs a base: BuildKit reports that there is no build stage.

    Example:
    ```dockerfile
    RUN echo hi
    ```

    Fix:
    Start the file with a `FROM`, e.g. `FROM alpine:3.20` (or `FROM scratch`).
    """

    code = "NoSourceImage"
    name = "no-source-image"
    severity = Severity.ERROR
    group = "syntax"

    def check_file(self, model: Model) -> Iterable[Finding]:
        if model.stages:
            return
        items = model.items
        for idx in model.preamble:
            inst = items[idx]
            if isinstance(inst, Instruction):
                yield Finding(
                    inst.keyword_span, "The file has no `FROM`: add a base image", item=idx
                )
                return


RULE = NoSourceImage()

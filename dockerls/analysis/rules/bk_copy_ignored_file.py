"""CopyIgnoredFile: a COPY/ADD source excluded by `.dockerignore`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.dockerignore import normalize_source
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_copy_common import context_of, local_sources


class CopyIgnoredFile(Rule):
    """What it does:
    Flags a `COPY` or `ADD` source from the build context that the
    `.dockerignore` (or `<Dockerfile>.dockerignore`) excludes, directly or
    through a parent directory. Like BuildKit, it stays quiet when the ignore
    file has `!` exceptions, and when no build context is known.

    Why it matters:
    Excluded files are never sent to the builder, so the instruction fails
    with "not found" or copies less than it seems to.

    Example:
    ```dockerfile
    # .dockerignore contains: dist/
    COPY dist/ /srv/www/
    ```

    Fix:
    Stop ignoring the path (or add a `!dist/` exception), or copy something
    that is part of the context.
    """

    code = "CopyIgnoredFile"
    name = "copy-ignored-file"
    severity = Severity.WARNING
    group = "buildkit"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        ctx = context_of(model)
        if ctx is None or ctx.ignore is None or ctx.ignore.exclusions:
            return
        for src in local_sources(stage, model):
            path = normalize_source(src.path)
            if path == "." and not ctx.ignore.root_ignored():
                continue
            if ctx.ignore.matches(path):
                yield Finding(
                    src.span,
                    f"`{src.text}` is excluded by `.dockerignore`, so `{src.keyword}` cannot read it",
                    item=src.item,
                )


RULE = CopyIgnoredFile()

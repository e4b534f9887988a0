"""CopyIgnoredFile: a COPY/ADD source excluded by `.dockerignore`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.dockerignore import ContextInfo, normalize_source
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_copy_common import context_caveat, local_sources, per_context


class CopyIgnoredFile(Rule):
    """What it does:
    Flags a `COPY` or `ADD` source from the build context that the
    `.dockerignore` (or `<Dockerfile>.dockerignore`) excludes, directly or
    through a parent directory. Like BuildKit, it stays quiet when the ignore
    file has `!` exceptions, and when no build context is known.  When the
    context is only assumed (the Dockerfile's folder, nobody said otherwise)
    and the ignore file is the context's `.dockerignore`, the finding is a
    hint that says so: the build may send another folder.

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
    kinds = frozenset({"COPY", "ADD"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        return per_context(stage, model, lambda ctx: self._check(stage, model, ctx))

    def _check(self, stage: Stage, model: Model, ctx: ContextInfo) -> Iterable[Finding]:
        if ctx.ignore is None or ctx.ignore.exclusions:
            return
        # `<name>.Dockerfile.dockerignore` applies whatever folder the build
        # sends; `.dockerignore` is only the context's if the context is right
        own = (ctx.ignore_file or "").replace("\\", "/").rsplit("/", 1)[-1] != ".dockerignore"
        severity, caveat = (None, "") if own and ctx.ignore_file else context_caveat(ctx)
        for src in local_sources(stage, model):
            path = normalize_source(src.path)
            if path == "." and not ctx.ignore.root_ignored():
                continue
            if ctx.ignore.matches(path):
                yield Finding(
                    src.span,
                    f"`{src.text}` is excluded by `.dockerignore`, so `{src.keyword}` cannot read it"
                    + caveat,
                    item=src.item,
                    severity=severity,
                )


RULE = CopyIgnoredFile()

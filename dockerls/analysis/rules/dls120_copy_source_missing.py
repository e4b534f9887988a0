"""DLS120: a COPY/ADD source that matches nothing in the build context."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.dockerignore import ContextInfo, normalize_source
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_copy_common import context_caveat, local_sources, per_context


class CopySourceMissing(Rule):
    """What it does:
    Flags a `COPY` or `ADD` source (a path or a glob) that matches no file
    or directory of the build context once `.dockerignore` is applied. It
    only speaks when the whole context could be listed; sources with
    undefined variables, URLs, `--from` and heredocs are skipped, and a
    source excluded outright by `.dockerignore` is left to CopyIgnoredFile.
    When nobody said which folder the build sends (the CLI, or the editor
    without the `context.path` setting), the Dockerfile's folder is only
    assumed to be the context, and `docker build -f docker/Dockerfile .`
    sends another one: the finding is then a hint, which fails no CI at the
    default threshold, and its message says the context was assumed.

    Why it matters:
    The build stops at this instruction with a "not found" error, after
    every earlier step has run.

    Example:
    ```dockerfile
    COPY requirments.txt /app/
    ```

    Fix:
    Correct the path, or add the missing file to the context.
    """

    code = "DLS120"
    name = "copy-source-missing"
    severity = Severity.WARNING
    group = "best-practice"
    kinds = frozenset({"COPY", "ADD"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        return per_context(stage, model, lambda ctx: self._check(stage, model, ctx))

    def _check(self, stage: Stage, model: Model, ctx: ContextInfo) -> Iterable[Finding]:
        if ctx.entries is None or not ctx.complete:
            return
        severity, caveat = context_caveat(ctx)
        simple_ignore = ctx.ignore is not None and not ctx.ignore.exclusions
        for src in local_sources(stage, model):
            path = normalize_source(src.path)
            if path == ".":
                continue
            if simple_ignore and ctx.is_ignored(path):
                continue  # CopyIgnoredFile reports it
            found = ctx.source_matches(path)
            if found is None:
                continue
            kept = [f for f in found if not ctx.is_ignored(f)]
            if kept:
                continue
            if found:
                msg = f"Every path `{src.text}` matches is excluded by `.dockerignore`"
            else:
                msg = f"`{src.text}` matches nothing in the build context"
            yield Finding(src.span, msg + caveat, item=src.item, severity=severity)


RULE = CopySourceMissing()

"""DLS102: the whole build context is copied and there is no .dockerignore."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_copy_common import context_caveat
from dockerls.analysis.rules.dls101_copy_all_before_install import whole_context_copies


class MissingDockerignore(Rule):
    """What it does:
    Flags `COPY . .` (any copy of the whole build context) when the build
    context has no `.dockerignore` (nor a `<Dockerfile>.dockerignore` next
    to the Dockerfile).  When the context is only assumed (the Dockerfile's
    folder, nobody said otherwise) the finding is a hint that says so.  It
    needs the build context, so it speaks only in
    the editor or `dockerls check`, never on text alone.

    Why it matters:
    Without an ignore file, everything in the folder is sent to the builder
    and copied into the image: `.git`, `node_modules`, build output, local
    `.env` files and keys.  Images get bigger, builds slower, the cache is
    invalidated by unrelated files, and secrets can leak.

    Example:
    ```dockerfile
    COPY . /app
    ```

    Fix:
    Add a `.dockerignore` beside the Dockerfile, for example:
    ```
    .git
    node_modules
    *.log
    .env
    ```
    """

    code = "DLS102"
    name = "missing-dockerignore"
    severity = Severity.INFO
    group = "best-practice"

    def check_file(self, model: Model) -> Iterable[Finding]:
        ctx = model.facts.context
        if ctx is None or ctx.ignore is not None or ctx.ignore_file is not None:
            return
        # once per file: the first copy of the whole context
        for st in model.stages:
            first = next(whole_context_copies(st), None)
            if first is not None:
                idx, span = first
                severity, caveat = context_caveat(ctx)
                yield Finding(
                    span,
                    "The whole build context is copied but there is no `.dockerignore`:"
                    " add one to keep `.git`, dependencies and secrets out" + caveat,
                    item=idx,
                    severity=severity,
                )
                return


RULE = MissingDockerignore()

"""DLS301: the base image's release line is past its end of life."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.baseimage import classified
from dockerls.analysis.lifecycle import Support
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._baseimage import Judged, judged, upgrade_fix
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class BaseImageEndOfLife(Rule):
    """What it does:
    Flags a `FROM` whose image is a release line that no longer gets security fixes:
    `python:3.7`, `node:16-alpine`, `debian:buster`, `ubuntu:18.04`.  It reads the tag
    (`python:3.7-slim-buster` is Python 3.7, slim, on Debian 10), also when it is built from
    ARG defaults, and judges it with endoflife.date's data, shipped with dockerls and refreshed
    daily when registry lookups are on.  A deprecated image (`openjdk`) is flagged too.
    Extended support that reaches the official images (Debian LTS) is not an end: DLS302
    tells about it instead.  Ubuntu's ESM needs a subscription and does not count.

    Why it matters:
    An image past its end of life is no longer rebuilt with fixes: every new vulnerability in
    its language runtime or OS stays in your image for good.

    Example:
    ```dockerfile
    FROM python:3.7-slim
    ```

    Fix:
    Move to a maintained line; the quick fix suggests the newest one (the newest LTS where the
    product has LTS), keeping the variant.  It changes what is built, so it is never applied
    by fix-all:
    ```dockerfile
    FROM python:3.13-slim
    ```
    """

    code = "DLS301"
    name = "base-image-end-of-life"
    severity = Severity.WARNING
    group = "best-practice"
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        deprecated = set()
        for located, found in classified(stage, model):
            if found.family.replaced_by and found.family.deprecated_since:
                deprecated.add(located.text)
                yield Finding(
                    located.span(located.ref.name_span),
                    f"{located.described}: the `{found.image}` image is deprecated and no "
                    f"longer updated; use `{found.family.replaced_by}`",
                    upgrade_fix(located, found, model),
                    item=stage.first,
                )
        for j in judged(stage, model):
            if j.located.text not in deprecated and j.state.support is Support.ENDED:
                yield self._ended(j, stage, model)

    def _ended(self, j: Judged, stage: Stage, model: Model) -> Finding:
        when = f" on {j.state.ends.isoformat()}" if j.state.ends else ""
        return Finding(
            j.located.span(j.found.version_span),
            f"{j.located.described}: {j.product.label} {j.release.cycle} reached its end of "
            f"life{when}",
            upgrade_fix(j.located, j.found, model),
            item=stage.first,
        )


RULE = BaseImageEndOfLife()

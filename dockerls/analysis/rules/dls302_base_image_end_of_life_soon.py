"""DLS302: the base image's release line reaches its end of life soon, or is in extended
support only."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.lifecycle import Support
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._baseimage import Judged, judged, upgrade_fix
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class BaseImageEndOfLifeSoon(Rule):
    """What it does:
    Tells when a `FROM` image's release line reaches its end of life within
    `images.lifecycle.warnDays` days (90 by default), or has left regular support and lives
    on extended support that still reaches the official images (Debian LTS: `debian:bookworm`
    after 2026-07-11).  The dates come from endoflife.date's data.

    Why it matters:
    Moving a base image takes testing; knowing a few months ahead leaves time for it, and a
    release on extended support gets fewer fixes than a current one.

    Example:
    ```dockerfile
    FROM debian:bookworm-slim
    ```

    Fix:
    Plan the move; the quick fix suggests the newest maintained release:
    ```dockerfile
    FROM debian:trixie-slim
    ```
    """

    code = "DLS302"
    name = "base-image-end-of-life-soon"
    severity = Severity.INFO
    group = "best-practice"
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for j in judged(stage, model, warn_days=model.options.lifecycle_warn_days):
            if not j.found.family.replaced_by:
                yield from self._soon(j, stage, model)

    def _soon(self, j: Judged, stage: Stage, model: Model) -> Iterable[Finding]:
        ends = j.state.ends.isoformat() if j.state.ends else "an unknown date"
        if j.state.support is Support.ENDING:
            days = (j.state.ends - j.today).days if j.state.ends else 0
            message = f"reaches its end of life on {ends} (in {days} days)"
        elif j.state.support is Support.EXTENDED:
            regular = j.state.regular_end.isoformat() if j.state.regular_end else "?"
            message = f"left regular support on {regular}; extended support until {ends}"
        else:
            return
        yield Finding(
            j.located.span(j.found.version_span),
            f"{j.located.described}: {j.product.label} {j.release.cycle} {message}",
            upgrade_fix(j.located, j.found, model),
            item=stage.first,
        )


RULE = BaseImageEndOfLifeSoon()

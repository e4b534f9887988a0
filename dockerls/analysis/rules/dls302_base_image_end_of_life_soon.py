"""DLS302: the base image's release line reaches its end of life soon, or is in extended
support only."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.lifecycle import Support, support_state
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._baseimage import classified, upgrade_fix
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
        hit = classified(stage, model)
        lifecycle = model.facts.lifecycle
        if hit is None or lifecycle is None:
            return
        located, found = hit
        product = lifecycle.data.product(found.product)
        if product is None or found.cycle is None or found.family.replaced_by:
            return
        release = product.release(tuple(found.cycle.split(".")))
        if release is None:
            return
        warn_days = model.options.lifecycle_warn_days
        state = support_state(product, release, lifecycle.today, warn_days)
        ends = state.ends.isoformat() if state.ends else "an unknown date"
        if state.support is Support.ENDING:
            days = (state.ends - lifecycle.today).days if state.ends else 0
            message = f"reaches its end of life on {ends} (in {days} days)"
        elif state.support is Support.EXTENDED:
            regular = state.regular_end.isoformat() if state.regular_end else "?"
            message = f"left regular support on {regular}; extended support until {ends}"
        else:
            return
        yield Finding(
            located.span(found.version_span),
            f"{located.described}: {product.label} {release.cycle} {message}",
            upgrade_fix(located, found, model),
            item=stage.first,
        )


RULE = BaseImageEndOfLifeSoon()

"""DLS303: the OS release under the base image is past its end of life."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.lifecycle import Support
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._baseimage import judged, upgrade_fix
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class BaseOsEndOfLife(Rule):
    """What it does:
    Flags a `FROM` whose tag names an OS release past its end of life, under a language or
    server image that may itself be current: `python:3.12-slim-buster` runs on Debian 10,
    `node:14-alpine3.14` on Alpine 3.14.  The OS suffixes (`bookworm`, `jammy`, `alpine3.20`,
    `ubi9`, `al2023`...) are read from the tag; the dates come from endoflife.date's data.

    Why it matters:
    The OS packages under your runtime (OpenSSL, glibc, zlib...) stop getting fixes at the
    OS's end of life, whatever the runtime's own support says.

    Example:
    ```dockerfile
    FROM python:3.12-slim-buster
    ```

    Fix:
    Keep the runtime and move the OS suffix to a maintained release:
    ```dockerfile
    FROM python:3.12-slim-trixie
    ```
    """

    code = "DLS303"
    name = "base-os-end-of-life"
    severity = Severity.WARNING
    group = "best-practice"
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for j in judged(stage, model, os=True):
            if j.found.os is None or j.state.support is not Support.ENDED:
                continue
            when = f" on {j.state.ends.isoformat()}" if j.state.ends else ""
            yield Finding(
                j.located.span(j.found.os.span),
                f"{j.located.described} runs on {j.product.label} {j.release.cycle} "
                f"({j.found.os.token}), which reached its end of life{when}",
                upgrade_fix(j.located, j.found, model),
                item=stage.first,
            )


RULE = BaseOsEndOfLife()

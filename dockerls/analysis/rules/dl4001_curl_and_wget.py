"""DL4001: both curl and wget are used in one stage."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._hl_run_util import commands_named
from dockerls.analysis.rules.base import Finding, Rule, Severity


class CurlAndWget(Rule):
    """What it does:
    Flags `RUN` instructions of a stage that uses both `curl` and `wget`,
    once both have appeared.

    Why it matters:
    The two tools do the same job; installing and maintaining both makes the
    image bigger and the download steps inconsistent (proxy, retry and TLS
    options differ).

    Example:
    ```dockerfile
    RUN curl -fsSLO https://example.com/a.tar.gz
    RUN wget -q https://example.com/b.tar.gz
    ```

    Fix:
    Pick one of them for every download of the stage.
    """

    code = "DL4001"
    name = "curl-and-wget"
    severity = Severity.WARNING
    group = "hadolint"
    commands = frozenset({"curl", "wget"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        seen: set[str] = set()
        for idx, inst, shell in model.shell_steps(stage):
            if inst.name != "RUN":
                continue
            found = list(commands_named(inst, shell, "curl", "wget"))
            if not found:
                continue
            seen.update(cmd.name for _rs, cmd in found)
            if len(seen) == 2:
                rs, cmd = found[0]
                other = "wget" if cmd.name == "curl" else "curl"
                yield Finding(
                    rs.span(cmd.name_span),
                    f"This stage uses both `curl` and `wget`: use `{other}` or `{cmd.name}`, not both",
                    item=idx,
                )


RULE = CurlAndWget()

"""DL3002: the image's last USER is root."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Instruction


def _is_root(inst: Instruction) -> bool:
    user = inst.args.split(":", 1)[0].strip().strip("\"'")
    return user in ("root", "0")


class LastUserRoot(Rule):
    """What it does:
    Flags the `USER` instruction that leaves the final image running as
    `root`: the last `USER` of the last stage.

    Why it matters:
    A container running as root turns any bug in the application into root
    access inside the container, and often onto mounted volumes.

    Example:
    ```dockerfile
    USER root
    RUN apt-get update && apt-get install -y curl
    ```

    Fix:
    Switch back to an unprivileged user after the steps that need root:
    ```dockerfile
    USER root
    RUN apt-get update && apt-get install -y curl
    USER app
    ```
    """

    code = "DL3002"
    name = "last-user-root"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"USER"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not stage.is_last:
            return
        users = list(stage.by_name("USER"))
        if users:
            idx, inst = users[-1]
            if _is_root(inst) and inst.args_span is not None:
                yield Finding(
                    inst.args_span,
                    f"The image runs as `{inst.args}`: switch to an unprivileged `USER` at the end",
                    item=idx,
                )


RULE = LastUserRoot()

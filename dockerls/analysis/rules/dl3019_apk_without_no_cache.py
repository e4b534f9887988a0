"""DL3019: `apk add` without `--no-cache`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import APK_TAKES_VALUE, cache_targets, covers, invocations
from dockerls.analysis.rules.base import (
    Applicability,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


def _apk_cache_mounted(inst: Instruction) -> bool:
    return any(covers(t, "/var/cache/apk") or t == "/etc/apk/cache" for t in cache_targets(inst))


class ApkWithoutNoCache(Rule):
    """What it does:
    Flags `apk add` without `--no-cache`, unless `/var/cache/apk` is a cache
    or tmpfs mount of the `RUN`.

    Why it matters:
    Without `--no-cache`, apk stores the repository index (and with
    `--update`, fresh copies of it) under `/var/cache/apk`, where it stays
    in the layer.

    Example:
    ```dockerfile
    RUN apk add --update curl
    ```

    Fix:
    ```dockerfile
    RUN apk add --no-cache curl
    ```
    `--no-cache` also fetches a fresh index, so a separate `apk update` is
    not needed.  The quick fix adds `--no-cache` after `add`.
    """

    code = "DL3019"
    name = "apk-without-no-cache"
    severity = Severity.INFO
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset({"apk"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("apk",), ("add",), APK_TAKES_VALUE):
            if inv.cmd.has_flag("--no-cache") or _apk_cache_mounted(inst):
                continue
            yield Finding(
                inv.words_span(),
                "`apk add` without `--no-cache` leaves the package index in the image",
                Fix("Add `--no-cache`", (inv.after_sub(" --no-cache"),), Applicability.SAFE),
            )


RULE = ApkWithoutNoCache()

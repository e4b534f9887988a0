"""MissingMountKey: a RUN --mount without an option its type requires."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import mounts
from dockerls.syntax.nodes import Instruction


class MissingMountKey(Rule):
    """What it does:
    Flags a `RUN --mount` that lacks a required option: `cache` and `tmpfs`
    mounts need a `target` (or `dst`/`destination`);
    bind mounts may omit it.

    Why it matters:
    BuildKit can't know where to mount and rejects the instruction.

    Example:
    ```dockerfile
    RUN --mount=type=cache,id=npm npm ci
    ```

    Fix:
    Add the mount point: `--mount=type=cache,id=npm,target=/root/.npm`.
    """

    code = "MissingMountKey"
    name = "missing-mount-key"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for m in mounts(inst):
            mt = m.type
            if mt is None or mt.name == "bind":
                continue  # BuildKit builds bind mounts without a target (moby's own files do)
            for key in mt.required_keys:
                if m.get(key.name) is None:
                    span = m.flag.value_span or m.flag.span
                    yield Finding(span, f"A `type={mt.name}` mount needs `{key.name}=<path>`")


RULE = MissingMountKey()

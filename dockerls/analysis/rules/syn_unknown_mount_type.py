"""UnknownMountType: RUN --mount with a type BuildKit does not have."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import has_var, mounts, rename_fix
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class UnknownMountType(Rule):
    """What it does:
    Flags `RUN --mount=type=...` when the type is not `bind`, `cache`,
    `tmpfs`, `secret` or `ssh`.

    Why it matters:
    BuildKit refuses the whole instruction when it does not know the mount
    type.

    Example:
    ```dockerfile
    RUN --mount=type=cached,target=/root/.cache pip install -r req.txt
    ```

    Fix:
    Use one of the five types; the quick fix proposes the closest one.
    """

    code = "UnknownMountType"
    name = "unknown-mount-type"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        names = [m.name for m in spec.MOUNT_TYPES]
        for m in mounts(inst):
            tf = m.type_field
            if tf is None or tf.value_span is None or m.type is not None or has_var(m.type_name):
                continue
            best = spec.closest(m.type_name, names)
            fix = None if best is None else rename_fix(tf.value_span, best, "the type", False)
            hint = f": did you mean `{best}`?" if best else f" (use one of {', '.join(names)})"
            yield Finding(tf.value_span, f"Unknown mount type `{m.type_name}`{hint}", fix)


RULE = UnknownMountType()

"""DL3029: FROM with a --platform flag."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import var_refs
from dockerls.analysis.rules._misc_common import get_flag
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

# platform values that follow the build instead of fixing it
_FOLLOWING = frozenset({"BUILDPLATFORM", "TARGETPLATFORM"})


class FromPlatformFlag(Rule):
    """What it does:
    Flags `FROM --platform=<value>` when the value pins a platform, such as
    `linux/amd64`. `$BUILDPLATFORM` and `$TARGETPLATFORM` are accepted.

    Why it matters:
    A fixed platform makes the image build for that platform whatever the
    caller asks for with `--platform`, and on other hosts it runs under
    emulation or not at all.

    Example:
    ```dockerfile
    FROM --platform=linux/amd64 debian:12
    ```

    Fix:
    Drop the flag and choose the platform at build time
    (`docker build --platform ...`), or use `$BUILDPLATFORM` for stages that
    only build tools.
    """

    code = "DL3029"
    name = "from-platform-flag"
    severity = Severity.WARNING
    group = "hadolint"
    needs = Needs.FLAGS
    fix = FixAvailability.NONE
    kinds = frozenset({"FROM"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        f = get_flag(inst, "platform")
        if f is None:
            return
        value = f.value or ""
        if any(r.name in _FOLLOWING for r in var_refs(value, ctx.escape)):
            return
        yield Finding(f.span, f"`--platform={value}` fixes the platform of this stage")


RULE = FromPlatformFlag()

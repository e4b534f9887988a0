"""DL3067: COPY --from copies the whole filesystem `/` of another stage to `/`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import get_flag, operands
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class CopyWholeStageRoot(Rule):
    """What it does:
    Flags `COPY --from=<stage> / /`, which copies the entire filesystem of
    another stage or image over the current one.

    Why it matters:
    Everything comes along: package caches, build tools, files that shadow
    the current stage's own. The image grows and its contents become hard
    to reason about; `FROM <stage>` says the same thing more honestly.

    Example:
    ```dockerfile
    COPY --from=build / /
    ```

    Fix:
    Copy only what is needed, or build on the stage with `FROM build`:
    ```dockerfile
    COPY --from=build /out/app /usr/local/bin/app
    ```
    """

    code = "DL3067"
    name = "copy-whole-stage-root"
    severity = Severity.WARNING
    group = "hadolint"
    needs = Needs.FLAGS
    fix = FixAvailability.NONE
    kinds = frozenset({"COPY"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        f = get_flag(inst, "from")
        if f is None:
            return
        ops = operands(inst)
        if len(ops) != 2:
            return
        values = [v for v, _s in ops]
        if values == ["/", "/"]:
            span = Span(ops[0][1].start, ops[1][1].end)
            yield Finding(span, f"Copies the whole filesystem of `{f.value}` onto `/`")


RULE = CopyWholeStageRoot()

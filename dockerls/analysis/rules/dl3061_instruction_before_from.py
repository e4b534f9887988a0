"""DL3061: an instruction other than ARG before the first FROM."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity
from dockerls.syntax.nodes import Instruction


class InstructionBeforeFrom(Rule):
    """What it does:
    Flags any instruction other than `ARG` that comes before the first
    `FROM` (comments and parser directives are fine).

    Why it matters:
    Only `ARG` may precede `FROM`; anything else has no stage to belong to
    and the builder rejects the file.

    Example:
    ```dockerfile
    LABEL maintainer="ops@example.com"
    FROM debian:12
    ```

    Fix:
    Move the instruction after `FROM`:
    ```dockerfile
    FROM debian:12
    LABEL maintainer="ops@example.com"
    ```
    """

    code = "DL3061"
    name = "instruction-before-from"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.NONE

    def check_file(self, model: Model) -> Iterable[Finding]:
        items = model.items
        for idx in model.preamble:
            inst = items[idx]
            if isinstance(inst, Instruction) and inst.name != "ARG":
                yield Finding(
                    inst.keyword_span, f"`{inst.keyword}` before the first `FROM`", item=idx
                )


RULE = InstructionBeforeFrom()

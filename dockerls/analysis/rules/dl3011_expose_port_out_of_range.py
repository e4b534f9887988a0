"""DL3011: an EXPOSE port outside the valid range 0-65535."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span

_PORT_RE = re.compile(r"^(\d+)(?:-(\d+))?(?:/[A-Za-z]+)?$")
MAX_PORT = 65535


class ExposePortOutOfRange(Rule):
    """What it does:
    Flags a port number after `EXPOSE` that is larger than 65535, alone or
    as either end of a range such as `60000-70000`.

    Why it matters:
    TCP and UDP ports are 16-bit numbers; a bigger number is a typo and the
    build or `docker run -P` will reject it.

    Example:
    ```dockerfile
    EXPOSE 80800
    ```

    Fix:
    Use the port the service really listens on:
    ```dockerfile
    EXPOSE 8080
    ```
    """

    code = "DL3011"
    name = "expose-port-out-of-range"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"EXPOSE"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            m = _PORT_RE.match(w.value)
            if m is None:
                continue
            exact = len(w.value) == len(w.span)
            for g in (1, 2):
                num = m.group(g)
                if num is None or int(num) <= MAX_PORT:
                    continue
                span = Span(w.span.start + m.start(g), w.span.start + m.end(g)) if exact else w.span
                yield Finding(span, f"Port `{num}` is outside the valid range 0-65535")


RULE = ExposePortOutOfRange()

"""InvalidPort: an EXPOSE entry that is not a port or port range."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class InvalidPort(Rule):
    """What it does:
    Flags an `EXPOSE` entry whose port part is not a number or a
    `start-end` range, such as `EXPOSE http`. Entries with variables are
    skipped, as are `ip:port` mappings (ExposeInvalidFormat) and numbers out
    of range (DL3011).

    Why it matters:
    BuildKit parses each port and stops the build on one it cannot read.

    Example:
    ```dockerfile
    EXPOSE web
    ```

    Fix:
    Write the port number: `EXPOSE 8080`.
    """

    code = "InvalidPort"
    name = "invalid-port"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"EXPOSE"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            v = w.value
            if "$" in v or ":" in v or "\x27" in v or '"' in v:
                continue
            port = v.split("/", 1)[0]
            if not re.fullmatch(r"\d+(-\d+)?", port):
                yield Finding(
                    Span(w.span.start, w.span.start + len(port)),
                    f"`{port}` is not a port number or range",
                )


RULE = InvalidPort()

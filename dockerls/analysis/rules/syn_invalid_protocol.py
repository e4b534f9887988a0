"""InvalidProtocol: an EXPOSE protocol other than tcp, udp or sctp."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction, Span


class InvalidProtocol(Rule):
    """What it does:
    Flags the protocol after `/` in an `EXPOSE` entry when it is not `tcp`,
    `udp` or `sctp` (in any case; ExposeProtoCasing handles the casing).

    Why it matters:
    BuildKit rejects unknown protocols.

    Example:
    ```dockerfile
    EXPOSE 53/dns
    ```

    Fix:
    Use `tcp`, `udp` or `sctp`: `EXPOSE 53/udp`.
    """

    code = "InvalidProtocol"
    name = "invalid-protocol"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"EXPOSE"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            v = w.value
            if "$" in v or ":" in v or "/" not in v or "\x27" in v or '"' in v:
                continue
            slash = v.index("/")
            proto = v[slash + 1 :]
            if proto.lower() not in spec.EXPOSE_PROTOCOLS:
                start = w.span.start + slash + 1
                yield Finding(
                    Span(start, start + len(proto)) if proto else Span(start - 1, start),
                    f"Unknown protocol `{proto}`: use tcp, udp or sctp"
                    if proto
                    else "Missing protocol after `/`: use tcp, udp or sctp",
                )


RULE = InvalidProtocol()

"""ExposeProtoCasing: `EXPOSE 80/TCP`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class ExposeProtoCasing(Rule):
    """What it does:
    Flags an `EXPOSE` port whose protocol is not written in lowercase
    (`80/TCP`).

    Why it matters:
    Docker accepts either case, but other tools that read the image's exposed
    ports compare the protocol literally; lowercase is the canonical form.

    Example:
    ```dockerfile
    EXPOSE 8080/TCP
    ```

    Fix:
    `EXPOSE 8080/tcp`.
    """

    code = "ExposeProtoCasing"
    name = "expose-protocol-casing"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"EXPOSE"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            slash = w.value.rfind("/")
            if slash < 0 or len(w.span) != len(w.value):
                continue
            proto = w.value[slash + 1 :]
            if not proto or proto == proto.lower() or "$" in proto:
                continue
            sp = Span(w.span.start + slash + 1, w.span.end)
            yield Finding(
                sp,
                f"Protocol `{proto}` should be lowercase",
                Fix(f"Write `{proto.lower()}`", (Edit(sp, proto.lower()),)),
            )


RULE = ExposeProtoCasing()

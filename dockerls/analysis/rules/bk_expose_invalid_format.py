"""ExposeInvalidFormat: `EXPOSE` with an IP address or a host port."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import var_refs
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction


def _without_vars(text: str, escape: str) -> str:
    for r in reversed(var_refs(text, escape)):
        text = text[: r.start] + text[r.end :]
    return text


class ExposeInvalidFormat(Rule):
    """What it does:
    Flags an `EXPOSE` entry that contains `:`, i.e. an IP address or a
    `host:container` port mapping (`EXPOSE 8080:80`, `EXPOSE 127.0.0.1:80`).

    Why it matters:
    `EXPOSE` only documents the container's ports; the host side is chosen
    when the container runs. Docker ignores the extra part today and has
    announced that it will become an error.

    Example:
    ```dockerfile
    EXPOSE 8080:80
    ```

    Fix:
    Expose the container port only (`EXPOSE 80`) and map it at run time with
    `docker run -p 8080:80`.
    """

    code = "ExposeInvalidFormat"
    name = "expose-host-mapping"
    severity = Severity.WARNING
    group = "buildkit"
    kinds = frozenset({"EXPOSE"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            if ":" in _without_vars(w.value, ctx.escape):
                yield Finding(
                    w.span,
                    f"`{w.value}` includes an address or host port; `EXPOSE` takes only the container port",
                )


RULE = ExposeInvalidFormat()

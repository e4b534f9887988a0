"""JsonInSingleQuotes: an exec-form array written with single quotes."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class JsonInSingleQuotes(Rule):
    """What it does:
    Flags an argument that looks like an exec-form array but uses single
    quotes, such as `CMD ['nginx', '-g', 'daemon off;']`.

    Why it matters:
    JSON only knows double quotes, so BuildKit takes the text as a shell
    command line (or as plain paths for COPY/ADD/VOLUME), which is not what
    was meant.

    Example:
    ```dockerfile
    ENTRYPOINT ['/entrypoint.sh']
    ```

    Fix:
    Use double quotes: `ENTRYPOINT ["/entrypoint.sh"]`.
    """

    code = "JsonInSingleQuotes"
    name = "json-in-single-quotes"
    severity = Severity.WARNING
    group = "syntax"
    kinds = frozenset({"ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        a = inst.args
        if inst.json or not (a.startswith("[") and a.endswith("]")) or "'" not in a:
            return
        if inst.args_span is None:
            return
        import json  # here: the rare instruction that gets this far

        try:
            data = json.loads(a.replace("'", '"'))
        except ValueError:
            return
        if isinstance(data, list) and all(isinstance(x, str) for x in data):
            yield Finding(
                inst.args_span,
                "Exec form needs double quotes; with single quotes this is not JSON",
                None,
            )


RULE = JsonInSingleQuotes()

"""ShellJsonForm: SHELL not written as a JSON array."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class ShellJsonForm(Rule):
    """What it does:
    Flags a `SHELL` instruction whose argument is not a JSON array of
    strings, such as `SHELL /bin/bash -c`.

    Why it matters:
    BuildKit only accepts the exec form for SHELL.

    Example:
    ```dockerfile
    SHELL /bin/bash -o pipefail -c
    ```

    Fix:
    Write it as an array: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.
    """

    code = "ShellJsonForm"
    name = "shell-json-form"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"SHELL"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if inst.json or inst.args_span is None or not inst.args:
            return
        if any(i.code == "JSONNotStrings" for i in inst.issues):
            return
        yield Finding(inst.args_span, '`SHELL` must be a JSON array, e.g. `["/bin/sh", "-c"]`')


RULE = ShellJsonForm()

"""MissingArguments: an instruction without the arguments it needs."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction

_OPTIONAL = frozenset({"RUN", "CMD", "ENTRYPOINT"})


class MissingArguments(Rule):
    """What it does:
    Flags an instruction written without arguments (`WORKDIR`, bare
    `HEALTHCHECK`, `ONBUILD` with no trigger), a `COPY`/`ADD` with
    fewer than a source and a destination, and `FROM image AS` without the
    stage name. `RUN`, `CMD` and `ENTRYPOINT` may be empty.

    Why it matters:
    BuildKit rejects each of these when it reads the file.

    Example:
    ```dockerfile
    COPY app.py
    ```

    Fix:
    Add what is missing: `COPY app.py /app/`.
    """

    code = "MissingArguments"
    name = "missing-arguments"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset(spec.INSTRUCTION_NAMES) - _OPTIONAL

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        name = inst.name
        if name in _OPTIONAL or spec.instruction(name) is None:
            return
        if name == "ONBUILD":
            if inst.sub is None:
                yield Finding(inst.keyword_span, "`ONBUILD` needs an instruction to run later")
            return
        if not inst.words and not inst.json_items and not inst.heredocs:
            yield Finding(inst.keyword_span, f"`{inst.keyword}` needs arguments")
            return
        if name in ("COPY", "ADD"):
            ops = inst.json_items if inst.json else inst.words
            if len(ops) == 1:
                yield Finding(ops[0].span, f"`{name}` needs at least one source and a destination")
            elif not ops and inst.json:
                yield Finding(
                    inst.args_span or inst.keyword_span,
                    f"`{name}` needs a source and a destination",
                )
        elif name == "FROM" and len(inst.words) == 2 and inst.words[1].value.lower() == "as":
            yield Finding(inst.words[1].span, "A stage name must follow `AS`")


RULE = MissingArguments()

"""InvalidFromValue: COPY --from naming neither a stage nor an image."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.syntax.nodes import Instruction


class InvalidFromValue(Rule):
    """What it does:
    Flags a `COPY --from` value that cannot be a stage name, a stage index or
    an image reference because it does not start with a letter or digit.
    Values starting with a variable are not checked.

    Why it matters:
    BuildKit resolves the value as an image when it is no stage, and a value
    like `-build` or `/x` is not a valid reference, so the build fails.

    Example:
    ```dockerfile
    COPY --from=.build /out /app
    ```

    Fix:
    Name the stage (`--from=build`), its index (`--from=0`) or an image.
    """

    code = "InvalidFromValue"
    name = "invalid-from-value"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"COPY"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl in inst.flags:
            if fl.name != "from" or not fl.value or fl.value_span is None:
                continue
            first = fl.value[0]
            if first == "$" or first.isalnum():
                continue
            yield Finding(fl.value_span, f"`--from={fl.value}` must start with a letter or digit")


RULE = InvalidFromValue()

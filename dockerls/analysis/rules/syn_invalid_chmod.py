"""InvalidChmod: COPY/ADD --chmod that is neither octal nor symbolic."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import has_var, valid_chmod
from dockerls.syntax.nodes import Instruction


class InvalidChmod(Rule):
    """What it does:
    Flags a `--chmod` value on `COPY` or `ADD` that is neither an octal mode
    (`755`, `0644`) nor a symbolic one (`u+x`, `go-w,a+r`). Values with
    variables are not checked.

    Why it matters:
    BuildKit cannot apply a mode it can't parse and stops the build.

    Example:
    ```dockerfile
    COPY --chmod=rwxr-xr-x run.sh /usr/local/bin/
    ```

    Fix:
    Write the mode in octal (`--chmod=755`) or symbolic form (`--chmod=u+x`).
    """

    code = "InvalidChmod"
    name = "invalid-chmod"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"COPY", "ADD"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl in inst.flags:
            if fl.name != "chmod" or not fl.value or has_var(fl.value):
                continue
            if not valid_chmod(fl.value) and fl.value_span is not None:
                yield Finding(
                    fl.value_span,
                    f"`{fl.value}` is not a file mode (use octal like `755` or `u+x`)",
                )


RULE = InvalidChmod()

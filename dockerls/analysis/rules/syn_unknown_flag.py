"""UnknownFlag: a flag the instruction does not accept."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import rename_fix, unambiguous
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class UnknownFlag(Rule):
    """What it does:
    Flags a `--name` option that the instruction does not define, such as
    `COPY --form=build` or any flag on `CMD`. Flag names are case-sensitive.

    Why it matters:
    BuildKit stops the build on the first unknown flag.

    Example:
    ```dockerfile
    COPY --form=build /app /app
    ```

    Fix:
    Use the intended flag (`--from=build`); the quick fix renames it to the
    closest known flag, or remove it.
    """

    code = "UnknownFlag"
    name = "unknown-flag"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    fix = FixAvailability.SOMETIMES

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if not inst.flags or inst.name == "ONBUILD" or spec.instruction(inst.name) is None:
            return
        names = [f.name for f in spec.flags_for(inst.name)]
        for fl in inst.flags:
            if fl.name in names:
                continue
            if not names:
                yield Finding(
                    fl.name_span, f"`{inst.name}` takes no flags, so `--{fl.name}` is unknown"
                )
                continue
            best = spec.closest(fl.name, names)
            if best is None:
                known = ", ".join(f"--{n}" for n in names)
                yield Finding(
                    fl.name_span, f"Unknown flag `--{fl.name}` for `{inst.name}` (known: {known})"
                )
                continue
            yield Finding(
                fl.name_span,
                f"Unknown flag `--{fl.name}` for `{inst.name}`: did you mean `--{best}`?",
                rename_fix(fl.name_span, best, "the flag", unambiguous(fl.name, best, names)),
            )


RULE = UnknownFlag()

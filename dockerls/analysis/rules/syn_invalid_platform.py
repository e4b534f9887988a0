"""InvalidPlatform: FROM --platform that is not os/arch[/variant]."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import has_var, platform_problem
from dockerls.syntax.nodes import Instruction


class InvalidPlatform(Rule):
    """What it does:
    Flags a `FROM --platform` value that is not a platform specifier
    (`os/arch[/variant]`, or a lone known OS or architecture). Values with
    build arguments such as `$BUILDPLATFORM` are not checked.

    Why it matters:
    BuildKit parses the platform before pulling and stops on a malformed one.

    Example:
    ```dockerfile
    FROM --platform=linux:amd64 alpine:3.20
    ```

    Fix:
    Use `/` separators: `--platform=linux/amd64`, or `--platform=$BUILDPLATFORM`.
    """

    code = "InvalidPlatform"
    name = "invalid-platform"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"FROM"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl in inst.flags:
            if fl.name != "platform" or not fl.value or has_var(fl.value):
                continue
            why = platform_problem(fl.value)
            if why is not None and fl.value_span is not None:
                yield Finding(fl.value_span, f"Platform `{fl.value}` {why}")


RULE = InvalidPlatform()

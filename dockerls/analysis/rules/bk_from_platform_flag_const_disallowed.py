"""FromPlatformFlagConstDisallowed: `FROM --platform=linux/amd64`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.syntax.nodes import Instruction


class FromPlatformFlagConstDisallowed(Rule):
    """What it does:
    Flags `FROM --platform=` with a fixed value such as `linux/amd64`, unless
    the stage name mentions that OS or architecture (`AS build-amd64`).

    Why it matters:
    A fixed platform forces that image whatever platform you build for, so a
    multi-platform build silently ships the wrong architecture (or runs it
    under emulation).

    Example:
    ```dockerfile
    FROM --platform=linux/amd64 alpine:3.20
    ```

    Fix:
    Drop the flag, or use a build argument:
    `FROM --platform=$BUILDPLATFORM golang:1.22 AS build`.
    """

    code = "FromPlatformFlagConstDisallowed"
    name = "constant-from-platform"
    severity = Severity.WARNING
    group = "buildkit"
    needs = Needs.FLAGS
    kinds = frozenset({"FROM"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        stage = words[2].value if len(words) >= 3 and words[1].value.lower() == "as" else ""
        for f in inst.flags:
            if f.name != "platform" or not f.value or "$" in f.value:
                continue
            parts = f.value.lower().split("/")
            os_ = parts[0]
            arch = parts[1] if len(parts) > 1 and parts[1] else "amd64"
            if not os_ or (os_ in stage.lower() or arch in stage.lower()):
                continue
            yield Finding(
                f.value_span or f.span,
                f"`--platform={f.value}` pins this stage to one platform; use a variable such as `$BUILDPLATFORM`",
            )


RULE = FromPlatformFlagConstDisallowed()

"""SecretsUsedInArgOrEnv: an ARG/ENV whose name suggests a secret."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.model import definitions_of
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction, Span

_DENY = re.compile(
    r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
    re.IGNORECASE,
)
_ALLOW = re.compile(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)


def names(inst: Instruction) -> list[tuple[str, Span]]:
    """Variable names an ARG/ENV defines, with their spans (the model's reading)."""
    return [(name, span) for _kind, name, _value, span, _vspan in definitions_of(inst)]


def looks_secret(name: str) -> bool:
    return _DENY.search(name) is not None and _ALLOW.search(name) is None


class SecretsUsedInArgOrEnv(Rule):
    """What it does:
    Flags an `ARG` or `ENV` whose name contains a word such as `password`,
    `token`, `secret`, `key` or `auth` (as a whole `_`-separated word), unless
    it also says `public`, `file` or `version`.

    Why it matters:
    Build arguments and environment variables are stored in the image
    metadata and history, where anyone who can pull the image can read them.

    Example:
    ```dockerfile
    ARG GITHUB_TOKEN
    RUN git clone https://$GITHUB_TOKEN@github.com/org/private.git
    ```

    Fix:
    Pass secrets with a secret mount:
    `RUN --mount=type=secret,id=github_token ...` and
    `docker build --secret id=github_token,env=GITHUB_TOKEN`.
    """

    code = "SecretsUsedInArgOrEnv"
    name = "secret-in-arg-or-env"
    severity = Severity.WARNING
    group = "buildkit"
    kinds = frozenset({"ARG", "ENV"})
    onbuild = False
    same_as = ("DL3064",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if ctx.onbuild:
            return
        for name, span in names(inst):
            if looks_secret(name):
                yield Finding(
                    span,
                    f"`{name}` looks like a secret; `{inst.name}` values are kept in the image, use a secret mount",
                )


RULE = SecretsUsedInArgOrEnv()

"""DL3064: an ARG or ENV whose name suggests it holds a secret."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span, Word

# parts of a name that suggest a secret (compared without regard to case)
_SECRET_PARTS = re.compile("password|secret|token|api_key|private|username")
_SECRET_NAMES = frozenset({"aws_access_key_id"})


def looks_secret(name: str) -> bool:
    low = name.lower()
    return low in _SECRET_NAMES or _SECRET_PARTS.search(low) is not None


def _names(inst: Instruction) -> Iterable[tuple[str, Word]]:
    """(name, the word naming it) for each variable ``inst`` sets (the name starts the word)."""
    words = inst.words
    if not words:
        return
    if inst.name == "ENV" and "=" not in words[0].value:
        yield words[0].value, words[0]
        return
    for w in words:
        eq = w.value.find("=")
        if eq == 0:
            continue
        name = w.value if eq < 0 else w.value[:eq]
        if inst.name == "ENV" and eq < 0:
            continue
        yield name, w


class SecretInArgEnv(Rule):
    """What it does:
    Flags `ARG` and `ENV` names that contain `password`, `secret`, `token`,
    `api_key`, `private` or `username`, and `AWS_ACCESS_KEY_ID`.

    Why it matters:
    Build arguments and environment variables end up in the image metadata
    and history (`docker history`, `docker inspect`), where anyone with the
    image can read them.

    Example:
    ```dockerfile
    ARG NPM_TOKEN
    RUN npm ci
    ```

    Fix:
    Pass secrets with a secret mount, which is never stored in the image:
    ```dockerfile
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    ```
    """

    code = "DL3064"
    name = "secret-in-arg-env"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"ARG", "ENV"})
    same_as = ("SecretsUsedInArgOrEnv",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for name, w in _names(inst):
            if looks_secret(name):
                yield Finding(
                    Span(w.span.start, w.span.start + len(name)),
                    f"`{name}` looks like a secret; `{inst.name}` values are kept in the image",
                )


RULE = SecretInArgEnv()

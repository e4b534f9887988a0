"""DL3048: a LABEL key that breaks Docker's key conventions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.rules._labels import label_pairs
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction

_SHAPE = re.compile(r"[a-z](?:[a-z0-9._/-]*[a-z0-9])?")
_RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a conventional label key, or None."""
    if key.startswith(_RESERVED):
        return "uses a namespace reserved for Docker"
    if _SHAPE.fullmatch(key) is None:
        return "should start with a lower-case letter, end with a letter or digit and use only `a-z 0-9 . - _ /`"
    if ".." in key or "--" in key:
        return "has a doubled `.` or `-`"
    return None


class InvalidLabelKey(Rule):
    """What it does:
    Flags `LABEL` keys that do not follow Docker's conventions: lower-case
    letters, digits, `.`, `-`, `_` and `/`, starting with a letter and ending
    with a letter or digit, no doubled `.` or `-`, and none of the namespaces
    Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).

    Why it matters:
    Tools that query labels expect reverse-DNS keys such as
    `org.opencontainers.image.source`; odd keys are easy to mistype and hard
    to filter on.

    Example:
    ```dockerfile
    LABEL Version=1.0 com.docker.owner=me
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.version=1.0 com.example.owner=me
    ```
    """

    code = "DL3048"
    name = "invalid-label-key"
    severity = Severity.STYLE
    group = "hadolint"
    kinds = frozenset({"LABEL"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for pair in label_pairs(inst):
            why = key_problem(pair.key)
            if why is not None:
                yield Finding(pair.key_span, f"Label key `{pair.key}` {why}")


RULE = InvalidLabelKey()

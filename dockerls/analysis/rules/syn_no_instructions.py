"""NoInstructions: a Dockerfile with no instruction at all."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Span


class NoInstructions(Rule):
    """What it does:
    Flags a Dockerfile that is empty or holds only blank lines, comments and
    parser directives.

    Why it matters:
    There is nothing to build: BuildKit stops with "file with no
    instructions".

    Example:
    ```dockerfile
    # syntax=docker/dockerfile:1
    # TODO: write the build
    ```

    Fix:
    Add the build's instructions, starting with a `FROM`.
    """

    code = "NoInstructions"
    name = "no-instructions"
    severity = Severity.ERROR
    group = "syntax"

    def check_file(self, model: Model) -> Iterable[Finding]:
        p = model.parse
        if p.has_instructions or not p.items:
            return
        first = p.items[0].text
        end = len(first.split("\n", 1)[0].rstrip("\r"))
        yield Finding(Span(0, end), "The Dockerfile has no instructions: nothing to build", item=0)


RULE = NoInstructions()

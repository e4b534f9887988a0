"""DL1001: an inline ignore pragma (a policy rule, off by default)."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.pragmas import PragmaKind, parse_pragma
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Comment


class InlineIgnorePragma(Rule):
    """What it does:
    Flags every `# hadolint ignore=...` comment that silences rules for the
    next instruction.  The rule is off unless its severity is set in the
    settings (`rules.severity`).

    Why it matters:
    Some teams want every exception in one reviewed configuration file rather
    than spread across Dockerfiles; this rule enforces that policy.

    Example:
    ```dockerfile
    # hadolint ignore=DL3008
    RUN apt-get install -y curl
    ```

    Fix:
    Remove the comment and list the rule in the project's settings or
    `.hadolint.yaml` instead.
    """

    code = "DL1001"
    name = "inline-ignore-pragma"
    severity = Severity.OFF
    group = "hadolint"

    def check_file(self, model: Model) -> Iterable[Finding]:
        p = model.parse
        items = p.items
        for i in range(p.header, len(items)):
            it = items[i]
            if not isinstance(it, Comment) or "ignore" not in it.body:
                continue
            pr = parse_pragma(it.body)
            if pr is None or pr.kind is not PragmaKind.IGNORE:
                continue
            yield Finding(
                it.body_span,
                "Inline ignore pragma: list exceptions in the configuration instead",
                item=i,
            )


RULE = InlineIgnorePragma()

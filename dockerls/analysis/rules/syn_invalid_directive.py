"""InvalidDirective: a `# check=` directive BuildKit cannot parse."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.pragmas import parse_check_directive
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Directive, Span


class InvalidDirective(Rule):
    """What it does:
    Checks the value of the `# check=` parser directive: only `skip`,
    `error` and `experimental` keys, `;` between them, a boolean for
    `error`, and rule lists for the others.

    Why it matters:
    BuildKit refuses to build when it cannot parse the directive.

    Example:
    ```dockerfile
    # check=ignore=JSONArgsRecommended
    ```

    Fix:
    Use a known key: `# check=skip=JSONArgsRecommended`.
    """

    code = "InvalidDirective"
    name = "invalid-directive"
    severity = Severity.ERROR
    group = "syntax"

    def check_file(self, model: Model) -> Iterable[Finding]:
        p = model.parse
        for i in range(p.header):
            d = p.items[i]
            if not isinstance(d, Directive) or d.name != "check":
                continue
            base = d.value_span.start
            for prob in parse_check_directive(d.value).problems:
                end = max(prob.end, prob.start + 1)
                span = Span(base + prob.start, min(base + end, d.value_span.end))
                yield Finding(span, f"Invalid `check` directive: {prob.message}", item=i)


RULE = InvalidDirective()

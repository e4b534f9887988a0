"""DirectiveCasing: a parser directive name not in lowercase."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Edit, Finding, Fix, FixAvailability, Rule, Severity
from dockerls.syntax.nodes import Directive


class DirectiveCasing(Rule):
    """What it does:
    Flags a parser directive (`syntax`, `escape`, `check`) whose name is not
    written in lowercase, such as `# ESCAPE=``.

    Why it matters:
    BuildKit accepts any case, but other tools look for the lowercase form
    and may not see the directive.

    Example:
    ```dockerfile
    # Syntax=docker/dockerfile:1
    ```

    Fix:
    Write the name in lowercase: `# syntax=docker/dockerfile:1`.
    """

    code = "DirectiveCasing"
    name = "directive-casing"
    severity = Severity.WARNING
    group = "syntax"
    fix = FixAvailability.ALWAYS

    def check_file(self, model: Model) -> Iterable[Finding]:
        p = model.parse
        for i in range(p.header):
            d = p.items[i]
            if isinstance(d, Directive) and d.name_as_written != d.name:
                yield Finding(
                    d.name_span,
                    f"Write the directive name in lowercase: `{d.name}`",
                    Fix(f"Write `{d.name}`", (Edit(d.name_span, d.name),)),
                    item=i,
                )


RULE = DirectiveCasing()

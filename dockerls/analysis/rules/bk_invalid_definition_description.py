"""InvalidDefinitionDescription (experimental): a comment above a stage or ARG
that does not start with its name."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_secrets_used_in_arg_or_env import names


class InvalidDefinitionDescription(Rule):
    """What it does:
    Looks at the comment line directly above a named `FROM ... AS name` or
    an `ARG`, and flags it when its first word is not the stage or argument
    name. (Experimental in BuildKit: only reported there when enabled with
    `# check=experimental=InvalidDefinitionDescription`.)

    Why it matters:
    Tools such as `docker buildx build --call=outline` and `--call=targets`
    show a comment that starts with the name as the description of that
    stage or argument; a comment in another form is not picked up.

    Example:
    ```dockerfile
    # The stage that compiles the app
    FROM golang:1.22 AS build
    ```

    Fix:
    Start the comment with the name (`# build compiles the app`), or leave
    an empty line between a plain comment and the instruction.
    """

    code = "InvalidDefinitionDescription"
    name = "definition-description-name-mismatch"
    severity = Severity.WARNING
    group = "buildkit"
    experimental = True

    def check_file(self, model: Model) -> Iterable[Finding]:
        for idx, inst in model.parse.instructions():
            if inst.name == "FROM":
                st = model.stage_of(idx)
                if st is None or st.name is None:
                    continue
                keys = [st.name]
            elif inst.name == "ARG":
                keys = [n for n, _s in names(inst)]
                if not keys:
                    continue
            else:
                continue
            if idx == 0 or idx - 1 < model.parse.header:
                continue
            above = model.comments_above(idx)
            if not above:
                continue
            cidx, comment = above[-1]
            first = comment.body.split(" ")[0] if comment.body else ""
            if first in keys:
                continue
            key = keys[0] if len(keys) == 1 else "<name>"
            yield Finding(
                comment.body_span,
                f"A description comment for `{inst.name}` should start with `{key}`",
                item=cidx,
            )


RULE = InvalidDefinitionDescription()

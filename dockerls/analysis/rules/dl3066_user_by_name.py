"""DL3066: USER given by name instead of a numeric id."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity
from dockerls.syntax.nodes import Span


def _uses_build_arg(text: str, stage: Stage, model: Model, item: int) -> bool:
    args = {d.name for d in model.global_args}
    for d in stage.definitions():
        if d.item >= item:
            break
        if d.kind == "ARG":
            args.add(d.name)
        else:
            args.discard(d.name)
    return any(r.name in args for r in var_refs(text, model.escape))


class UserByName(Rule):
    """What it does:
    Flags `USER` when the user is a name (`USER app`, `USER root:root`)
    rather than a numeric id. Variables are resolved from `ARG`/`ENV`
    values; a build argument that does not default to a number is left
    alone (the id may be passed at build time), and an undefined variable
    counts as a name.

    Why it matters:
    A name is looked up in the image's `/etc/passwd`. Tools that check
    whether an image runs as root (Kubernetes `runAsNonRoot`, for one) can
    only verify a numeric id, and the name may not exist on the host.

    Example:
    ```dockerfile
    USER app
    ```

    Fix:
    Use the numeric id the user was created with:
    ```dockerfile
    USER 10001
    ```
    """

    code = "DL3066"
    name = "user-by-name"
    severity = Severity.INFO
    group = "hadolint"
    kinds = frozenset({"USER"})
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for idx, inst in stage.by_name("USER"):
            words = inst.words
            if not words:
                continue
            w = words[0]
            user = w.value.split(":", 1)[0]
            if not user:
                continue
            resolved = user
            if "$" in user:
                resolved = expand(user, model.env_at(stage, idx), model.escape)
                if not resolved.isdigit() and _uses_build_arg(user, stage, model, idx):
                    continue  # a build argument can supply the id at build time
            if resolved.isdigit():
                continue
            span = (
                Span(w.span.start, w.span.start + len(user))
                if len(w.value) == len(w.span)
                else w.span
            )
            yield Finding(span, f"User `{user}` is a name; prefer a numeric user id", item=idx)


RULE = UserByName()

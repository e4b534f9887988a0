"""DL3044: an ENV value refers to a variable set by the same ENV."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dockerls.analysis.model import Model, Stage, var_refs
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class EnvSelfReference(Rule):
    """What it does:
    Flags `$NAME` in an `ENV` value when another `NAME=...` pair of the same
    `ENV` instruction sets `NAME` and no earlier `ARG` or `ENV` of the stage
    (or of the stage it builds on) defined it.

    Why it matters:
    All values of one `ENV` are expanded before any of its variables is set,
    so the reference sees the old value (often empty), not the one written
    next to it.

    Example:
    ```dockerfile
    ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin
    ```

    Fix:
    Split the instruction:
    ```dockerfile
    ENV APP_HOME=/srv/app
    ENV APP_BIN=$APP_HOME/bin
    ```
    """

    code = "DL3044"
    name = "env-self-reference"
    severity = Severity.ERROR
    group = "hadolint"
    kinds = frozenset({"ENV"})
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        # the names defined before each ENV: the base stage's, then the stage's own (in item
        # order) as far as the ENV; built at the first ENV that references a variable
        known: Callable[[int], set[str]] | None = None
        for idx, inst in stage.by_name("ENV"):
            if "$" not in inst.args:
                continue  # no reference: nothing it sets can be used in it
            if known is None:
                inherited: set[str] = set()
                if stage.base_stage is not None and stage.base_stage < stage.index:
                    inherited.update(d.name for d in model.stages[stage.base_stage].definitions())
                known = stage.defined_before(inherited)
            yield from self._check_env(inst, idx, known(idx), model.escape)

    def _check_env(
        self, inst: Instruction, idx: int, known: set[str], escape: str
    ) -> Iterable[Finding]:
        words = inst.words
        if len(words) < 2 or "=" not in words[0].value:
            return  # legacy form sets one variable only
        pairs: list[tuple[int, str, int]] = []  # word index, name, value offset in word
        for k, w in enumerate(words):
            eq = w.value.find("=")
            if eq > 0:
                pairs.append((k, w.value[:eq], eq + 1))
        names = [name for _k, name, _o in pairs]
        for k, name, off in pairs:
            w = words[k]
            value = w.value[off:]
            exact = len(w.value) == len(w.span)
            for r in var_refs(value, escape):
                if r.name not in names or r.name in known:
                    continue
                if r.name == name and names.count(name) < 2:
                    continue
                span = (
                    Span(w.span.start + off + r.start, w.span.start + off + r.end)
                    if exact
                    else w.span
                )
                yield Finding(
                    span,
                    f"`${r.name}` is set by this same `ENV` and is not visible here yet",
                    item=idx,
                )


RULE = EnvSelfReference()

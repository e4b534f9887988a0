"""MultipleInstructionsDisallowed: repeated CMD/ENTRYPOINT/HEALTHCHECK in a stage."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity, Tag

ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


class MultipleInstructionsDisallowed(Rule):
    """What it does:
    Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of
    the same kind in the same stage overrides.

    Why it matters:
    Only the last one of each kind takes effect; the earlier ones are dead
    code that suggests behaviour the image does not have.

    Example:
    ```dockerfile
    FROM alpine:3.20
    CMD ["echo", "one"]
    CMD ["echo", "two"]
    ```

    Fix:
    Delete the overridden instruction, or combine the two.
    """

    code = "MultipleInstructionsDisallowed"
    name = "overridden-single-use-instruction"
    severity = Severity.WARNING
    group = "buildkit"
    kinds = frozenset(ONCE)
    same_as = ("DL4003", "DL4004", "DL3012")

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        last: dict[str, tuple[int, int]] = {}
        for idx, inst in stage.by_name(*ONCE):
            prev = last.get(inst.name)
            if prev is not None:
                pidx, _pline = prev
                pinst = model.items[pidx]
                assert hasattr(pinst, "keyword_span")
                yield Finding(
                    pinst.keyword_span,
                    f"This `{inst.name}` is overridden by the one on line {model.parse.lines[idx] + 1}; only the last takes effect",
                    item=pidx,
                    tags=(Tag.UNNECESSARY,),
                )
            last[inst.name] = (idx, model.parse.lines[idx])


RULE = MultipleInstructionsDisallowed()

"""LegacyKeyValueFormat: `ENV key value` / `LABEL key value`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.analysis.rules.bk_common import is_plain
from dockerls.syntax.nodes import Instruction, Span


def key_value_text(inst: Instruction) -> str | None:
    """``=value`` replacing the separator and value, or None when unsure."""
    if not is_plain(inst) or inst.args_span is None or len(inst.words) < 2:
        return None
    value = inst.text[inst.words[1].span.start : inst.args_span.end]
    if not any(c.isspace() for c in value):
        return "=" + value
    if any(c in value for c in "\"'\\`"):
        return None
    return '="' + value + '"'


class LegacyKeyValueFormat(Rule):
    """What it does:
    Flags `ENV` and `LABEL` written as `key value` (a space, no `=`).

    Why it matters:
    The space-separated form sets a single variable whose value is the whole
    rest of the line, which surprises readers (`ENV A b C=d` sets only `A`).
    Docker documents it as legacy and may remove it.

    Example:
    ```dockerfile
    ENV NODE_ENV production
    ```

    Fix:
    Write `ENV NODE_ENV=production`; a value with spaces gets double quotes.
    """

    code = "LegacyKeyValueFormat"
    name = "legacy-key-value-format"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"ENV", "LABEL"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if ctx.onbuild or len(inst.words) < 2:
            return
        key = inst.words[0]
        if "=" in key.value:
            return
        new = key_value_text(inst)
        fix = None
        if new is not None and inst.args_span is not None:
            fix = Fix(
                f"Write `{key.value}=...`", (Edit(Span(key.span.end, inst.args_span.end), new),)
            )
        yield Finding(
            key.span,
            f"`{inst.keyword} {key.value} ...` uses the legacy form; write `{key.value}=<value>`",
            fix,
        )


RULE = LegacyKeyValueFormat()

"""UnterminatedQuote: an ENV, LABEL or ARG value with an unclosed quote."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import unclosed_quote
from dockerls.syntax.nodes import Instruction, Span


class UnterminatedQuote(Rule):
    """What it does:
    Flags a quote in an `ENV`, `LABEL` or `ARG` word that is never closed,
    such as `ENV MSG="hello`.

    Why it matters:
    BuildKit processes quotes in these values and stops at the end of the
    line still looking for the closing quote.

    Example:
    ```dockerfile
    LABEL description="my app
    ```

    Fix:
    Close the quote, or escape it if it is meant literally.
    """

    code = "UnterminatedQuote"
    name = "unterminated-quote"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"ENV", "LABEL", "ARG"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            v = w.value
            bad = unclosed_quote(v, ctx.escape)
            if bad is not None:
                quote, at = bad
                exact = len(w.span) == len(v)
                span = Span(w.span.start + at, w.span.end) if exact else w.span
                yield Finding(
                    span,
                    "The single quote is never closed"
                    if quote == "'"
                    else "The double quote is never closed",
                )


RULE = UnterminatedQuote()

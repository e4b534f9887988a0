"""UnterminatedQuote: an ENV, LABEL or ARG value with an unclosed quote."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
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
        esc = ctx.escape
        for w in inst.words:
            v = w.value
            quote = ""
            at = -1
            i = 0
            while i < len(v):
                c = v[i]
                if c == esc and quote != "\x27":
                    i += 2
                    continue
                if quote:
                    if c == quote:
                        quote = ""
                elif c in '\x27"':
                    quote, at = c, i
                i += 1
            if quote:
                exact = len(w.span) == len(v)
                span = Span(w.span.start + at, w.span.end) if exact else w.span
                yield Finding(
                    span,
                    "The single quote is never closed"
                    if quote == "'"
                    else "The double quote is never closed",
                )


RULE = UnterminatedQuote()

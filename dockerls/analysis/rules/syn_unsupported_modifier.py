"""UnsupportedModifier: a ${VAR...} form BuildKit cannot expand."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import may_reference, var_refs
from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span

# the modifiers BuildKit expands (besides `#`, `%` and `/` forms)
_EXPANDED_MODIFIERS = ("", ":-", "-", ":+", "+", ":?", "?")


class UnsupportedModifier(Rule):
    """What it does:
    Flags a `${NAME<modifier>}` reference, in an instruction BuildKit expands
    itself, whose modifier is not one it supports (`:-`, `-`, `:+`, `+`,
    `:?`, `?`, `#`, `##`, `%`, `%%`, `/`, `//`), such as `${VERSION:0:3}`.
    RUN, CMD and ENTRYPOINT are left to the shell.

    Why it matters:
    BuildKit stops with an error when it meets an unsupported modifier.

    Example:
    ```dockerfile
    ENV SHORT=${VERSION:0:3}
    ```

    Fix:
    Compute the value in a RUN step, or use a supported form.
    """

    code = "UnsupportedModifier"
    name = "unsupported-modifier"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.REFERENCES
    kinds = frozenset(
        {
            "ADD",
            "ARG",
            "COPY",
            "ENV",
            "EXPOSE",
            "FROM",
            "LABEL",
            "ONBUILD",
            "STOPSIGNAL",
            "USER",
            "VOLUME",
            "WORKDIR",
        }
    )

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if not may_reference(inst):
            return
        for w in inst.words:
            exact = len(w.span) == len(w.value)
            for r in var_refs(w.value, ctx.escape):
                m = r.modifier
                if m in _EXPANDED_MODIFIERS or m[:1] in "#%/":
                    continue
                span = Span(w.span.start + r.start, w.span.start + r.end) if exact else w.span
                yield Finding(
                    span, f"`{w.value[r.start : r.end]}` uses a modifier BuildKit cannot expand"
                )


RULE = UnsupportedModifier()

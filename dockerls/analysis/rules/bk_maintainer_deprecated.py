"""MaintainerDeprecated: the MAINTAINER instruction."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
    Tag,
)
from dockerls.analysis.rules.bk_common import is_plain
from dockerls.syntax.nodes import Instruction, Span


def authors_label(inst: Instruction) -> str | None:
    """``LABEL org.opencontainers.image.authors="..."`` for a MAINTAINER."""
    if not is_plain(inst) or not inst.args:
        return None
    value = inst.args.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    kw = "label" if inst.keyword == inst.keyword.lower() else "LABEL"
    return f'{kw} org.opencontainers.image.authors="{value}"'


class MaintainerDeprecated(Rule):
    """What it does:
    Flags the `MAINTAINER` instruction.

    Why it matters:
    `MAINTAINER` has been deprecated for years; the standard place for the
    author is the `org.opencontainers.image.authors` label, which tools that
    read OCI annotations understand.

    Example:
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    Fix:
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```
    The quick fix is marked unsafe: the image's legacy `Author` field is no
    longer set.
    """

    code = "MaintainerDeprecated"
    name = "maintainer-instruction"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"MAINTAINER"})
    onbuild = False
    same_as = ("DL4000",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if ctx.onbuild:
            return
        new = authors_label(inst)
        fix = None
        if new is not None and inst.args_span is not None:
            fix = Fix(
                "Replace with the `org.opencontainers.image.authors` label",
                (Edit(Span(inst.keyword_span.start, inst.args_span.end), new),),
                Applicability.UNSAFE,
            )
        yield Finding(
            inst.keyword_span,
            "`MAINTAINER` is deprecated; set the `org.opencontainers.image.authors` label instead",
            fix,
            tags=(Tag.DEPRECATED,),
        )


RULE = MaintainerDeprecated()

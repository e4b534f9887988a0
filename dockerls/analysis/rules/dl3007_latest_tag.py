"""DL3007: FROM uses the ``latest`` tag."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.nodes import Instruction, Span


class LatestTag(Rule):
    """What it does:
    Flags a `FROM` image tagged `latest` without a digest.

    Why it matters:
    `latest` is just the tag a publisher moved last; it changes under you, so
    the same Dockerfile builds different images over time and a rebuild can
    break without any change on your side.

    Example:
    ```dockerfile
    FROM node:latest
    ```

    Fix:
    Name the version you tested with (or pin a digest):
    ```dockerfile
    FROM node:22.11-bookworm
    ```
    """

    code = "DL3007"
    name = "latest-tag"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"FROM"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if not inst.words:
            return
        word = inst.words[0]
        ref = parse_image_ref(word.value)
        if ref.tag != "latest" or ref.digest is not None or ref.tag_span is None:
            return
        if word.value != word.value.strip("\"'") or len(word.value) != len(word.span):
            # quoted or continued word: offsets would not line up
            return
        start = word.span.start + ref.tag_span[0]
        yield Finding(
            Span(start, start + len(ref.tag)),
            f"`{word.value}` uses the moving `latest` tag: name a version",
        )


RULE = LatestTag()

"""InvalidReference: an image (FROM, COPY --from, RUN --mount=from=) that is
not a valid image reference."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.syn_common import mounts, unclosed_quote
from dockerls.syntax.imageref import ImageRef, parse_image_ref
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.parser import unquote


class InvalidReference(Rule):
    """What it does:
    Flags an image that is not a valid reference, in `FROM` and in the
    `COPY --from` / `RUN --mount=from=` values that name no stage: an empty
    tag (`alpine:`), an uppercase repository, a bad tag or digest (or an
    unsupported digest algorithm), an empty path component, a 64-character
    hex name, a stray character, an unclosed quote (`a"b:1`). Quotes are
    read as BuildKit reads them (`"alpine:3.20"` is fine). Parts holding
    variables are not checked, nor are names of stages.

    Why it matters:
    BuildKit parses the reference before pulling and fails on a malformed one.

    Example:
    ```dockerfile
    FROM Ubuntu:22.04
    ```

    Fix:
    Correct the reference: `FROM ubuntu:22.04`.
    """

    code = "InvalidReference"
    name = "invalid-reference"
    severity = Severity.ERROR
    group = "syntax"

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        span = stage.image_span
        if span is not None and stage.image and stage.base_stage is None:
            yield from _check(stage.image, span, model.escape, stage.first, stage.image_ref)
        # COPYs, then RUNs (no need to merge them in file order: each finding is its item's)
        for name in ("COPY", "RUN"):
            for i, inst in stage.by_name(name):
                if not inst.flags:
                    continue
                for value, vspan in _from_values(inst):
                    if (
                        model.stage_named(value) is not None
                        or value.isdigit()
                        or "$" in value
                        or not value[:1].isalnum()  # InvalidFromValue's
                    ):
                        continue
                    yield from _check(value, vspan, model.escape, i)


def _from_values(inst: Instruction) -> Iterator[tuple[str, Span]]:
    """The images or stages ``COPY --from`` and ``RUN --mount=from=`` name."""
    for fl in inst.flags:
        if inst.name == "COPY" and fl.name == "from" and fl.value and fl.value_span is not None:
            yield fl.value, fl.value_span
    for m in mounts(inst):
        for f in m.fields:
            if f.key.lower() == "from" and f.value and f.value_span is not None:
                yield f.value, f.value_span


def _check(
    text: str, span: Span, escape: str, item: int, read: ImageRef | None = None
) -> Iterator[Finding]:
    """The first problem of the reference ``text`` written at ``span`` (``read``: ``text``
    already parsed as a reference, a FROM's by the model)."""
    bad = unclosed_quote(text, escape)
    if bad is not None:
        quote, at = bad
        kind = "single" if quote == "'" else "double"
        where = Span(span.start + at, span.end) if len(span) == len(text) else span
        yield Finding(
            where, f"Invalid image reference `{text}`: the {kind} quote is never closed", item=item
        )
        return
    value = text
    if "'" in text or '"' in text or (escape == "\\" and "\\" in text):
        value = unquote(text)  # BuildKit reads the word like a shell word
    ref = read if read is not None and value == text else parse_image_ref(value)
    if not ref.errors:
        return
    exact = value == text and len(span) == len(text)
    for message, sp in ref.errors[:1]:
        start, end = (sp.start, sp.end) if isinstance(sp, Span) else sp
        where = Span(span.start + start, span.start + max(end, start + 1)) if exact else span
        if where.end > span.end:
            where = span
        yield Finding(where, f"Invalid image reference `{text}`: {message}", item=item)


RULE = InvalidReference()

"""Shared helpers for the LABEL rules (DL3048-DL3058): the key/value pairs of
a LABEL with their spans, the label schema from the settings, and the value
checks of each schema type."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from dockerls.analysis.model import Model, Stage
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.parser import unquote as _unquote


class LabelPair(NamedTuple):
    key: str  # unquoted
    key_span: Span
    value: str  # unquoted
    value_span: Span  # zero-width after the key when the value is missing
    raw_value: str


def label_pairs(inst: Instruction) -> list[LabelPair]:
    """The pairs of a LABEL (``key=value`` words, or legacy ``key value``)."""
    words = inst.words
    if not words:
        return []
    out: list[LabelPair] = []
    if "=" not in words[0].value:
        first = words[0]
        value = inst.values[1] if len(inst.values) > 1 else ""
        vs = (
            Span(words[1].span.start, words[-1].span.end)
            if len(words) > 1
            else Span(first.span.end, first.span.end)
        )
        out.append(LabelPair(_unquote(first.value), first.span, _unquote(value), vs, value))
        return out
    for w in words:
        eq = _key_end(w.value)
        if eq < 0 or len(w.value) != len(w.span):
            if eq >= 0:  # continued word: keep the pair, spans on the whole word
                key = w.value[:eq]
                raw = w.value[eq + 1 :]
                out.append(LabelPair(_unquote(key), w.span, _unquote(raw), w.span, raw))
            continue
        key = w.value[:eq]
        raw = w.value[eq + 1 :]
        ks = Span(w.span.start, w.span.start + eq)
        vs = Span(ks.end + 1, w.span.end)
        out.append(LabelPair(_unquote(key), ks, _unquote(raw), vs, raw))
    return out


def _key_end(word: str) -> int:
    """Index of the ``=`` ending the key (outside quotes), -1 if none."""
    quote = ""
    i = 0
    while i < len(word):
        ch = word[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            i += 1
        elif ch == "=":
            return i
        i += 1
    return -1


def stage_labels(stage: Stage) -> Iterator[tuple[int, LabelPair]]:
    """(item index, pair) for each label set directly in ``stage``."""
    for idx, inst in stage.by_name("LABEL"):
        for pair in label_pairs(inst):
            yield idx, pair


def schema(model: Model) -> Mapping[str, str]:
    return {k: v.lower() for k, v in model.options.label_schema.items()}


def typed_labels(stage: Stage, model: Model, kind: str) -> Iterator[tuple[int, LabelPair]]:
    """Labels of ``stage`` whose schema type is ``kind``, with a non-empty
    value that holds no variable (those are only known at build time)."""
    sch = schema(model)
    if not sch:
        return
    for idx, pair in stage_labels(stage):
        if sch.get(pair.key) == kind and pair.value and "$" not in pair.raw_value:
            yield idx, pair


# --------------------------------------------------------------------------- value checks
# Only a label schema (settings) asks for these checks: their patterns are compiled by the
# first value checked (``re``'s cache) and the SPDX lists load then, not with the registry.

_RFC3339 = r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
_SEMVER = (
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_HASH = r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}"
_EMAIL = r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
_SPDX_TOKEN = r"\s*(\(|\)|[A-Za-z0-9.+:-]+)"


def is_rfc3339(v: str) -> bool:
    m = re.fullmatch(_RFC3339, v)
    if m is None:
        return False
    try:
        datetime(*(int(m.group(k)) for k in range(1, 4)))  # type: ignore[arg-type]
    except ValueError:
        return False
    return int(m.group(4)) < 24 and int(m.group(5)) < 60 and int(m.group(6)) <= 60


def is_semver(v: str) -> bool:
    return re.fullmatch(_SEMVER, v) is not None


def is_git_hash(v: str) -> bool:
    return re.fullmatch(_HASH, v) is not None


def is_email(v: str) -> bool:
    return re.fullmatch(_EMAIL, v) is not None and not v.startswith(".")


def is_url(v: str) -> bool:
    try:
        parts = urlsplit(v)
    except ValueError:
        return False
    if not parts.scheme or re.fullmatch(_SCHEME, parts.scheme) is None or " " in v:
        return False
    return bool(parts.netloc) or parts.scheme in ("mailto", "urn", "file")


def _license_id(tok: str) -> bool:
    if tok.endswith("+"):
        tok = tok[:-1]
    if tok.startswith(("LicenseRef-", "DocumentRef-")):
        return (
            re.fullmatch(r"(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+", tok)
            is not None
        )
    from dockerls.analysis.rules._spdx_ids import LICENSE_IDS

    return tok in LICENSE_IDS


def is_spdx(v: str) -> bool:
    """An SPDX license expression: ids, ``+``, ``WITH`` exceptions,
    ``AND``/``OR`` and parentheses."""
    from dockerls.analysis.rules._spdx_ids import EXCEPTION_IDS

    token = re.compile(_SPDX_TOKEN)
    tokens: list[str] = []
    pos = 0
    v = v.strip()
    while pos < len(v):
        m = token.match(v, pos)
        if m is None:
            return False
        tokens.append(m.group(1))
        pos = m.end()
    k = 0

    def expr() -> bool:
        nonlocal k
        if not term():
            return False
        while k < len(tokens) and tokens[k] in ("AND", "OR"):
            k += 1
            if not term():
                return False
        return True

    def term() -> bool:
        nonlocal k
        if k >= len(tokens):
            return False
        tok = tokens[k]
        if tok == "(":
            k += 1
            if not expr() or k >= len(tokens) or tokens[k] != ")":
                return False
            k += 1
            return True
        if tok in ("AND", "OR", "WITH", ")") or not _license_id(tok):
            return False
        k += 1
        if k < len(tokens) and tokens[k] == "WITH":
            k += 1
            if k >= len(tokens) or tokens[k] not in EXCEPTION_IDS:
                return False
            k += 1
        return True

    return bool(tokens) and expr() and k == len(tokens)


CHECKS = {
    "url": is_url,
    "rfc3339": is_rfc3339,
    "spdx": is_spdx,
    "hash": is_git_hash,
    "semver": is_semver,
    "email": is_email,
}

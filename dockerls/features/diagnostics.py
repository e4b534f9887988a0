"""textDocument/publishDiagnostics: lint results -> LSP diagnostics.

The one place diagnostics JSON is built: the engine's findings, and the
problems of the configuration files the server checks (``.hadolint.yaml``,
``.dockerignore``).  Serialising thousands of diagnostics through the generic
converter costs tens of milliseconds, so this module builds plain JSON itself
and caches the serialised fragment of every item: an edit re-serialises only
the items whose node, line or violations changed.  The cache is per document
(the server drops it with the document).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from dockerls.analysis.engine import LintResult
from dockerls.analysis.rules.base import Severity, Tag, Violation, doc_url
from dockerls.features.positions import UTF16, column_to_units, item_range_json, lines_range
from dockerls.syntax.identity_cache import IdentityCache
from dockerls.syntax.parser import Parse

if TYPE_CHECKING:
    from dockerls.analysis.builds import Problem as BuildProblem
    from dockerls.analysis.dockerignore import IgnoreProblem
    from dockerls.config import ConfigProblem

SOURCE = "dockerls"

_LSP_SEVERITY = {
    Severity.ERROR: 1,
    Severity.WARNING: 2,
    Severity.INFO: 3,
    Severity.STYLE: 4,
}
_TAGS = {Tag.UNNECESSARY: 1, Tag.DEPRECATED: 2}


def _diagnostic(rng: dict[str, Any], severity: int, code: str, message: str) -> dict[str, Any]:
    return {"range": rng, "severity": severity, "code": code, "source": SOURCE, "message": message}


def _range(line: int, start: int, end_line: int, end: int) -> dict[str, Any]:
    return {
        "start": {"line": line, "character": start},
        "end": {"line": end_line, "character": end},
    }


def violation_json(p: Parse, item: int, v: Violation, encoding: str) -> dict[str, Any]:
    rng = item_range_json(p, item, v.span.start, v.span.end, encoding)
    d = _diagnostic(rng, _LSP_SEVERITY.get(v.severity, 4), v.code, v.message)
    href = doc_url(v.code, v.source_group)
    if href is not None:
        d["codeDescription"] = {"href": href}
    if v.tags:
        d["tags"] = [_TAGS[t] for t in v.tags]
    if v.fix is not None:
        d["data"] = {
            "fix": {
                "title": v.fix.title,
                "applicability": v.fix.applicability.value,
                "edits": [
                    {
                        "range": item_range_json(p, item, e.span.start, e.span.end, encoding),
                        "newText": e.text,
                    }
                    for e in v.fix.edits
                ],
            }
        }
    return d


def problems_json(problems: Iterable[ConfigProblem]) -> bytes:
    """The problems of a ``.hadolint.yaml`` as diagnostics on it."""
    out = []
    for pr in problems:
        line, col = pr.line or 0, pr.column or 0
        severity = 1 if pr.severity == "error" else 2
        out.append(
            _diagnostic(_range(line, col, line, col + 1), severity, "HadolintConfig", pr.message)
        )
    return json.dumps(out).encode()


def ignore_file_json(text: str, problems: Iterable[IgnoreProblem], encoding: str) -> bytes:
    """The patterns of a ``.dockerignore`` BuildKit would reject, as diagnostics."""
    lines = text.splitlines()
    out = []
    for pr in problems:
        line = lines[pr.line] if pr.line < len(lines) else ""
        start = column_to_units(line, min(pr.start, len(line)), encoding)
        end = column_to_units(line, min(pr.end, len(line)), encoding)
        rng = _range(pr.line, start, pr.line, end)
        out.append(_diagnostic(rng, 1, "InvalidIgnorePattern", pr.message))
    return json.dumps(out).encode("utf-8")


_BUILD_SEVERITY = {"error": 1, "warning": 2, "information": 3}


def build_file_json(text: str, problems: Iterable[BuildProblem], encoding: str) -> bytes:
    """The problems of a Compose or Bake file (``problems`` have origins in it, or none)."""
    lines = text.splitlines()
    out = []
    for pr in problems:
        o = pr.origin
        where = (o.line, o.col, o.end_line, o.end_col) if o else (0, 0, 0, 0)
        r = lines_range(lines, *where, encoding)
        rng = _range(r.start.line, r.start.character, r.end.line, r.end.character)
        severity = _BUILD_SEVERITY.get(pr.severity, 2)
        out.append(_diagnostic(rng, severity, pr.code, pr.message))
    return json.dumps(out).encode("utf-8")


@dataclass
class _LastOutput:
    """The last array sent, for edits that keep items and lines where they
    were.  It holds its parse, so ``Parse.parent_id`` of the next one can be
    compared with ``id(parse)`` safely."""

    parse: Parse
    per_item: dict[int, tuple[Violation, ...]]
    keys: list[int]  # items with diagnostics, sorted
    fragments: list[bytes]  # their serialised diagnostics
    where: dict[int, int]  # item -> its position in keys


@dataclass
class DiagnosticCache:
    """Serialised diagnostics per item node, valid while node, line and
    violations are unchanged (one cache per document)."""

    encoding: str = UTF16
    entries: IdentityCache[bytes] = field(default_factory=lambda: IdentityCache(1 << 30))
    last: _LastOutput | None = None


def diagnostics_json(
    p: Parse,
    per_item: dict[int, tuple[Violation, ...]],
    cache: DiagnosticCache,
) -> bytes:
    """The JSON array of diagnostics (UTF-8 bytes, ready to send), reusing
    cached fragments."""
    fast = _incremental(p, per_item, cache)
    if fast is not None:
        return fast
    fragments: list[bytes] = []
    new: IdentityCache[bytes] = IdentityCache(1 << 30)
    old = cache.entries
    items = p.items
    lines = p.lines
    enc = cache.encoding
    keys = sorted(per_item)
    for i in keys:
        vs = per_item[i]
        node = items[i]
        key = (lines[i], vs)
        frag = old.get(node, key)
        if frag is None:
            frag = _serialise(p, i, vs, enc)
        new.put(node, key, frag)
        if frag:
            fragments.append(frag)
    cache.entries = new
    if len(fragments) != len(keys):
        cache.last = None
    else:
        where = {k: n for n, k in enumerate(keys)}
        cache.last = _LastOutput(p, per_item, keys, fragments, where)
    return b"[" + b",".join(fragments) + b"]"


def _serialise(p: Parse, item: int, vs: tuple[Violation, ...], encoding: str) -> bytes:
    """One item's diagnostics as JSON array elements (no brackets), ASCII."""
    return json.dumps([violation_json(p, item, v, encoding) for v in vs])[1:-1].encode()


def _incremental(
    p: Parse, per_item: dict[int, tuple[Violation, ...]], cache: DiagnosticCache
) -> bytes | None:
    """The keystroke path: ``p`` came from the last parse by an edit that kept
    every item's index and line, and the same items have violations; only
    the items the edit replaced, or whose violations changed, are serialised
    again."""
    last = cache.last
    if last is None or p.changed is None or p.parent_id != id(last.parse):
        return None
    first, old_end, new_end = p.changed
    last_per_item, where = last.per_item, last.where
    if old_end != new_end or p.lines != last.parse.lines or per_item.keys() != last_per_item.keys():
        return None
    todo = {k for k, v in per_item.items() if last_per_item[k] is not v}
    todo.update(k for k in range(first, new_end) if k in where)
    frags = list(last.fragments)
    for k in todo:
        vs = per_item[k]
        frag = _serialise(p, k, vs, cache.encoding)
        frags[where[k]] = frag
        cache.entries.put(p.items[k], (p.lines[k], vs), frag)
    cache.last = _LastOutput(p, per_item, last.keys, frags, where)
    return b"[" + b",".join(frags) + b"]"


def to_lsp(p: Parse, result: LintResult, encoding: str = UTF16) -> list[lsp.Diagnostic]:
    """The same diagnostics as lsprotocol objects (pull diagnostics, tests)."""
    from dockerls.features.positions import item_range

    out: list[lsp.Diagnostic] = []
    for i, v in result.all():
        d = violation_json(p, i, v, encoding)
        out.append(
            lsp.Diagnostic(
                range=item_range(p, i, v.span.start, v.span.end, encoding),
                message=v.message,
                severity=lsp.DiagnosticSeverity(d["severity"]),
                code=v.code,
                code_description=(
                    lsp.CodeDescription(href=d["codeDescription"]["href"])
                    if "codeDescription" in d
                    else None
                ),
                source=SOURCE,
                tags=[lsp.DiagnosticTag(t) for t in d.get("tags", [])] or None,
                data=d.get("data"),
            )
        )
    return out

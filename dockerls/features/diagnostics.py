"""textDocument/publishDiagnostics: lint results -> LSP diagnostics.

Serialising thousands of diagnostics through the generic converter costs tens
of milliseconds, so this module builds plain JSON itself and caches the
serialised fragment of every item: an edit re-serialises only the items whose
node, line or violations changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types as lsp

from dockerls.analysis.engine import LintResult
from dockerls.analysis.rules.base import Severity, Tag, Violation
from dockerls.features.positions import UTF16, item_range_json
from dockerls.syntax.parser import Parse

SOURCE = "dockerls"
RULE_DOCS = "https://github.com/dockerls/dockerls/blob/main/docs/rules/{code}.md"
BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule/{kebab}/"
SHELLCHECK_DOCS = "https://www.shellcheck.net/wiki/{code}"

_LSP_SEVERITY = {
    Severity.ERROR: 1,
    Severity.WARNING: 2,
    Severity.INFO: 3,
    Severity.STYLE: 4,
}
_TAGS = {Tag.UNNECESSARY: 1, Tag.DEPRECATED: 2}


def _kebab(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("-")
        out.append(ch.lower())
    return "".join(out).replace("j-s-o-n", "json").replace("jsona", "json-a")


def code_href(v: Violation) -> str:
    code = v.code
    if code.startswith("SC") and code[2:].isdigit():
        return SHELLCHECK_DOCS.format(code=code)
    if v.source_group == "buildkit" and not code.startswith(("DL", "DLS")):
        return BUILDKIT_DOCS.format(kebab=_kebab(code))
    return RULE_DOCS.format(code=code)


def violation_json(p: Parse, item: int, v: Violation, encoding: str) -> dict[str, Any]:
    d: dict[str, Any] = {
        "range": item_range_json(p, item, v.span.start, v.span.end, encoding),
        "severity": _LSP_SEVERITY.get(v.severity, 4),
        "code": v.code,
        "codeDescription": {"href": code_href(v)},
        "source": SOURCE,
        "message": v.message,
    }
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


@dataclass
class DiagnosticCache:
    """Serialised diagnostics per item, valid while node, line and violations
    are unchanged."""

    encoding: str = UTF16
    _entries: dict[int, tuple[object, int, tuple[Violation, ...], bytes]] = field(
        default_factory=dict
    )
    # the last output, for edits that keep items and lines where they were:
    # (parse id, lines, per_item, sorted keys, fragments, key -> position)
    _last: (
        tuple[
            int,
            tuple[int, ...],
            dict[int, tuple[Violation, ...]],
            list[int],
            list[bytes],
            dict[int, int],
        ]
        | None
    ) = None


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
    new: dict[int, tuple[object, int, tuple[Violation, ...], bytes]] = {}
    old = cache._entries
    items = p.items
    lines = p.lines
    enc = cache.encoding
    keys = sorted(per_item)
    for i in keys:
        vs = per_item[i]
        node = items[i]
        entry = old.get(id(node))
        if (
            entry is not None
            and entry[0] is node
            and entry[1] == lines[i]
            and (entry[2] is vs or entry[2] == vs)
        ):
            frag = entry[3]
        else:
            frag = _serialise(p, i, vs, enc)
        new[id(node)] = (node, lines[i], vs, frag)
        if frag:
            fragments.append(frag)
    cache._entries = new
    if len(fragments) != len(keys):
        cache._last = None
    else:
        cache._last = (id(p), lines, per_item, keys, fragments, {k: n for n, k in enumerate(keys)})
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
    last = cache._last
    if last is None or p.changed is None or p.parent_id != last[0]:
        return None
    first, old_end, new_end = p.changed
    parse_lines, last_per_item, keys, frags, where = last[1], last[2], last[3], last[4], last[5]
    if old_end != new_end or p.lines != parse_lines or per_item.keys() != last_per_item.keys():
        return None
    todo = {k for k, v in per_item.items() if last_per_item[k] is not v}
    todo.update(k for k in range(first, new_end) if k in where)
    frags = list(frags)
    entries = cache._entries
    for k in todo:
        node = p.items[k]
        vs = per_item[k]
        frag = _serialise(p, k, vs, cache.encoding)
        frags[where[k]] = frag
        entries[id(node)] = (node, p.lines[k], vs, frag)
    cache._last = (id(p), p.lines, per_item, keys, frags, where)
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
                code_description=lsp.CodeDescription(href=d["codeDescription"]["href"]),
                source=SOURCE,
                tags=[lsp.DiagnosticTag(t) for t in d.get("tags", [])] or None,
                data=d.get("data"),
            )
        )
    return out

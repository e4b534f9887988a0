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

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from dockerls.analysis.dockerignore import IGNORE_PATTERN_CODE
from dockerls.analysis.engine import LintResult
from dockerls.analysis.rules.base import Severity, Tag, Violation, doc_url
from dockerls.features.positions import UTF16, column_to_units, item_range_units, lines_range
from dockerls.syntax.identity_cache import IdentityCache
from dockerls.syntax.nodes import Span
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


# json.dumps' own form of a string (ASCII, escapes as it writes them): the text below is
# what ``json.dumps`` writes for the diagnostic's dict, built without the dicts
_string = encode_basestring_ascii


def _range_text(p: Parse, item: int, span: Span, encoding: str) -> str:
    l0, c0, l1, c1 = item_range_units(p, item, span.start, span.end, encoding)
    return (
        f'{{"start": {{"line": {l0}, "character": {c0}}}, '
        f'"end": {{"line": {l1}, "character": {c1}}}}}'
    )


def _violation_text(p: Parse, item: int, v: Violation, encoding: str) -> str:
    """One finding's diagnostic as JSON text (the one serialiser: ``json.dumps`` of
    :func:`violation_json` is this text, byte for byte)."""
    out = (
        f'{{"range": {_range_text(p, item, v.span, encoding)}, '
        f'"severity": {_LSP_SEVERITY.get(v.severity, 4)}, "code": {_string(v.code)}, '
        f'"source": "{SOURCE}", "message": {_string(v.message)}'
    )
    href = doc_url(v.code, v.source_group)
    if href is not None:
        out += f', "codeDescription": {{"href": {_string(href)}}}'
    if v.tags:
        out += f', "tags": [{", ".join(str(_TAGS[t]) for t in v.tags)}]'
    fix = v.fix
    if fix is not None:
        edits = ", ".join(
            f'{{"range": {_range_text(p, item, e.span, encoding)}, "newText": {_string(e.text)}}}'
            for e in fix.edits
        )
        out += (
            f', "data": {{"fix": {{"title": {_string(fix.title)}, '
            f'"applicability": {_string(fix.applicability.value)}, "edits": [{edits}]}}}}'
        )
    return out + "}"


def violation_json(p: Parse, item: int, v: Violation, encoding: str) -> dict[str, Any]:
    """One finding's diagnostic as a dict (pull diagnostics, tests)."""
    result: dict[str, Any] = json.loads(_violation_text(p, item, v, encoding))
    return result


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


def ignore_file_json(
    text: str, problems: Iterable[IgnoreProblem], encoding: str, level: Severity | None
) -> bytes:
    """The patterns of a ``.dockerignore`` BuildKit would reject, as diagnostics at
    ``level`` (the configuration's for their code; None: none shown)."""
    if level is None:
        return b"[]"
    lines = text.splitlines()
    out = []
    for pr in problems:
        line = lines[pr.line] if pr.line < len(lines) else ""
        start = column_to_units(line, min(pr.start, len(line)), encoding)
        end = column_to_units(line, min(pr.end, len(line)), encoding)
        rng = _range(pr.line, start, pr.line, end)
        out.append(_diagnostic(rng, _LSP_SEVERITY[level], IGNORE_PATTERN_CODE, pr.message))
    return json.dumps(out).encode("utf-8")


_BUILD_SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}


def build_file_json(text: str, problems: Iterable[BuildProblem], encoding: str) -> bytes:
    """The problems of a Compose or Bake file (``problems`` have origins in it, or none);
    a suggestion comes with its fix, as a Dockerfile finding's does (``data.fix``)."""
    lines = text.splitlines()
    out = []
    for pr in problems:
        o = pr.origin
        where = (o.line, o.col, o.end_line, o.end_col) if o else (0, 0, 0, 0)
        r = lines_range(lines, *where, encoding)
        rng = _range(r.start.line, r.start.character, r.end.line, r.end.character)
        severity = _BUILD_SEVERITY.get(pr.severity, 2)
        diagnostic = _diagnostic(rng, severity, pr.code, pr.message)
        fix = _suggestion_fix(lines, pr, encoding)
        if fix is not None:
            diagnostic["data"] = {"fix": fix}
        out.append(diagnostic)
    return json.dumps(out).encode("utf-8")


_PLAIN_WORD = re.compile(r"[\w.-]+")


def _suggestion_fix(lines: list[str], pr: BuildProblem, encoding: str) -> dict[str, Any] | None:
    """The edit writing ``pr.suggestion`` over the name at its origin (inside its quotes):
    only where that name is written as a plain word on one line, not built by an
    expression (``${TARGET}``).  It changes what the build does: unsafe."""
    o = pr.origin
    if pr.suggestion is None or o is None or o.line != o.end_line or o.line >= len(lines):
        return None
    start, end = o.col, o.end_col
    written = lines[o.line][start:end]
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "\"'":
        start, end = start + 1, end - 1
        written = written[1:-1]
    if _PLAIN_WORD.fullmatch(written) is None:
        return None
    r = lines_range(lines, o.line, start, o.line, end, encoding)
    edit_range = _range(r.start.line, r.start.character, r.end.line, r.end.character)
    return {
        "title": f"Change to `{pr.suggestion}`",
        "applicability": "unsafe",
        "edits": [{"range": edit_range, "newText": pr.suggestion}],
    }


@dataclass
class _LastOutput:
    """The last array built: its parse (held, so ``Parse.parent_id`` of the
    next one can be compared with ``id(parse)`` safely), the violations per
    item, each item's serialised diagnostics, in item order, and the array."""

    parse: Parse
    per_item: dict[int, tuple[Violation, ...]]
    fragments: dict[int, bytes]
    body: bytes  # the array sent


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
    rendered: Mapping[int, tuple[tuple[Violation, ...], bytes]] | None = None,
) -> bytes:
    """The JSON array of diagnostics (UTF-8 bytes, ready to send), reusing
    cached fragments, and the fragments a split lint ``rendered`` (with
    :func:`renderer`) where they are of the very violations in ``per_item``."""
    last = cache.last
    fragments = _incremental(p, per_item, cache)
    if last is not None and fragments is last.fragments:
        body = last.body  # not one item's diagnostics changed
    else:
        if fragments is None:
            fragments = _all_fragments(p, per_item, cache, rendered or {})
        pieces = list(filter(None, fragments.values()))
        if pieces:  # the brackets joined with the ends: the (large) array is copied once
            pieces[0] = b"[" + pieces[0]
            pieces[-1] += b"]"
        body = b",".join(pieces) if pieces else b"[]"
    cache.last = _LastOutput(p, per_item, fragments, body)
    return body


def _all_fragments(
    p: Parse,
    per_item: dict[int, tuple[Violation, ...]],
    cache: DiagnosticCache,
    rendered: Mapping[int, tuple[tuple[Violation, ...], bytes]],
) -> dict[int, bytes]:
    """Every item's fragment, from the node cache where node, line and
    violations are those it was made for, else as ``rendered``, else made."""
    entries = cache.entries
    items = p.items
    lines = p.lines
    enc = cache.encoding
    fragments: dict[int, bytes] = {}
    for i in sorted(per_item):
        vs = per_item[i]
        node = items[i]
        key = (lines[i], vs)
        frag = entries.get(node, key)
        if frag is None:
            made = rendered.get(i)  # a split lint's rendering, if of these very violations
            text = made[1] if made is not None and made[0] is vs else _serialise(p, i, vs, enc)
            frag = entries.put(node, key, text)
        fragments[i] = frag
    if len(entries) > 2 * len(fragments) + 256:
        entries.retain(items[i] for i in fragments)
    return fragments


def _serialise(p: Parse, item: int, vs: tuple[Violation, ...], encoding: str) -> bytes:
    """One item's diagnostics as JSON array elements (no brackets), ASCII."""
    return ", ".join([_violation_text(p, item, v, encoding) for v in vs]).encode()


def renderer(encoding: str) -> Callable[[Parse, int, tuple[Violation, ...]], bytes]:
    """One item's diagnostics as :func:`diagnostics_json` makes them, for ``encoding``
    (``Linter.render``: a split lint's child renders the items it linted)."""
    return functools.partial(_serialise, encoding=encoding)


def _incremental(
    p: Parse, per_item: dict[int, tuple[Violation, ...]], cache: DiagnosticCache
) -> dict[int, bytes] | None:
    """The keystroke path: ``p`` is the last parse (new outside facts), or
    came from it by an edit that kept every item's index and line; only the
    items the edit replaced, or whose violations changed, are serialised
    again (their cached fragments are reused as they are)."""
    last = cache.last
    if last is None:
        return None
    if p is last.parse:
        first = edit_end = 0
    elif p.changed is not None and p.parent_id == id(last.parse):
        first, old_end, edit_end = p.changed
        if old_end != edit_end or p.lines != last.parse.lines:
            return None  # items moved to other lines: their ranges change
    else:
        return None
    old_per, old_frags = last.per_item, last.fragments
    enc, entries, items, lines = cache.encoding, cache.entries, p.items, p.lines
    if per_item.keys() == old_per.keys():
        todo = [k for k, vs in per_item.items() if old_per[k] is not vs]
        todo += [k for k in range(first, edit_end) if k in per_item]
        if not todo:
            return old_frags
        fragments = dict(old_frags)  # the same keys: the order holds
        for k in todo:
            vs = per_item[k]
            fragments[k] = entries.put(items[k], (lines[k], vs), _serialise(p, k, vs, enc))
        return fragments
    fragments = {}
    for k in sorted(per_item):
        vs = per_item[k]
        frag = old_frags.get(k) if old_per.get(k) is vs and not first <= k < edit_end else None
        if frag is None:
            frag = entries.put(items[k], (lines[k], vs), _serialise(p, k, vs, enc))
        fragments[k] = frag
    return fragments


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

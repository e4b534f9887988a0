"""textDocument/codeAction: quick fixes, suppressions, combine RUNs, fix-all.

Quick fixes never lint again: every diagnostic we publish carries its fix in
``data`` (see :mod:`dockerls.features.diagnostics`), with ranges already in
the client's units, and the client sends the diagnostics back in
``context.diagnostics``.  The snapshot's parse is used for the suppression
comments and the ``refactor.rewrite`` that combines RUNs.  Only
``source.fixAll.dockerls`` lints (in-process, a few rounds) because it must
see the fixes that become possible once others have been applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types as lsp

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.model import Model
from dockerls.analysis.pragmas import PragmaKind, parse_pragma
from dockerls.analysis.rules.base import Scope
from dockerls.features import combine_runs
from dockerls.features.capabilities import APPLY_EDIT_COMMAND, FIX_ALL_KIND
from dockerls.features.caps import ClientCaps
from dockerls.features.diagnostics import SOURCE
from dockerls.features.positions import offset_of, range_of
from dockerls.fixes import TextEdit, fix_text, minimal_edit
from dockerls.syntax.nodes import Comment, Instruction
from dockerls.syntax.parser import Parse


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether ``kind`` passes the client's ``only`` filter (kinds are
    hierarchical: ``source`` matches ``source.fixAll.dockerls``)."""
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def _lsp_edit(p: Parse, e: TextEdit, enc: str) -> lsp.TextEdit:
    return lsp.TextEdit(range=range_of(p, e.start, e.end, enc), new_text=e.new)


def _ws(uri: str, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
    return lsp.WorkspaceEdit(changes={uri: edits})


def _data_fix(d: lsp.Diagnostic) -> dict[str, Any] | None:
    data = d.data
    if not isinstance(data, dict):
        return None
    fix = data.get("fix")
    if not isinstance(fix, dict) or not isinstance(fix.get("edits"), list) or not fix.get("title"):
        return None
    return fix


def _range(r: Any) -> lsp.Range | None:
    try:
        s, e = r["start"], r["end"]
        return lsp.Range(
            lsp.Position(int(s["line"]), int(s["character"])),
            lsp.Position(int(e["line"]), int(e["character"])),
        )
    except (KeyError, TypeError, ValueError):
        return None


def quick_fix(uri: str, d: lsp.Diagnostic) -> lsp.CodeAction | None:
    """The rule's fix carried by the diagnostic, as a code action."""
    fix = _data_fix(d)
    if fix is None:
        return None
    edits: list[lsp.TextEdit] = []
    for e in fix["edits"]:
        r = _range(e.get("range")) if isinstance(e, dict) else None
        if r is None or not isinstance(e.get("newText"), str):
            return None
        edits.append(lsp.TextEdit(range=r, new_text=e["newText"]))
    applicability = fix.get("applicability", "safe")
    title = str(fix["title"])
    if applicability == "unsafe":
        title += " (unsafe)"
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[d],
        is_preferred=applicability == "safe",
        edit=_ws(uri, edits),
    )


# ---------------------------------------------------------------- suppression


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def ignore_here(p: Parse, item: int, code: str) -> TextEdit | None:
    """Edit adding ``code`` to the ``ignore=`` pragma right above the
    instruction at ``item`` (a new ``# hadolint ignore=`` line if none)."""
    it = p.items[item]
    if not isinstance(it, Instruction):
        return None
    above = p.items[item - 1] if item > 0 else None
    if isinstance(above, Comment):
        pr = parse_pragma(above.body)
        if pr is not None and pr.kind is PragmaKind.IGNORE and pr.codes:
            if code in pr.code_set:
                return None
            last = pr.codes[-1]
            at = p.starts[item - 1] + above.body_span.start + last.end
            return TextEdit(at, at, "," + code)
    at = p.starts[item]
    return TextEdit(
        at, at, f"{_indent(it.text)}# hadolint ignore={code}{combine_runs.newline_of(p)}"
    )


def ignore_in_file(p: Parse, code: str) -> TextEdit | None:
    """Edit adding ``code`` to the file's ``global ignore=`` pragma (a new
    line after the parser directives if there is none)."""
    for i, it in enumerate(p.items):
        if isinstance(it, Comment) and "global" in it.body:
            pr = parse_pragma(it.body)
            if pr is not None and pr.kind is PragmaKind.GLOBAL_IGNORE and pr.codes:
                if code in pr.code_set:
                    return None
                at = p.starts[i] + it.body_span.start + pr.codes[-1].end
                return TextEdit(at, at, "," + code)
    nl = combine_runs.newline_of(p)
    line = f"# hadolint global ignore={code}{nl}"
    if p.header < len(p.items):
        at = p.starts[p.header]
        return TextEdit(at, at, line)
    at = p.length
    if p.text and not p.text.endswith("\n"):
        line = nl + line
    return TextEdit(at, at, line)


def _suppressible_here(code: str) -> bool:
    """Instruction pragmas filter the findings of instruction and stage
    rules (and ShellCheck, syntax issues); file rules only honour global
    ignores."""
    from dockerls.analysis.rules import BY_CODE

    rule = BY_CODE.get(code)
    return rule is None or rule.scope is not Scope.FILE


def suppressions(p: Parse, uri: str, d: lsp.Diagnostic, enc: str) -> list[lsp.CodeAction]:
    code = d.code
    if not isinstance(code, str) or not code:
        return []
    out: list[lsp.CodeAction] = []
    off = offset_of(p, d.range.start, enc)
    item = p.item_at(off)
    if item >= 0 and isinstance(p.items[item], Instruction) and _suppressible_here(code):
        e = ignore_here(p, item, code)
        if e is not None:
            out.append(
                lsp.CodeAction(
                    title=f"Ignore {code} for this instruction",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[d],
                    edit=_ws(uri, [_lsp_edit(p, e, enc)]),
                )
            )
    e = ignore_in_file(p, code)
    if e is not None:
        out.append(
            lsp.CodeAction(
                title=f"Ignore {code} in this file",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[d],
                edit=_ws(uri, [_lsp_edit(p, e, enc)]),
            )
        )
    return out


# ---------------------------------------------------------------- refactor


def runs_in_range(p: Parse, start: int, end: int) -> list[int]:
    """The RUNs to combine for a selection: the RUNs it touches when there
    are two or more, else the block of consecutive RUNs around the one at
    the cursor."""
    if not p.items:
        return []
    a = p.item_at(start)
    b = p.item_at(end)
    if end > start and b > a and p.starts[b] == end:
        b -= 1  # a selection ending at column 0 does not touch that line
    runs = []
    for i in range(a, b + 1):
        it = p.items[i]
        if isinstance(it, Instruction) and it.name == "RUN":
            runs.append(i)
    if len(runs) >= 2:
        return runs
    if len(runs) == 1:
        return combine_runs.group_at(p, runs[0])
    return []


def combine_action(
    p: Parse, model: Model, uri: str, r: lsp.Range, enc: str
) -> lsp.CodeAction | None:
    start = offset_of(p, r.start, enc)
    end = offset_of(p, r.end, enc)
    runs = runs_in_range(p, min(start, end), max(start, end))
    edits = combine_runs.combine(p, model, runs) if len(runs) >= 2 else None
    if not edits:
        return None
    return lsp.CodeAction(
        title=f"{combine_runs.TITLE} ({len(runs)})",
        kind=lsp.CodeActionKind.RefactorRewrite,
        edit=_ws(uri, [_lsp_edit(p, e, enc) for e in edits]),
    )


# ---------------------------------------------------------------- fix all


def fix_all_edit(p: Parse, config: LintConfig | None = None) -> TextEdit | None:
    """One edit applying every safe fix (repeated until none is left)."""
    report = fix_text(p.text, config, linter=Linter(config=config))
    return minimal_edit(p.text, report.text)


def fix_all_action(
    p: Parse, uri: str, enc: str, config: LintConfig | None
) -> lsp.CodeAction | None:
    e = fix_all_edit(p, config)
    if e is None:
        return None
    return lsp.CodeAction(
        title="Fix all safe dockerls problems",
        kind=FIX_ALL_KIND,
        edit=_ws(uri, [_lsp_edit(p, e, enc)]),
    )


# ---------------------------------------------------------------- entry point


def code_actions(
    p: Parse,
    model: Model,
    params: lsp.CodeActionParams,
    caps: ClientCaps,
    config: LintConfig | None = None,
) -> list[lsp.CodeAction | lsp.Command] | None:
    uri = params.text_document.uri
    enc = caps.encoding
    only = params.context.only
    out: list[lsp.CodeAction] = []
    if wanted(lsp.CodeActionKind.QuickFix, only):
        ours = _ours(params)
        out.extend(_quick_fixes(uri, ours))
        seen: set[tuple[str, str]] = set()
        for d in ours:
            for a in suppressions(p, uri, d, enc):
                if (a.title, str(a.edit)) in seen:
                    continue
                seen.add((a.title, str(a.edit)))
                out.append(a)
    if wanted(lsp.CodeActionKind.RefactorRewrite, only):
        combined = combine_action(p, model, uri, params.range, enc)
        if combined is not None:
            out.append(combined)
    # fix-all re-lints: only when asked for by kind (on save, or a
    # "source" menu), never on every cursor move
    if only and wanted(FIX_ALL_KIND, only):
        fixed = fix_all_action(p, uri, enc, config)
        if fixed is not None:
            out.append(fixed)
    if not caps.code_action_literals:
        return [as_command(a) for a in out if a.edit is not None]
    return list(out)


def _ours(params: lsp.CodeActionParams) -> list[lsp.Diagnostic]:
    """The request's diagnostics that dockerls published."""
    return [d for d in params.context.diagnostics if d.source == SOURCE]


def _quick_fixes(uri: str, diagnostics: Sequence[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """The fixes the ``diagnostics`` carry, as code actions."""
    return [a for a in (quick_fix(uri, d) for d in diagnostics) if a is not None]


def build_file_actions(
    params: lsp.CodeActionParams, caps: ClientCaps
) -> list[lsp.CodeAction | lsp.Command] | None:
    """The quick fixes a Compose or Bake file's diagnostics carry (a "did you mean")."""
    if not wanted(lsp.CodeActionKind.QuickFix, params.context.only):
        return None
    fixes = _quick_fixes(params.text_document.uri, _ours(params))
    if not caps.code_action_literals:
        return [as_command(a) for a in fixes]
    return list(fixes)


def as_command(a: lsp.CodeAction) -> lsp.Command:
    """For clients without CodeAction literals: a command the server runs
    by sending ``workspace/applyEdit``."""
    return lsp.Command(title=a.title, command=APPLY_EDIT_COMMAND, arguments=[a.edit])

"""Code actions over stdio (VS Code and Neovim capabilities): a quick fix
taken from the published diagnostics is applied through its ``edit``; the
RUN-combining refactor and fix-all are requested by kind."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document, publish_log, wait_publish

URI = "file:///tmp/e2e-code-actions/Dockerfile"


def _apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (ASCII text: UTF-16 columns are code points)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def off(p: lsp.Position) -> int:
        return starts[p.line] + p.character

    for e in sorted(edits, key=lambda e: off(e.range.start), reverse=True):
        text = text[: off(e.range.start)] + e.new_text + text[off(e.range.end) :]
    return text


async def _open(client: LanguageClient, text: str) -> list[lsp.Diagnostic]:
    """Open ``text`` and return its first published diagnostics."""
    publish_log(client)
    open_document(client, URI, text)
    return list((await wait_publish(client, lambda p: p.uri == URI)).diagnostics)


async def _actions(
    client: LanguageClient,
    rng: lsp.Range,
    diags: list[lsp.Diagnostic],
    only: list[str] | None = None,
) -> list[lsp.CodeAction]:
    res = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(URI),
            range=rng,
            context=lsp.CodeActionContext(diagnostics=diags, only=only),
        )
    )
    assert res is not None
    out = [a for a in res if isinstance(a, lsp.CodeAction)]
    assert len(out) == len(res)
    return out


def _edits(a: lsp.CodeAction) -> list[lsp.TextEdit]:
    assert a.edit is not None and a.edit.changes is not None
    return list(a.edit.changes[URI])


async def test_quick_fix_from_published_diagnostic(client: LanguageClient) -> None:
    text = "FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\n"
    diags = await _open(client, text)
    target = [d for d in diags if d.code == "DL3019"]
    assert target, [d.code for d in diags]
    acts = await _actions(client, target[0].range, target)
    fix = next(a for a in acts if a.is_preferred)
    assert fix.kind == lsp.CodeActionKind.QuickFix
    assert _apply(text, _edits(fix)) == "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n"
    ignore = next(a for a in acts if a.title == "Ignore DL3019 for this instruction")
    assert _apply(text, _edits(ignore)) == (
        "FROM alpine:3.20\n# hadolint ignore=DL3019\nRUN apk add curl=8.9.1-r0\n"
    )


async def test_combine_runs_and_fix_all(client: LanguageClient) -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl=1\n"
    await _open(client, text)
    rng = lsp.Range(lsp.Position(1, 0), lsp.Position(2, 5))
    acts = await _actions(client, rng, [], only=[lsp.CodeActionKind.RefactorRewrite])
    assert len(acts) == 1
    assert _apply(text, _edits(acts[0])) == (
        "FROM debian:12\nRUN apt-get update && \\\n"
        "    apt-get install -y --no-install-recommends curl=1\n"
    )
    acts = await _actions(client, rng, [], only=["source.fixAll"])
    assert [a.kind for a in acts] == ["source.fixAll.dockerls"]
    fixed = _apply(text, _edits(acts[0]))
    assert fixed == (
        "FROM debian:12\nRUN apt-get update && \\\n"
        "    apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists/*\n"
    )


async def test_client_without_literals_gets_a_command_that_applies_the_edit(
    client: LanguageClient,
) -> None:
    text = "FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\n"
    diags = [d for d in await _open(client, text) if d.code == "DL3019"]
    # ask as a client without CodeAction literals would be answered: the
    # server only knows the capability from initialize, so call the command
    # the literal-less answer uses, with the edit of the quick fix
    fix = next(a for a in await _actions(client, diags[0].range, diags) if a.is_preferred)
    applied: list[lsp.ApplyWorkspaceEditParams] = []

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)  # type: ignore[untyped-decorator]
    def on_apply(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        applied.append(params)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="dockerls.applyEdit", arguments=[fix.edit])
    )
    assert len(applied) == 1
    changes = applied[0].edit.changes
    assert changes is not None
    assert (
        _apply(text, list(changes[URI]))
        == "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n"
    )

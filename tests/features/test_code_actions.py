"""Code actions: quick fixes from diagnostic data, suppression pragmas,
combining RUNs, fix-all.  Every action is applied to the text and the result
compared with the expected text."""

from __future__ import annotations

import logging

import pytest
from lsprotocol import types as lsp

from dockerls.analysis.engine import Linter
from dockerls.analysis.model import build_model
from dockerls.features import code_actions as ca
from dockerls.features.caps import ClientCaps
from dockerls.features.diagnostics import to_lsp
from dockerls.features.positions import UTF8, UTF16, offset_of
from dockerls.fixes import TextEdit, apply_edits
from dockerls.syntax.parser import parse

URI = "file:///w/Dockerfile"
WHOLE = lsp.Range(lsp.Position(0, 0), lsp.Position(10_000, 0))


def diagnostics(text: str, enc: str = UTF16) -> list[lsp.Diagnostic]:
    p = parse(text)
    return to_lsp(p, Linter().lint(p), enc)


def actions(
    text: str,
    rng: lsp.Range = WHOLE,
    diags: list[lsp.Diagnostic] | None = None,
    only: list[str] | None = None,
    caps: ClientCaps | None = None,
) -> list[lsp.CodeAction]:
    caps = caps or ClientCaps()
    p = parse(text)
    if diags is None:
        diags = diagnostics(text, caps.encoding)
    params = lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(URI),
        range=rng,
        context=lsp.CodeActionContext(diagnostics=diags, only=only),
    )
    out = ca.code_actions(p, build_model(p), params, caps)
    assert out is not None
    assert all(isinstance(a, lsp.CodeAction) for a in out)
    return out  # type: ignore[return-value]


def apply(text: str, action: lsp.CodeAction | lsp.WorkspaceEdit, enc: str = UTF16) -> str:
    edit = action if isinstance(action, lsp.WorkspaceEdit) else action.edit
    assert edit is not None and edit.changes is not None
    p = parse(text)
    es = [
        TextEdit(offset_of(p, e.range.start, enc), offset_of(p, e.range.end, enc), e.new_text)
        for e in edit.changes[URI]
    ]
    return apply_edits(text, es)


def titled(acts: list[lsp.CodeAction], title: str) -> lsp.CodeAction:
    found = [a for a in acts if a.title == title]
    assert found, f"no action {title!r} in {[a.title for a in acts]}"
    return found[0]


def fix_for(text: str, code: str, enc: str = UTF16) -> lsp.CodeAction:
    diags = [d for d in diagnostics(text, enc) if d.code == code]
    assert diags, f"{code} not reported"
    acts = actions(text, diags=diags[:1], caps=ClientCaps(encoding=enc))
    fixes = [a for a in acts if a.diagnostics == diags[:1] and not a.title.startswith("Ignore ")]
    assert len(fixes) == 1
    return fixes[0]


# ----------------------------------------------------------------- quick fixes

# before/after for the rule fixes that have no `fixed:` case in tests/rules/cases
BEFORE_AFTER = [
    (
        "DL3009",
        "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1\n",
        "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1"
        " && rm -rf /var/lib/apt/lists/*\n",
    ),
    (
        "DL3014",
        "FROM debian\nRUN apt-get install --no-install-recommends curl=1\n",
        "FROM debian\nRUN apt-get install -y --no-install-recommends curl=1\n",
    ),
    (
        "DL3015",
        "FROM debian\nRUN apt-get install -y curl=1\n",
        "FROM debian\nRUN apt-get install --no-install-recommends -y curl=1\n",
    ),
    (
        "DL3019",
        "FROM alpine:3\nRUN apk add curl=1\n",
        "FROM alpine:3\nRUN apk add --no-cache curl=1\n",
    ),
    (
        "DL3027",
        "FROM debian\nRUN apt install -y --no-install-recommends curl=1\n",
        "FROM debian\nRUN apt-get install -y --no-install-recommends curl=1\n",
    ),
    (
        "DL3030",
        "FROM centos:7\nRUN yum install curl-1 && yum clean all\n",
        "FROM centos:7\nRUN yum install -y curl-1 && yum clean all\n",
    ),
    (
        "DL3032",
        "FROM centos:7\nRUN yum install -y curl-1\n",
        "FROM centos:7\nRUN yum install -y curl-1 && yum clean all\n",
    ),
    (
        "DL3034",
        "FROM opensuse:15\nRUN zypper install curl=1 && zypper clean\n",
        "FROM opensuse:15\nRUN zypper -n install curl=1 && zypper clean\n",
    ),
    (
        "DL3036",
        "FROM opensuse:15\nRUN zypper install -n curl=1\n",
        "FROM opensuse:15\nRUN zypper install -n curl=1 && zypper clean\n",
    ),
    (
        "DL3038",
        "FROM fedora:39\nRUN dnf install curl-1 && dnf clean all\n",
        "FROM fedora:39\nRUN dnf install -y curl-1 && dnf clean all\n",
    ),
    (
        "DL3040",
        "FROM fedora:39\nRUN dnf install -y curl-1\n",
        "FROM fedora:39\nRUN dnf install -y curl-1 && dnf clean all\n",
    ),
    (
        "DL3042",
        "FROM python:3\nRUN pip install requests==2.0\n",
        "FROM python:3\nRUN pip install --no-cache-dir requests==2.0\n",
    ),
    (
        "DL3060",
        "FROM node:20\nRUN yarn install\n",
        "FROM node:20\nRUN yarn install && yarn cache clean\n",
    ),
    (
        "DL3059",
        "FROM debian\nRUN make\n# install\nRUN make install\n",
        "FROM debian\nRUN make && \\\n# install\n    make install\n",
    ),
]


@pytest.mark.parametrize(
    ("code", "before", "after"), BEFORE_AFTER, ids=[c[0] for c in BEFORE_AFTER]
)
def test_quick_fix_before_after(code: str, before: str, after: str) -> None:
    logging.disable(logging.CRITICAL)
    try:
        assert apply(before, fix_for(before, code)) == after
    finally:
        logging.disable(logging.NOTSET)


def test_safe_fix_is_preferred_and_unsafe_is_not() -> None:
    safe = fix_for("FROM alpine:3\nRUN apk add curl=1\n", "DL3019")
    assert safe.is_preferred is True
    assert safe.kind == lsp.CodeActionKind.QuickFix
    assert safe.title == "Add `--no-cache`"
    unsafe = fix_for("FROM debian\nRUN apt-get install -y curl=1\n", "DL3015")
    assert not unsafe.is_preferred
    assert unsafe.title.endswith("(unsafe)")


def test_utf8_positions_after_astral_characters() -> None:
    text = "FROM alpine:3\nRUN echo 🐳 && apk add curl=1\n"
    fixed = "FROM alpine:3\nRUN echo 🐳 && apk add --no-cache curl=1\n"
    assert apply(text, fix_for(text, "DL3019", UTF8), UTF8) == fixed
    assert apply(text, fix_for(text, "DL3019", UTF16), UTF16) == fixed


def test_diagnostics_of_other_sources_and_without_data_get_no_fix() -> None:
    text = "FROM alpine:3\nRUN apk add curl=1\n"
    d = next(x for x in diagnostics(text) if x.code == "DL3019")
    foreign = lsp.Diagnostic(range=d.range, message="x", source="other", code="DL3019", data=d.data)
    assert actions(text, diags=[foreign], rng=d.range) == []
    bare = lsp.Diagnostic(range=d.range, message="x", source="dockerls", code="DL3019")
    titles = [a.title for a in actions(text, diags=[bare], rng=d.range)]
    assert titles == ["Ignore DL3019 for this instruction", "Ignore DL3019 in this file"]


# ----------------------------------------------------------------- suppression


def _ignore(text: str, code: str, which: str) -> str:
    diags = [d for d in diagnostics(text) if d.code == code]
    return apply(text, titled(actions(text, diags=diags[:1]), f"Ignore {code} {which}"))


def _codes(text: str) -> list[str]:
    return [str(d.code) for d in diagnostics(text)]


def test_ignore_for_instruction_inserts_pragma_with_indentation() -> None:
    text = "FROM alpine:3\n  RUN apk add curl=1\n"
    out = _ignore(text, "DL3019", "for this instruction")
    assert out == "FROM alpine:3\n  # hadolint ignore=DL3019\n  RUN apk add curl=1\n"
    assert "DL3019" not in _codes(out)


def test_ignore_for_instruction_extends_existing_pragma() -> None:
    text = "FROM alpine:3\n# hadolint ignore=DL3018 # why\nRUN apk add curl\n"
    out = _ignore(text, "DL3019", "for this instruction")
    assert out == "FROM alpine:3\n# hadolint ignore=DL3018,DL3019 # why\nRUN apk add curl\n"
    assert "DL3019" not in _codes(out)


def test_ignore_in_file_goes_after_directives() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM alpine:3\nRUN apk add curl=1\n"
    out = _ignore(text, "DL3019", "in this file")
    assert out == (
        "# syntax=docker/dockerfile:1\n# hadolint global ignore=DL3019\nFROM alpine:3\nRUN apk add curl=1\n"
    )
    assert "DL3019" not in _codes(out)


def test_ignore_in_file_extends_global_pragma() -> None:
    text = "FROM alpine:3\n# hadolint global ignore=DL3018\nRUN apk add curl\n"
    out = _ignore(text, "DL3019", "in this file")
    assert out == "FROM alpine:3\n# hadolint global ignore=DL3018,DL3019\nRUN apk add curl\n"
    assert "DL3019" not in _codes(out)


def test_ignore_buildkit_code() -> None:
    text = "FROM alpine:3 as build\nRUN true\n"
    out = _ignore(text, "FromAsCasing", "for this instruction")
    assert out.startswith("# hadolint ignore=FromAsCasing\nFROM alpine:3 as build\n")


# ----------------------------------------------------------------- refactor


def test_combine_runs_refactor_on_selection() -> None:
    text = "FROM debian\nRUN a\nRUN b\nRUN c && d\nCMD x\n"
    rng = lsp.Range(lsp.Position(1, 0), lsp.Position(3, 0))  # RUN a, RUN b
    acts = actions(text, rng, diags=[], only=[lsp.CodeActionKind.Refactor])
    assert [a.kind for a in acts] == [lsp.CodeActionKind.RefactorRewrite]
    assert apply(text, acts[0]) == "FROM debian\nRUN a && \\\n    b\nRUN c && d\nCMD x\n"


def test_combine_runs_at_cursor_takes_the_whole_block() -> None:
    text = "FROM debian\nRUN a\nRUN b\nRUN c && d\nCMD x\n"
    rng = lsp.Range(lsp.Position(2, 1), lsp.Position(2, 1))
    acts = [a for a in actions(text, rng, diags=[]) if a.kind == lsp.CodeActionKind.RefactorRewrite]
    assert apply(text, acts[0]) == "FROM debian\nRUN a && \\\n    b && \\\n    c && d\nCMD x\n"


def test_no_combine_when_unsafe() -> None:
    text = "FROM debian\nRUN cd /x\nRUN make\n"
    assert actions(text, lsp.Range(lsp.Position(1, 0), lsp.Position(2, 2)), diags=[]) == []


def test_only_filter() -> None:
    text = "FROM alpine:3\nRUN apk add curl=1\nRUN b\n"
    assert all(a.kind == lsp.CodeActionKind.QuickFix for a in actions(text, only=["quickfix"]))
    assert actions(text, only=["source.organizeImports"]) == []


# ----------------------------------------------------------------- fix all


def test_fix_all_applies_every_safe_fix_and_is_idempotent() -> None:
    text = "FROM ubuntu:22.04 as build\nRUN apk add curl=1\nMAINTAINER me\n"
    acts = actions(text, diags=[], only=["source.fixAll"])
    assert [a.kind for a in acts] == [ca.FIX_ALL_KIND]
    out = apply(text, acts[0])
    assert out == (
        'FROM ubuntu:22.04 AS build\nRUN apk add --no-cache curl=1\nLABEL org.opencontainers.image.authors="me"\n'
    )
    # no safe fix left: a second fix-all offers nothing
    assert actions(out, diags=[], only=[ca.FIX_ALL_KIND]) == []
    # fix-all is not computed unless asked for
    assert all(a.kind != ca.FIX_ALL_KIND for a in actions(text))


def test_clients_without_literals_get_commands() -> None:
    text = "FROM alpine:3\nRUN apk add curl=1\n"
    p = parse(text)
    params = lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(URI),
        range=WHOLE,
        context=lsp.CodeActionContext(diagnostics=diagnostics(text)),
    )
    out = ca.code_actions(p, build_model(p), params, ClientCaps(code_action_literals=False))
    assert out and all(
        isinstance(c, lsp.Command) and c.command == ca.APPLY_EDIT_COMMAND for c in out
    )
    first = out[0]
    assert isinstance(first, lsp.Command) and first.arguments
    edit = first.arguments[0]
    assert isinstance(edit, lsp.WorkspaceEdit)
    assert apply(text, edit) == "FROM alpine:3\nRUN apk add --no-cache curl=1\n"

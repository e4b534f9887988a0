"""Pure tests of dockerls.features.hover (cursor marked with $0)."""

from __future__ import annotations

import inspect

from lsprotocol import types as lsp

from dockerls import docs
from dockerls.analysis.builds import Build
from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.rules import BY_CODE
from dockerls.features.caps import ClientCaps
from dockerls.features.hover import doc_markdown, hover
from dockerls.syntax.parser import parse
from tests.features.helpers import cursor, parsed, range_from_str

MD = ClientCaps(markdown=True)
PLAIN = ClientCaps(markdown=False)


def check(src: str, caps: ClientCaps = MD, **kw: object) -> lsp.Hover | None:
    p, m, pos = parsed(src)
    return hover(p, m, pos, caps, **kw)  # type: ignore[arg-type]


def value(h: lsp.Hover | None) -> str:
    assert h is not None
    assert isinstance(h.contents, lsp.MarkupContent)
    return h.contents.value


def test_instruction_keyword_markdown_and_plain() -> None:
    h = check("FROM a\nR$0UN echo")
    assert value(h) == docs.markdown("instruction:RUN")
    assert h is not None and h.range == range_from_str("FROM a\nRUN echo", "RUN")
    assert isinstance(h.contents, lsp.MarkupContent) and h.contents.kind == lsp.MarkupKind.Markdown
    hp = check("FROM a\nR$0UN echo", PLAIN)
    assert value(hp) == docs.plain_text("instruction:RUN")
    assert isinstance(hp.contents, lsp.MarkupContent)  # type: ignore[union-attr]
    assert hp.contents.kind == lsp.MarkupKind.PlainText  # type: ignore[union-attr]


def test_onbuild_trigger_keyword() -> None:
    assert value(check("FROM a\nONBUILD CO$0PY a b")) == docs.markdown("instruction:COPY")
    assert value(check("FROM a\nONB$0UILD COPY a b")) == docs.markdown("instruction:ONBUILD")


def test_flags_and_mount_options() -> None:
    assert value(check("FROM a\nCOPY --ch$0mod=644 a b")) == docs.markdown("flag:COPY:chmod")
    assert value(check("FROM --plat$0form=linux/amd64 a")) == docs.markdown("flag:FROM:platform")
    assert value(check("FROM a\nRUN --network=no$0ne x")) == docs.markdown("flag:RUN:network")
    src = "FROM a\nRUN --mount=type=cache,shar$0ing=locked,target=/x make"
    h = check(src)
    assert value(h) == docs.markdown("mountkey:cache:sharing")
    text, _ = cursor(src)
    assert h is not None and h.range == range_from_str(text, "sharing")
    assert value(check("FROM a\nRUN --mount=type=sec$0ret,id=x cat")) == docs.markdown(
        "mount:secret"
    )
    # alias resolves to the key's doc
    assert value(check("FROM a\nRUN --mount=type=bind,ds$0t=/x ls")) == docs.markdown(
        "mountkey:bind:target"
    )


def test_variable_value_and_definition_line() -> None:
    src = "ARG V=1\nFROM a\nARG V\nENV HOME_DIR=/home/$V\nRUN echo $HO$0ME_DIR"
    h = check(src, uri="file:///x/Dockerfile")
    v = value(h)
    assert "`HOME_DIR`" in v and "`/home/1`" in v
    assert "[line 4](file:///x/Dockerfile#L4)" in v
    text, _ = cursor(src)
    assert h is not None and h.range == range_from_str(text, "$HOME_DIR")
    plain = value(check(src, PLAIN))
    assert "line 4" in plain and "`" not in plain and "](" not in plain


def test_variable_undefined_and_predefined() -> None:
    assert "Not defined" in value(check("FROM a\nRUN echo $NOP$0E"))
    pre = value(check("FROM a\nRUN echo $HTTP_PR$0OXY"))
    md = docs.markdown("arg:HTTP_PROXY")
    assert md is not None and md.strip() in pre


def test_stage_reference_points_to_from_line() -> None:
    src = "FROM golang:1.22 AS build\nRUN go build\nFROM alpine\nCOPY --from=bu$0ild /out /out"
    v = value(check(src, uri="file:///d/Dockerfile"))
    assert "`build`" in v and "FROM golang:1.22 AS build" in v and "(file:///d/Dockerfile#L1)" in v
    assert "FROM golang" in value(
        check("FROM golang AS b\nFROM a\nRUN --mount=from=$0b,target=/x ls")
    )
    assert "stage 0" in value(check("FROM golang AS b\nFROM b$0"))


def test_base_image_parts() -> None:
    v = value(check("FROM ghcr.io/acme/tool:1.2@sha256:0123$0abcd"))
    assert "`ghcr.io/acme/tool`" in v and "`1.2`" in v and "`sha256:0123abcd`" in v
    assert "`latest`" in value(check("FROM ubun$0tu"))
    extra = value(check("FROM ubun$0tu:24.04", image_info=lambda ref: f"INFO for {ref}"))
    assert extra.endswith("INFO for ubuntu:24.04")


def test_variable_image_shows_the_image_details() -> None:
    # FROM ${BASE}: the variable's value, then the details of the image it makes
    v = value(check("ARG BASE=python:3.11\nFROM ${BA$0SE}", image_info=lambda w: f"INFO {w}"))
    assert "`python:3.11`" in v and v.endswith("INFO ${BASE}")
    # a variable elsewhere gets no image details
    v = value(check("ARG V=1\nFROM a\nRUN echo ${V$0}", image_info=lambda w: f"INFO {w}"))
    assert "INFO" not in v


def test_directives_and_check_rule_names() -> None:
    assert value(check("# syn$0tax=docker/dockerfile:1\nFROM a")) == docs.markdown(
        "directive:syntax"
    )
    # a build check's page is its rule's documentation (one source)
    page = value(check("# check=skip=StageName$0Casing\nFROM a"))
    assert page == doc_markdown("rule:StageNameCasing")
    assert inspect.cleandoc(BY_CODE["StageNameCasing"].doc) in page
    assert value(check("# esc$0ape=`\nFROM a")) == docs.markdown("directive:escape")


def test_pragma_rule_code() -> None:
    v = value(check("FROM a\n# hadolint ignore=DL3008,DL30$006\nRUN x"))
    rule = BY_CODE["DL3006"]
    assert v.startswith(f"**DL3006** `{rule.name}`")
    assert inspect.cleandoc(rule.doc).splitlines()[0] in v


def test_nothing_to_say() -> None:
    assert check("FROM a\n# a remark$0") is None
    assert check("FROM a\nRUN echo hel$0lo") is None
    p, m, _ = parsed("FROM a$0")
    assert hover(p, m, lsp.Position(50, 3), MD) is None


def test_image_hover_names_the_builds_whose_named_context_stands_in_for_it() -> None:
    text, pos = cursor("FROM ba$0se AS app\nFROM base AS other\n")
    alpine = "docker-image://alpine:3.20"
    builds = (
        Build("compose:app", None, None, target="app", contexts={"base": alpine}),
        Build("bake:app", None, None, target="app"),
        Build("bake:other", None, None, target="other", contexts={"base": "./rootfs"}),
    )
    p = parse(text)
    model = Linter().lint(p, None, Facts(builds=builds)).model
    h = hover(p, model, pos, ClientCaps())
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    assert f"In compose:app, the named context `{alpine}` stands in for it" in h.contents.value
    assert "bake" not in h.contents.value  # bake:app takes the image; bake:other runs no `app`


def test_a_from_value_a_named_context_gives_is_shown_as_that_context() -> None:
    text = (
        "FROM alpine:3.20 AS build\nFROM alpine:3.20\nCOPY --from=deps /x /x\n"
        "COPY --from=build /x /x\nRUN --mount=from=deps,target=/d ls\n"
    )
    builds = (
        Build("compose:app", None, None, contexts={"deps": "./deps", "build": "target:b"}),
        Build("bake:app", None, None),
    )
    p = parse(text)
    model = Linter().lint(p, None, Facts(builds=builds)).model

    def shown(line: int, col: int) -> str:
        h = hover(p, model, lsp.Position(line, col), ClientCaps())
        assert h is not None and isinstance(h.contents, lsp.MarkupContent)
        return h.contents.value

    deps = "**Named build context** `deps`\n\nIn compose:app: `./deps`"
    assert shown(2, 13) == deps and shown(4, 19) == deps  # COPY --from, RUN --mount from=
    # a context of a stage's name overwrites it in its build; the others read the stage
    build = shown(3, 13)
    assert build.startswith("**Named build context** `build`\n\nIn compose:app: `target:b`")
    assert "Builds without it read the stage:" in build and "**Build stage** `build`" in build
    # no build has the context: the flag's documentation, as before
    plain = parse(text)
    assert "Named build context" not in (
        str(hover(plain, Linter().lint(plain).model, lsp.Position(2, 13), ClientCaps()))
    )

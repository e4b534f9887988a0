"""Pure tests of dockerls.features.completion (cursor marked with $0)."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from dockerls import docs
from dockerls.analysis.rules import RULES
from dockerls.features.caps import ClientCaps
from dockerls.features.completion import completion, resolve
from dockerls.syntax import spec
from tests.features.helpers import parsed, range_from_str

SNIPPETS = ClientCaps(snippets=True, completion_markdown=True)
PLAIN = ClientCaps(snippets=False, completion_markdown=False, markdown=False)
LAZY = ClientCaps(snippets=True, resolve_documentation=True)


def items(src: str, caps: ClientCaps = SNIPPETS, **kw: object) -> list[lsp.CompletionItem]:
    p, m, pos = parsed(src)
    return list(completion(p, m, pos, caps, **kw).items)  # type: ignore[arg-type]


def labels(src: str, caps: ClientCaps = SNIPPETS, **kw: object) -> list[str]:
    return [i.label for i in items(src, caps, **kw)]


def by_label(src: str, label: str, caps: ClientCaps = SNIPPETS) -> lsp.CompletionItem:
    found = [i for i in items(src, caps) if i.label == label]
    assert found, f"{label} not offered"
    return found[0]


def test_empty_document_offers_from_first_and_arg() -> None:
    got = items("$0")
    names = {i.label.split()[0] for i in got}
    assert names == {"FROM", "ARG"}
    ordered = sorted(got, key=lambda i: i.sort_text or i.label)
    assert ordered[0].label == "FROM"


def test_before_first_from_only_from_and_arg() -> None:
    assert {lab.split()[0] for lab in labels("ARG V=1\nR$0\nFROM a")} == {"FROM", "ARG"}


def test_after_from_all_instructions() -> None:
    got = set(labels("FROM a\nRU$0"))
    assert {s.name for s in spec.INSTRUCTIONS} <= got
    assert "HEALTHCHECK NONE" in got


def test_onbuild_restricted_set() -> None:
    got = {lab.split()[0] for lab in labels("FROM a\nONBUILD $0")}
    assert "RUN" in got and "COPY" in got
    assert not got & {"FROM", "ONBUILD", "MAINTAINER"}
    assert got == {s.name for s in spec.INSTRUCTIONS if s.onbuild_allowed}


def test_keyword_snippet_on_and_off() -> None:
    run = by_label("FROM a\nRU$0", "RUN")
    assert run.insert_text_format == lsp.InsertTextFormat.Snippet
    assert run.text_edit is not None and "${1" in run.text_edit.new_text
    plain = by_label("FROM a\nRU$0", "RUN", PLAIN)
    assert plain.insert_text_format is None
    assert plain.text_edit is not None and plain.text_edit.new_text == "RUN "
    # the edit replaces what was typed
    text = "FROM a\nRU"
    assert isinstance(plain.text_edit, lsp.TextEdit)
    assert plain.text_edit.range == range_from_str(text, "RU")


def test_docs_inline_markdown_or_plain_and_lazy() -> None:
    md = by_label("FROM a\nRU$0", "RUN")
    assert isinstance(md.documentation, lsp.MarkupContent)
    assert md.documentation.kind == lsp.MarkupKind.Markdown
    assert md.documentation.value == docs.markdown("instruction:RUN")
    assert md.detail == docs.summary("instruction:RUN")
    pl = by_label("FROM a\nRU$0", "RUN", PLAIN)
    assert isinstance(pl.documentation, lsp.MarkupContent)
    assert pl.documentation.kind == lsp.MarkupKind.PlainText
    assert pl.documentation.value == docs.plain_text("instruction:RUN")
    lazy = by_label("FROM a\nRU$0", "RUN", LAZY)
    assert lazy.documentation is None and lazy.data == {"doc": "instruction:RUN"}
    done = resolve(lazy, LAZY)
    assert isinstance(done.documentation, lsp.MarkupContent)
    assert done.documentation.value == docs.markdown("instruction:RUN")


@pytest.mark.parametrize("inst", [s.name for s in spec.INSTRUCTIONS if s.flags])
def test_every_flag_of_every_instruction(inst: str) -> None:
    base = "FROM a\n" if inst != "FROM" else ""
    got = set(labels(f"{base}{inst} --$0"))
    assert got == {f.label for f in spec.flags_for(inst)}


def test_used_flag_not_offered_again_unless_repeatable() -> None:
    got = labels("FROM a\nCOPY --link --$0")
    assert "--link" not in got and "--from" in got
    assert "--mount" in labels("FROM a\nRUN --mount=type=cache,target=/x --$0")


def test_flag_snippet_has_enum_choices() -> None:
    net = by_label("FROM a\nRUN --$0", "--network")
    assert net.text_edit is not None
    assert net.text_edit.new_text == "--network=${1|default,none,host|}"
    plain = by_label("FROM a\nRUN --$0", "--network", PLAIN)
    assert plain.text_edit is not None and plain.text_edit.new_text == "--network="


def test_flag_values() -> None:
    assert labels("FROM a\nRUN --network=$0") == ["default", "none", "host"]
    plat = labels("FROM --platform=$0 a")
    assert "linux/amd64" in plat and "$BUILDPLATFORM" in plat and "$TARGETPLATFORM" in plat
    assert set(labels("FROM a\nCOPY --link=$0 x y")) == {"true", "false"}
    assert "0755" in labels("FROM a\nCOPY --chmod=$0 x y")
    assert "30s" in labels("FROM a\nHEALTHCHECK --interval=$0")
    assert "sha256:" in labels("FROM a\nADD --checksum=$0 https://example.com/x /x")
    assert labels("FROM a\nRUN --security=$0") == ["sandbox", "insecure"]


def test_mount_types_then_keys_then_values() -> None:
    got = labels("FROM a\nRUN --mount=$0")
    assert [g for g in got if g.startswith("type=")] == [f"type={m.name}" for m in spec.MOUNT_TYPES]
    cache_keys = labels("FROM a\nRUN --mount=type=cache,$0")
    assert "sharing" in cache_keys and "target" in cache_keys and "id" in cache_keys
    assert not any(k.startswith("type=") for k in cache_keys)
    assert "size" in labels("FROM a\nRUN --mount=type=tmpfs,$0")
    assert "env" in labels("FROM a\nRUN --mount=type=secret,$0")
    assert labels("FROM a\nRUN --mount=type=cache,sharing=$0") == ["shared", "private", "locked"]
    assert labels("FROM a\nRUN --mount=type=$0") == [m.name for m in spec.MOUNT_TYPES]
    # keys already written are not proposed again
    assert "target" not in labels("FROM a\nRUN --mount=type=cache,target=/x,$0")


def test_mount_key_doc() -> None:
    it = by_label("FROM a\nRUN --mount=type=cache,$0", "sharing")
    assert isinstance(it.documentation, lsp.MarkupContent)
    assert it.documentation.value == docs.markdown("mountkey:cache:sharing")


def test_stage_names() -> None:
    src = "FROM a AS build\nFROM b AS test\nFROM c\nCOPY --from=$0"
    assert labels(src) == ["build", "test"]
    assert labels("FROM a AS build\nFROM b\nRUN --mount=from=$0") == ["build"]
    got = labels("FROM a AS build\nFROM $0")
    assert "build" in got and "scratch" in got
    # only stages defined before this one
    assert "later" not in labels("FROM a AS one\nCOPY --from=$0\nFROM b AS later")


def test_variables_in_scope_with_values() -> None:
    src = "ARG V=1\nFROM a\nARG V\nENV HOME_DIR=/home/$V\nRUN echo ${$0"
    got = items(src)
    names = [i.label for i in got]
    assert names[:2] == ["V", "HOME_DIR"]
    home = got[1]
    assert home.detail == "HOME_DIR=/home/1"
    assert "TARGETPLATFORM" in names and "HTTP_PROXY" in names
    assert home.text_edit is not None and home.text_edit.new_text == "HOME_DIR}"
    # an auto-closed brace is not doubled
    p_items = items("FROM a\nENV X=1\nRUN echo ${$0}")
    x = next(i for i in p_items if i.label == "X")
    assert x.text_edit is not None and x.text_edit.new_text == "X"
    bare = items("FROM a\nENV X=1\nRUN echo $$0")
    assert next(i for i in bare if i.label == "X").text_edit.new_text == "X"  # type: ignore[union-attr]


def test_variables_in_from_line_are_global() -> None:
    got = labels("ARG TAG=3\nFROM alpine:$$0")
    assert "TAG" in got and "TARGETPLATFORM" in got


def test_directives() -> None:
    assert labels("# $0\nFROM a") == [d.name for d in spec.DIRECTIVES]
    syn = by_label("# sy$0\nFROM a", "syntax", PLAIN)
    assert syn.text_edit is not None and syn.text_edit.new_text == "syntax=docker/dockerfile:1"
    assert "docker/dockerfile:1" in labels("# syntax=$0\nFROM a")
    assert labels("# check=$0\nFROM a") == list(spec.CHECK_KEYS)
    skip = labels("# check=skip=$0\nFROM a")
    assert skip[0] == "all" and {c.name for c in spec.BUILD_CHECKS} <= set(skip)
    assert "StageNameCasing" in labels("# check=skip=FromAsCasing,$0\nFROM a")
    assert labels("# check=skip=all;error=$0\nFROM a") == ["true", "false"]
    # not a directive once an instruction came first
    assert labels("FROM a\n# sy$0") == []


def test_pragma_codes() -> None:
    got = items("FROM a\n# hadolint ignore=DL3006,$0\nRUN x")
    assert [i.label for i in got] == [r.code for r in RULES]
    first = got[0]
    assert first.detail == RULES[0].name
    assert "DL3007" in labels("FROM a\n# dockerls global ignore=$0")


def test_small_vocabularies() -> None:
    assert labels("FROM a\nHEALTHCHECK $0")[-2:] == ["CMD", "NONE"]
    assert labels("FROM a\nSTOPSIGNAL $0") == list(spec.STOP_SIGNALS)
    assert labels("FROM a\nEXPOSE 8080/$0") == list(spec.EXPOSE_PROTOCOLS)
    assert labels("FROM alpine $0") == ["AS"]


def test_copy_paths_from_list_dir() -> None:
    tree = {"": [("src", True), ("setup.py", False)], "src": [("main.py", False)]}
    seen: list[str] = []

    def list_dir(d: str) -> list[tuple[str, bool]]:
        seen.append(d)
        return tree.get(d, [])

    assert labels("FROM a\nCOPY $0", list_dir=list_dir)[-2:] == ["src/", "setup.py"]
    got = items("FROM a\nCOPY src/ma$0 /app", list_dir=list_dir)
    assert [i.label for i in got] == ["main.py"]
    assert isinstance(got[0].text_edit, lsp.TextEdit)
    assert got[0].text_edit.range == range_from_str("FROM a\nCOPY src/ma /app", "ma")
    assert seen == ["", "src"]
    # --from= copies from another stage: the build context is irrelevant
    after_from = labels("FROM a AS b\nFROM c\nCOPY --from=b $0", list_dir=list_dir)
    assert [lab for lab in after_from if not lab.startswith("--")] == []
    assert "--from" not in after_from and "--link" in after_from


def test_image_tags_hook() -> None:
    calls: list[str] = []

    def tags_for(image: str) -> tuple[list[str], bool] | None:
        calls.append(image)
        return (["3.19", "3.20"], True)

    p, m, pos = parsed("FROM alpine:3.$0")
    res = completion(p, m, pos, SNIPPETS, tags_for=tags_for)
    assert calls == ["alpine"]
    assert [i.label for i in res.items] == ["3.19", "3.20"]
    assert res.is_incomplete
    assert labels("FROM alpine:3.$0") == []


def test_tags_in_the_arg_default_a_from_uses() -> None:
    calls: list[str] = []

    def tags_for(image: str) -> tuple[list[str], bool] | None:
        calls.append(image)
        return (["3.12-slim", "3.12", "3.11-slim", "latest"], False)

    def items(src: str) -> list[tuple[str, str]]:
        p, m, pos = parsed(src)
        out = []
        for i in completion(p, m, pos, SNIPPETS, tags_for=tags_for).items:
            assert isinstance(i.text_edit, lsp.TextEdit)
            line = src.split("\n")[i.text_edit.range.start.line]
            typed = line[i.text_edit.range.start.character : i.text_edit.range.end.character]
            out.append((i.label, typed))
        return out

    # ARG BASE=python:3.1 with FROM ${BASE}: python's tags, over what follows the colon
    got = items("ARG BASE=python:3.1$0\nFROM ${BASE}")
    assert calls == ["python"] and got == [
        ("3.12-slim", "3.1"), ("3.12", "3.1"), ("3.11-slim", "3.1"), ("latest", "3.1")
    ]  # fmt: skip
    # ARG VER=3.1 with FROM python:${VER}-slim: the tags with that suffix, the suffix left out
    calls.clear()
    assert items("ARG VER=3.1$0\nFROM python:${VER}-slim") == [("3.12", "3.1"), ("3.11", "3.1")]
    assert calls == ["python"]
    # no colon typed yet, an ARG no FROM uses, a stage-local ARG: no tags asked for
    calls.clear()
    for src in (
        "ARG BASE=pyth$0\nFROM ${BASE}",
        "ARG V=3.1$0\nFROM python:3.12",
        "FROM python\nARG BASE=python:3$0",
    ):
        assert items(src) == []
    assert calls == []


def test_out_of_range_and_comments_do_not_raise() -> None:
    p, m, _ = parsed("FROM a\n$0")
    assert completion(p, m, lsp.Position(99, 99), SNIPPETS).items == []
    assert labels("FROM a\n# just a remark $0") == []


def test_many_stages_are_capped_and_filtered() -> None:
    stages = "".join(f"FROM a AS s{n}\nRUN x\n" for n in range(250))
    p, m, pos = parsed(stages + "FROM b\nCOPY --from=$0")
    res = completion(p, m, pos, SNIPPETS)
    assert res.is_incomplete and len(res.items) == 100
    assert res.items[-1].label == "s249"
    p, m, pos = parsed(stages + "FROM b\nCOPY --from=s12$0")
    res = completion(p, m, pos, SNIPPETS)
    assert sorted(i.label for i in res.items) == sorted(["s12"] + [f"s12{k}" for k in range(10)])
    assert not res.is_incomplete


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_ranges_follow_the_negotiated_encoding(encoding: str) -> None:
    src = 'FROM a\nENV X=1\nRUN echo "😀é" ${X$0'
    p, m, pos = parsed(src, encoding)
    caps = ClientCaps(encoding=encoding)
    got = completion(p, m, pos, caps).items
    x = next(i for i in got if i.label == "X")
    text = src.replace("$0", "")
    assert isinstance(x.text_edit, lsp.TextEdit)
    assert x.text_edit.range == range_from_str(text, "X", 1, encoding)

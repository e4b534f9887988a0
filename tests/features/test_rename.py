"""prepareRename and rename with name validation."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.rename import RenameError, prepare_rename, rename
from tests.features.helpers import parsed

URI = "file:///w/Dockerfile"


def apply(text: str, edit: lsp.WorkspaceEdit) -> str:
    assert edit.changes is not None
    lines = text.split("\n")
    for e in sorted(
        edit.changes[URI], key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        assert e.range.start.line == e.range.end.line
        ln = lines[e.range.start.line]
        lines[e.range.start.line] = (
            ln[: e.range.start.character] + e.new_text + ln[e.range.end.character :]
        )
    return "\n".join(lines)


def do(src: str, new: str) -> str:
    p, m, pos = parsed(src)
    edit = rename(p, m, pos, new, ClientCaps(), URI)
    assert edit is not None
    return apply(p.text, edit)


def test_rename_global_arg_and_reimports() -> None:
    src = "ARG V$0=1\nFROM a:$V\nARG V\nRUN echo ${V} '$V'\nFROM b\nRUN echo $V\n"
    assert (
        do(src, "VER")
        == "ARG VER=1\nFROM a:$VER\nARG VER\nRUN echo ${VER} '$V'\nFROM b\nRUN echo $V\n"
    )


def test_rename_stage() -> None:
    src = "FROM a AS bu$0ild\nFROM build\nCOPY --from=build /x /y\nRUN --mount=from=build,target=/t true\n"
    assert do(src, "compile") == (
        "FROM a AS compile\nFROM compile\nCOPY --from=compile /x /y\nRUN --mount=from=compile,target=/t true\n"
    )


def test_rename_reaches_heredoc_bodies() -> None:
    src = "FROM a\nARG V$0=1\nRUN <<'EOF'\necho $V ${V}\nEOF\nCOPY <<'X' /f\n$V\nX\n"
    assert do(src, "W") == "FROM a\nARG W=1\nRUN <<'EOF'\necho $W ${W}\nEOF\nCOPY <<'X' /f\n$V\nX\n"


def test_rename_heredoc() -> None:
    assert do("FROM a\nRUN <<EOF$0\nx\nEOF\n", "SCRIPT") == "FROM a\nRUN <<SCRIPT\nx\nSCRIPT\n"


@pytest.mark.parametrize(
    ("src", "new"),
    [
        ("FROM a\nENV X$0=1\n", "1X"),
        ("FROM a\nENV X$0=1\n", "a-b"),
        ("FROM a\nENV X$0=1 Y=2\n", "Y"),
        ("FROM a AS b$0\n", "9lives"),
        ("FROM a AS b$0\n", "scratch"),
        ("FROM a AS b$0\nFROM c AS d\n", "D"),
        ("FROM a\nRUN <<EOF$0\nEND\nEOF\n", "END"),
        ("FROM a\nRUN <<EOF$0\nx\nEOF\n", "a b"),
    ],
)
def test_invalid_names_are_refused(src: str, new: str) -> None:
    p, m, pos = parsed(src)
    with pytest.raises(RenameError):
        rename(p, m, pos, new, ClientCaps(), URI)


def test_prepare_rename() -> None:
    p, m, pos = parsed("FROM a\nENV NAME=1\nRUN echo $NA$0ME\n")
    res = prepare_rename(p, m, pos, ClientCaps())
    assert res == lsp.PrepareRenamePlaceholder(
        lsp.Range(lsp.Position(2, 10), lsp.Position(2, 14)), "NAME"
    )


def test_undeclared_variables_and_keywords_cannot_be_renamed() -> None:
    p, m, pos = parsed("FROM a\nRUN echo $PA$0TH\n")
    assert prepare_rename(p, m, pos, ClientCaps()) is None
    assert rename(p, m, pos, "X", ClientCaps(), URI) is None
    p, m, pos = parsed("RU$0N x\n")
    assert prepare_rename(p, m, pos, ClientCaps()) is None


def test_stage_by_number_renames_with_the_named_stage_only() -> None:
    src = "FROM a AS build\nFROM b\nFROM c\nCOPY --from=0 /x /y\nCOPY --from=1$0 /x /y\n"
    p, m, pos = parsed(src)
    # stage 1 has no name: nothing to rename
    assert prepare_rename(p, m, pos, ClientCaps()) is None
    p, m, pos = parsed(src.replace("--from=1$0", "--from=1").replace("--from=0", "--from=0$0"))
    edit = rename(p, m, pos, "compile", ClientCaps(), "file:///w/Dockerfile")
    assert edit is not None and edit.changes is not None
    spots = sorted((e.range.start.line, e.range.start.character) for e in edit.changes[URI])
    assert spots == [(0, 10), (3, 12)]  # `AS build` and `--from=0` both become `compile`

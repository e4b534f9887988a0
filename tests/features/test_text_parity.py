"""The CLI and the editor read a document the same way: a byte order mark and
every kind of line ending (``\\n``, ``\\r\\n``, a lone ``\\r``, mixed) give the
same findings at the same line/column ranges, and every range covers the text
the finding is about."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dockerls.analysis.engine import LintConfig
from dockerls.cli_check import lint_text, read_text
from dockerls.documents import DocumentStore
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json
from dockerls.features.positions import UTF16

CONFIG = LintConfig(disabled_groups=frozenset({"shellcheck"}))

BASE = (
    "FROM debian\n"
    "RUN cd /src && apt-get install curl\n"
    "RUN <<EOF\n"
    "apt-get install wget\n"
    "EOF\n"
    "COPY a b \\\n"
    "  c\n"
    "WORKDIR app\n"
)

DOCUMENTS = {
    "lf": BASE,
    "bom": "\ufeff" + BASE,
    "crlf": BASE.replace("\n", "\r\n"),
    "bom-crlf": "\ufeff" + BASE.replace("\n", "\r\n"),
    # a lone \r is a blank inside BuildKit's line, and a line break for the client
    "lone-cr": BASE.replace("cd /src &&", "cd /src &&\r ").replace("a b \\\n", "a \r b \\\n"),
    "mixed": "\ufeff"
    + BASE.replace("FROM debian\n", "FROM debian\r\n").replace("EOF\nCOPY", "EOF\r\nCOPY")
    + "RUN apt-get install\r  vim\r\n",
}

BREAK = re.compile(r"\r\n|\r|\n")


def covered(text: str, rng: dict[str, dict[str, int]]) -> str:
    """The text a 0-based LSP range covers, under the LSP's own line rule."""
    starts = [0] + [m.end() for m in BREAK.finditer(text)]

    def at(p: dict[str, int]) -> int:
        return starts[p["line"]] + p["character"]

    return text[at(rng["start"]) : at(rng["end"])]


def editor_findings(text: str) -> list[tuple[str, int, int, int, int]]:
    store = DocumentStore()
    store.config = CONFIG
    snap = store.open("untitled:Dockerfile", text, 1)
    got = json.loads(diagnostics_json(snap.parse, snap.lint().per_item, DiagnosticCache(UTF16)))
    return sorted(
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
        )
        for d in got
    )


def cli_findings(path: Path) -> list[tuple[str, int, int, int, int]]:
    problems = lint_text(read_text(path), str(path), CONFIG)
    return sorted(
        (p.code, p.line - 1, p.column - 1, p.end_line - 1, p.end_column - 1) for p in problems
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_cli_and_editor_agree(name: str, tmp_path: Path) -> None:
    text = DOCUMENTS[name]
    path = tmp_path / "Dockerfile"
    path.write_bytes(text.encode("utf-8"))
    editor = editor_findings(text)
    assert editor == cli_findings(path)
    codes = {f[0] for f in editor}
    assert not codes & {"UnknownInstruction", "NoSourceImage", "DL3061"}
    assert {"DL3006", "DL3003", "DL3008", "DL3014", "DL3000"} <= codes


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_ranges_land_on_their_text(name: str) -> None:
    text = DOCUMENTS[name]
    store = DocumentStore()
    store.config = CONFIG
    snap = store.open("untitled:Dockerfile", text, 1)
    got = json.loads(diagnostics_json(snap.parse, snap.lint().per_item, DiagnosticCache(UTF16)))
    by_code = {d["code"]: covered(text, d["range"]) for d in got}
    assert by_code["DL3006"] == "debian"
    assert by_code["DL3003"] == "cd"
    assert by_code["DL3000"] == "app"
    pins = sorted(covered(text, d["range"]) for d in got if d["code"] == "DL3008")
    assert {"curl", "wget"} <= set(pins)
    if name == "mixed":
        assert "vim" in pins  # after a lone \r, inside one BuildKit line


def test_line_endings_and_bom_change_no_finding() -> None:
    lf = editor_findings(DOCUMENTS["lf"])
    assert editor_findings(DOCUMENTS["crlf"]) == lf
    # the BOM is one column on the first line, nothing else
    shifted = [(c, sl, sc + (sl == 0), el, ec + (el == 0)) for c, sl, sc, el, ec in lf]
    assert editor_findings(DOCUMENTS["bom"]) == sorted(shifted)
    assert editor_findings(DOCUMENTS["bom-crlf"]) == sorted(shifted)


def test_edits_after_a_lone_cr_land_where_the_client_means() -> None:
    from lsprotocol import types as lsp

    text = DOCUMENTS["lone-cr"]
    store = DocumentStore()
    store.config = CONFIG
    store.open("untitled:Dockerfile", text, 1)
    # line 2 is " apt-get install curl" (after the lone \r): replace "curl"
    line2 = BREAK.split(text)[2]
    col = line2.index("curl")
    change = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(lsp.Position(2, col), lsp.Position(2, col + 4)), text="jq"
    )
    snap = store.change("untitled:Dockerfile", 2, [change])
    assert snap is not None and snap.text == text.replace("curl", "jq")

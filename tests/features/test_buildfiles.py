"""The Compose and Bake side (features/buildfiles.py) on the `kiosk` project: a Dockerfile,
a Compose file with two services and a Bake file with two targets."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from dockerls.analysis.buildcheck import check_build, unknown_target
from dockerls.analysis.builds import Build, Origin
from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.model import build_model
from dockerls.analysis.rules.base import Severity
from dockerls.builds.bake import read_bake
from dockerls.builds.compose import read_compose
from dockerls.features import buildfiles as bf
from dockerls.features.caps import ClientCaps
from dockerls.features.diagnostics import build_file_json
from dockerls.features.rename import RenameError
from dockerls.syntax.parser import parse
from tests.features.helpers import cursor

KIOSK = (Path(__file__).parents[1] / "builds" / "projects" / "kiosk").resolve()
DOCKERFILE = KIOSK / "Dockerfile"
CAPS = ClientCaps()
DEFAULT = LintConfig()


def _dockerfile() -> bf.Dockerfile:
    p = parse(DOCKERFILE.read_text())
    return bf.Dockerfile(DOCKERFILE.as_uri(), p, build_model(p), str(DOCKERFILE))


def doc(name: str, text: str | None = None) -> bf.BuildDoc:
    """The project's file ``name`` as an open buffer holding ``text`` (default: the file)."""
    path = KIOSK / name
    body = path.read_text() if text is None else text

    def read(p: Path) -> str:
        return body if p == path else p.read_text()

    if bf.is_bake_file(name):
        builds, problems = read_bake(KIOSK, env={}, extra=[str(path)], read=read)
    else:
        builds, problems = read_compose(KIOSK, extra=[str(path)], env={}, read=read)
    recent = builds
    if not builds:  # the buffer doesn't parse: the file's builds are the recent ones
        return replace(doc(name), text=body, builds=(), reader_problems=tuple(problems))
    wanted = {
        b.dockerfile: _dockerfile() if b.dockerfile == str(DOCKERFILE) else None for b in builds
    }
    return bf.BuildDoc(str(path), body, tuple(builds), tuple(problems), wanted, tuple(recent))


def at(name: str, marked: str) -> tuple[bf.BuildDoc, lsp.Position]:
    text, pos = cursor(marked)
    return doc(name, text), pos


def test_file_names() -> None:
    assert bf.is_compose_file("/w/compose.yaml") and bf.is_compose_file("docker-compose.prod.yml")
    assert bf.is_bake_file("/w/docker-bake.hcl") and bf.is_bake_file("docker-bake.override.json")
    assert not bf.is_build_file("/w/Dockerfile") and not bf.is_build_file("/w/values.yaml")


def test_valid_files_have_only_the_unused_arg() -> None:
    found = bf.problems(doc("compose.yaml"), DEFAULT)
    assert [(p.code, p.severity) for p in found] == [("UnusedBuildArg", "information")]
    assert "LEGACY_FLAG" in found[0].message and found[0].origin is not None
    line = (KIOSK / "compose.yaml").read_text().splitlines()[found[0].origin.line]
    assert line[found[0].origin.col : found[0].origin.end_col] == "LEGACY_FLAG"
    assert bf.problems(doc("docker-bake.hcl"), DEFAULT) == []


@pytest.mark.parametrize(
    ("config", "shown"),
    [
        (LintConfig(ignore=frozenset({"UnusedBuildArg"})), []),
        (LintConfig(severity={"UnusedBuildArg": Severity.OFF}), []),
        (LintConfig(severity={"UnusedBuildArg": Severity.ERROR}), [("UnusedBuildArg", "error")]),
        (LintConfig(severity={"UnusedBuildArg": Severity.STYLE}), [("UnusedBuildArg", "hint")]),
        (LintConfig(ignore=frozenset({"DL3008"})), [("UnusedBuildArg", "information")]),
    ],
)
def test_the_configuration_sets_which_problems_show_and_at_what_level(
    config: LintConfig, shown: list[tuple[str, str]]
) -> None:
    """As for a rule's findings: an ignored code is left out, a level override applies."""
    found = bf.problems(doc("compose.yaml"), config)
    assert [(p.code, p.severity) for p in found] == shown
    body = json.loads(build_file_json("", found, CAPS.encoding))
    levels = {"error": 1, "warning": 2, "information": 3, "hint": 4}
    assert [d["severity"] for d in body] == [levels[s] for _code, s in shown]


def test_target_typo_is_one_fact_for_check_and_diagnostic() -> None:
    text = (KIOSK / "compose.yaml").read_text().replace("target: worker", "target: wroker")
    d = doc("compose.yaml", text)
    worker = next(b for b in d.builds if b.name == "compose:worker")
    assert unknown_target(worker, _dockerfile().model)
    (problem,) = [p for p in bf.problems(d, DEFAULT) if p.code == "UnknownBuildTarget"]
    assert problem in check_build(worker, _dockerfile().model)
    assert "'wroker'" in problem.message and "did you mean 'worker'" in problem.message
    assert problem.origin is not None
    assert text.splitlines()[problem.origin.line][problem.origin.col :] == "wroker"
    assert problem.suggestion == "worker"  # the "did you mean", for its quick fix


def test_bake_target_typo_and_missing_dockerfile() -> None:
    text = (KIOSK / "docker-bake.hcl").read_text()
    text = text.replace('target = "worker"', 'target = "workr"').replace(
        'dockerfile = "Dockerfile"', 'dockerfile = "Dockerfile.gone"'
    )
    d = doc("docker-bake.hcl", text)
    codes = sorted(p.code for p in bf.problems(d, DEFAULT))
    assert codes == ["MissingDockerfile", "MissingDockerfile"]  # both targets use it
    d = doc("docker-bake.hcl", text.replace("Dockerfile.gone", "Dockerfile"))
    (problem,) = bf.problems(d, DEFAULT)
    assert problem.code == "UnknownBuildTarget" and "bake:nightly" in problem.message


def test_definition_from_target_and_arg_key() -> None:
    d, pos = at(
        "compose.yaml",
        (KIOSK / "compose.yaml").read_text().replace("target: worker", "target: wor$0ker"),
    )
    (loc,) = bf.definition(d, pos, CAPS) or []
    assert loc.uri == DOCKERFILE.as_uri() and loc.range.start == lsp.Position(8, 13)
    d, pos = at(
        "compose.yaml",
        (KIOSK / "compose.yaml").read_text().replace("APP_VERSION:", "APP_VER$0SION:"),
    )
    (loc,) = bf.definition(d, pos, CAPS) or []
    assert loc.range.start == lsp.Position(2, 4)  # the stage ARG
    d, pos = at(
        "docker-bake.hcl",
        (KIOSK / "docker-bake.hcl")
        .read_text()
        .replace('BASE = "python:3.13', 'BA$0SE = "python:3.13'),
    )
    (loc,) = bf.definition(d, pos, CAPS) or []
    assert loc.range.start == lsp.Position(0, 4)  # the global ARG


def test_definition_and_hover_of_a_dockerfile_value() -> None:
    """From ``dockerfile:`` (and Bake's ``dockerfile =``) to the file; its hover lists the
    stages and the one the build builds."""
    compose = (KIOSK / "compose.yaml").read_text()
    d, pos = at(
        "compose.yaml", compose.replace("dockerfile: Dockerfile", "dockerfile: Docker$0file")
    )
    (loc,) = bf.definition(d, pos, CAPS) or []
    assert loc.uri == DOCKERFILE.as_uri() and loc.range.start == lsp.Position(0, 0)
    h = bf.hover(d, pos, CAPS)
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    assert h.contents.value == (
        f"**Dockerfile** [Dockerfile]({DOCKERFILE.as_uri()}#L1)\n\n"
        "Stages: `base`, `prod`, `worker`, `debug`\n\n"
        "compose:worker builds `worker`"
    )
    line = compose.splitlines()[h.range.start.line] if h.range else ""
    assert h.range is not None and line[h.range.start.character : h.range.end.character] == (
        "Dockerfile"
    )
    bake = (KIOSK / "docker-bake.hcl").read_text()
    d, pos = at(
        "docker-bake.hcl", bake.replace('dockerfile = "Dockerfile"', 'dockerfile = "Do$0ckerfile"')
    )
    h = bf.hover(d, pos, ClientCaps(markdown=False))
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    # nightly inherits app's dockerfile: the value is both targets'
    assert h.contents.value.splitlines()[-2:] == [
        "bake:app builds prod",
        "bake:nightly builds worker",
    ]
    # a Dockerfile that can't be read: nothing to go to
    gone = compose.replace("dockerfile: Dockerfile", "dockerfile: Dockerfile.go$0ne")
    d, pos = at("compose.yaml", gone)
    assert bf.definition(d, pos, CAPS) is None and bf.hover(d, pos, CAPS) is None


def test_completion_of_stages_and_args() -> None:
    text = (KIOSK / "compose.yaml").read_text().replace("target: worker", "target: w$0")
    d, pos = at("compose.yaml", text)
    got = bf.completion(d, pos, CAPS)
    assert got is not None and [i.label for i in got.items] == ["base", "prod", "worker", "debug"]
    edit = got.items[0].text_edit
    assert isinstance(edit, lsp.TextEdit) and edit.range.start.character == pos.character - 1
    text = (
        (KIOSK / "compose.yaml").read_text().replace("        - LEGACY_FLAG=1\n", "        - A$0\n")
    )
    d, pos = at("compose.yaml", text)
    got = bf.completion(d, pos, CAPS)
    assert got is not None and [i.label for i in got.items] == ["BASE", "APP_VERSION"]
    text = (KIOSK / "docker-bake.hcl").read_text().replace('target = "prod"', 'target = "$0"')
    d, pos = at("docker-bake.hcl", text)
    got = bf.completion(d, pos, CAPS)
    assert got is not None and "debug" in [i.label for i in got.items]
    text = (
        (KIOSK / "docker-bake.hcl")
        .read_text()
        .replace('    BASE = "python:3.12-slim"\n', "    AP$0\n")
    )
    d, pos = at("docker-bake.hcl", text)
    got = bf.completion(d, pos, CAPS)
    assert got is not None and [i.label for i in got.items] == ["BASE", "APP_VERSION"]
    # nowhere near target or args: nothing
    d, pos = at(
        "compose.yaml",
        (KIOSK / "compose.yaml").read_text().replace("image: redis:7", "image: re$0dis:7"),
    )
    assert bf.completion(d, pos, CAPS) is None


def test_completion_of_a_dockerfile_value_lists_the_context() -> None:
    """After ``dockerfile``: the build context's files named like Dockerfiles, and its
    folders to go into, each replacing what was typed after the last ``/``."""
    listed: list[tuple[str, str]] = []
    tree = {
        "": [("Dockerfile", False), ("compose.yaml", False), ("docker", True), ("app.py", False)],
        "docker": [("prod.Dockerfile", False), ("notes.md", False), ("ci", True)],
    }

    def lister(root: str) -> Callable[[str], list[tuple[str, bool]]]:
        def list_dir(rel: str) -> list[tuple[str, bool]]:
            listed.append((root, rel))
            return tree.get(rel, [])

        return list_dir

    compose = (KIOSK / "compose.yaml").read_text()
    d, pos = at("compose.yaml", compose.replace("dockerfile: Dockerfile", "dockerfile: Do$0"))
    got = bf.completion(d, pos, CAPS, lister)
    assert got is not None
    assert [(i.label, i.kind) for i in got.items] == [
        ("Dockerfile", lsp.CompletionItemKind.File),
        ("docker/", lsp.CompletionItemKind.Folder),
    ]
    assert sorted(got.items, key=lambda i: i.sort_text or "")[0].label == "Dockerfile"
    edit = got.items[0].text_edit
    assert isinstance(edit, lsp.TextEdit) and edit.range.start.character == pos.character - 2
    assert listed == [(str(KIOSK), "")]  # the worker's context: the Compose file's folder
    d, pos = at("compose.yaml", compose.replace("dockerfile: Dockerfile", "dockerfile: docker/p$0"))
    got = bf.completion(d, pos, CAPS, lister)
    assert got is not None and [i.label for i in got.items] == ["ci/", "prod.Dockerfile"]
    edit = got.items[1].text_edit
    assert isinstance(edit, lsp.TextEdit) and edit.range.start.character == pos.character - 1
    bake = (KIOSK / "docker-bake.hcl").read_text()
    d, pos = at("docker-bake.hcl", bake.replace('dockerfile = "Dockerfile"', 'dockerfile = "$0"'))
    got = bf.completion(d, pos, CAPS, lister)
    assert got is not None and [i.label for i in got.items] == ["Dockerfile", "docker/"]
    # `dockerfile_inline` holds a Dockerfile's text, not a path
    d, pos = at("compose.yaml", compose.replace("dockerfile: Dockerfile", "dockerfile_inline: $0"))
    assert bf.completion(d, pos, CAPS, lister) is None


def test_references_of_a_stage_include_compose_and_bake_sites() -> None:
    builds = doc("compose.yaml").builds + doc("docker-bake.hcl").builds
    df = _dockerfile()

    def text_of(path: str) -> str:
        return Path(path).read_text()

    worker = lsp.Position(8, 16)  # FROM base AS wor|ker
    found = bf.dockerfile_references(df, worker, builds, text_of, CAPS)
    sites = sorted((Path(loc.uri).name, loc.range.start.line) for loc in found)
    assert sites == [("compose.yaml", 14), ("docker-bake.hcl", 14)]
    base = lsp.Position(1, 8)  # FROM ${BA|SE}
    found = bf.dockerfile_references(df, base, builds, text_of, CAPS)
    assert len({loc.uri for loc in found}) == 2 and len(found) == 4


def test_document_link_to_the_dockerfile() -> None:
    d = doc("compose.yaml")
    (link,) = bf.document_links(d, CAPS, lambda p: p.is_file())
    assert link.target == DOCKERFILE.as_uri() and link.range.start == lsp.Position(13, 18)
    assert bf.document_links(d, CAPS, lambda p: False) == []


def _renamed(text: str, edits: list[lsp.TextEdit]) -> str:
    """``text`` with ``edits`` (single-line, UTF-16 = code points here) applied."""
    lines = text.splitlines(keepends=True)
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        ln = lines[e.range.start.line]
        lines[e.range.start.line] = (
            ln[: e.range.start.character] + e.new_text + ln[e.range.end.character :]
        )
    return "".join(lines)


def _rename_everywhere(
    pos: lsp.Position, new_name: str, texts: dict[str, str]
) -> dict[str, list[lsp.TextEdit]]:
    builds = doc("compose.yaml", texts.get("compose.yaml")).builds + (
        doc("docker-bake.hcl", texts.get("docker-bake.hcl")).builds
    )
    df = _dockerfile()

    def text_of(path: str) -> str:
        return texts.get(Path(path).name) or Path(path).read_text()

    return bf.dockerfile_rename(df, pos, new_name, builds, text_of, CAPS)


def test_renaming_a_stage_or_arg_renames_its_compose_and_bake_sites() -> None:
    """The builds keep their stage and arguments: reading the renamed files again gives the
    same builds, with the new names."""
    texts = {n: (KIOSK / n).read_text() for n in ("compose.yaml", "docker-bake.hcl")}
    edits = _rename_everywhere(lsp.Position(8, 16), "jobs", texts)  # FROM base AS wor|ker
    assert sorted(Path(u).name for u in edits) == ["compose.yaml", "docker-bake.hcl"]
    after = {Path(u).name: _renamed(texts[Path(u).name], e) for u, e in edits.items()}
    targets = {b.name: b.target for n in after for b in doc(n, after[n]).builds}
    assert targets == {
        "compose:web": "prod",
        "compose:worker": "jobs",
        "bake:app": "prod",
        "bake:nightly": "jobs",
    }
    edits = _rename_everywhere(lsp.Position(1, 8), "BASE_IMAGE", texts)  # FROM ${BA|SE}
    after = {Path(u).name: _renamed(texts[Path(u).name], e) for u, e in edits.items()}
    for name, text in after.items():
        for build in doc(name, text).builds:
            assert "BASE" not in build.args and build.args["BASE_IMAGE"].startswith("python:")
    worker = doc("compose.yaml", after["compose.yaml"]).builds[1]
    assert worker.args == {"BASE_IMAGE": "python:latest", "LEGACY_FLAG": "1"}  # list form


def test_a_site_that_does_not_spell_the_name_refuses_the_rename() -> None:
    texts = {
        "compose.yaml": (KIOSK / "compose.yaml")
        .read_text()
        .replace("target: worker", "target: ${WORKER_STAGE:-worker}")
    }
    with pytest.raises(RenameError, match=r"compose.yaml:15 gives it as `\$\{WORKER_STAGE"):
        _rename_everywhere(lsp.Position(8, 16), "jobs", texts)
    # a bare YAML value that would read as a boolean
    with pytest.raises(RenameError, match="YAML would read a bare `yes`"):
        _rename_everywhere(lsp.Position(8, 16), "yes", {})


def test_rename_from_a_compose_target_or_a_bake_args_key() -> None:
    compose, pos = at(
        "compose.yaml",
        (KIOSK / "compose.yaml").read_text().replace("target: worker", "target: wor$0ker"),
    )
    prep = bf.prepare_rename(compose, pos, CAPS)
    assert prep is not None and prep.placeholder == "worker" and prep.range.start.line == 14
    bake = doc("docker-bake.hcl")
    everything = compose.builds + bake.builds

    def text_of(path: str) -> str:
        return compose.text if path == compose.path else Path(path).read_text()

    edit = bf.rename(compose, pos, "jobs", lambda _df: everything, text_of, CAPS)
    assert edit is not None and edit.changes is not None
    sites = sorted(
        (Path(u).name, e.range.start.line, e.new_text) for u, es in edit.changes.items() for e in es
    )
    assert sites == [
        ("Dockerfile", 8, "jobs"),
        ("compose.yaml", 14, "jobs"),
        ("docker-bake.hcl", 14, "jobs"),
    ]
    # an args key the Dockerfile declares: every ARG site and every build passing it
    bake_text = (KIOSK / "docker-bake.hcl").read_text()
    bake, pos = at(
        "docker-bake.hcl", bake_text.replace('    BASE = "python:3.12', '    BA$0SE = "python:3.12')
    )
    edit = bf.rename(bake, pos, "BASE_IMAGE", lambda _df: everything, text_of, CAPS)
    assert edit is not None and edit.changes is not None
    counts = {Path(u).name: len(es) for u, es in edit.changes.items()}
    assert counts == {"Dockerfile": 2, "compose.yaml": 2, "docker-bake.hcl": 2}
    # a key the Dockerfile doesn't declare (LEGACY_FLAG) can't be renamed from here
    compose, pos = at(
        "compose.yaml",
        (KIOSK / "compose.yaml").read_text().replace("- LEGACY_FLAG", "- LEGACY$0_FLAG"),
    )
    assert bf.prepare_rename(compose, pos, CAPS) is None
    assert bf.rename(compose, pos, "X", lambda _df: everything, text_of, CAPS) is None


def _diagnostics(name: str, text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(
        build_file_json(text, bf.problems(doc(name, text), DEFAULT), CAPS.encoding)
    )
    return found


def _fixed(text: str, diagnostic: dict[str, Any]) -> str:
    """``text`` with the diagnostic's fix applied (one edit on one line)."""
    (edit,) = diagnostic["data"]["fix"]["edits"]
    start, end = edit["range"]["start"], edit["range"]["end"]
    lines = text.splitlines(keepends=True)
    line = lines[start["line"]]
    lines[start["line"]] = line[: start["character"]] + edit["newText"] + line[end["character"] :]
    return "".join(lines)


def test_a_misspelt_target_or_args_key_comes_with_its_fix() -> None:
    """The "did you mean" of a target naming no stage and of an args key no ARG takes is the
    diagnostic's fix (unsafe: the build changes), written inside the quotes."""
    compose = (KIOSK / "compose.yaml").read_text()
    text = compose.replace("target: worker", "target: wroker").replace(
        "APP_VERSION:", "APP_VERISON:"
    )
    found = _diagnostics("compose.yaml", text)
    (typo,) = [d for d in found if d["code"] == "UnknownBuildTarget"]
    (arg,) = [d for d in found if "APP_VERISON" in d["message"]]
    assert "did you mean 'APP_VERSION'" in arg["message"]
    for d in (typo, arg):
        assert d["data"]["fix"]["applicability"] == "unsafe"
    assert typo["data"]["fix"]["title"] == "Change to `worker`"
    assert _fixed(_fixed(text, typo), arg) == compose
    # nothing close to LEGACY_FLAG: no suggestion, no fix
    (legacy,) = [d for d in _diagnostics("compose.yaml", compose) if d["code"] == "UnusedBuildArg"]
    assert "did you mean" not in legacy["message"] and "data" not in legacy
    bake = (KIOSK / "docker-bake.hcl").read_text()
    misspelt = bake.replace('target = "worker"', 'target = "workr"')
    (typo,) = _diagnostics("docker-bake.hcl", misspelt)
    assert _fixed(misspelt, typo) == bake  # inside the quotes
    # a target an expression makes: the message suggests, the text is not rewritten
    built = 'variable "T" {\n  default = "workr"\n}\n' + bake.replace(
        'target = "worker"', 'target = "${T}"'
    )
    (typo,) = _diagnostics("docker-bake.hcl", built)
    assert "did you mean 'worker'" in typo["message"] and "data" not in typo


def _with_contexts(entries: str) -> str:
    """The kiosk Compose file with ``entries`` as the web service's additional_contexts."""
    return (
        (KIOSK / "compose.yaml")
        .read_text()
        .replace(
            "      target: prod\n", f"      target: prod\n      additional_contexts:\n{entries}"
        )
    )


def test_a_named_context_nothing_reads_is_a_diagnostic_on_its_key() -> None:
    text = _with_contexts("        vendor: ./vendor\n")
    (found,) = [d for d in _diagnostics("compose.yaml", text) if d["code"] == "UnusedBuildContext"]
    assert found["severity"] == 3 and "named context 'vendor'" in found["message"]
    line = text.splitlines()[found["range"]["start"]["line"]]
    start, end = found["range"]["start"]["character"], found["range"]["end"]["character"]
    assert line[start:end] == "vendor"


def test_definition_of_what_a_named_context_stands_in_for_is_its_key() -> None:
    compose = "services:\n  app:\n    build:\n      additional_contexts:\n        deps: ./d\n        base: docker-image://alpine:3.20\n"
    path = "/w/compose.yaml"
    origins = {"deps": Origin(path, 4, 8, 4, 12), "base": Origin(path, 5, 8, 5, 12)}
    contexts = {"deps": "./d", "base": "docker-image://alpine:3.20"}
    build = Build("compose:app", "/w/Dockerfile", "/w", contexts=contexts, context_origins=origins)
    text, pos = cursor("FROM ba$0se AS app\nCOPY --from=deps /x /x\nRUN --mount=from=deps ls\n")
    p = parse(text)
    model = Linter().lint(p, None, Facts(builds=(build,))).model

    def text_of(name: str) -> str | None:
        return compose if name == path else None

    def at(position: lsp.Position) -> list[tuple[int, int, int]]:
        found = bf.context_definition(p, model, position, CAPS, text_of) or []
        assert all(loc.uri == "file:///w/compose.yaml" for loc in found)
        return [
            (r.start.line, r.start.character, r.end.character) for r in (x.range for x in found)
        ]

    assert at(pos) == [(5, 8, 12)]  # FROM base: the base key
    assert at(lsp.Position(1, 13)) == at(lsp.Position(2, 18)) == [(4, 8, 12)]  # deps
    assert at(lsp.Position(1, 1)) == []  # the COPY keyword: nothing


def test_hover_on_a_named_context_key_shows_its_value_and_what_reads_it() -> None:
    text = _with_contexts(
        "        python:3.12-slim: docker-image://python:3.12.8-slim\n        vendor: ./v\n"
    )
    compose = doc("compose.yaml", text)
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if "python:3.12-slim:" in line)
    h = bf.hover(compose, lsp.Position(row, 10), CAPS)
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    # FROM ${BASE} with BASE=python:3.12-slim in compose:web: the context stands in for it
    assert h.contents.value.startswith("**Named build context** `python:3.12-slim`")
    assert "This build (compose:web) gives `docker-image://python:3.12.8-slim`" in h.contents.value
    assert "Read on [line 2]" in h.contents.value and "`FROM ${BASE} AS base`" in h.contents.value
    assert lines[h.range.start.line][h.range.start.character : h.range.end.character] == (
        "python:3.12-slim"
    )
    h = bf.hover(compose, lsp.Position(row + 1, 10), CAPS)
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    assert "Nothing in the Dockerfile reads it" in h.contents.value


def test_completion_of_named_context_keys_offers_what_the_dockerfile_reads() -> None:
    # compose:web builds FROM ${BASE} with BASE=python:3.12-slim: that image is offered,
    # never a stage (FROM base) nor the ARGs
    d, pos = at("compose.yaml", _with_contexts("        py$0\n"))
    got = bf.completion(d, pos, CAPS)
    assert got is not None and [i.label for i in got.items] == ["python:3.12-slim"]
    edit = got.items[0].text_edit
    assert isinstance(edit, lsp.TextEdit) and edit.range.start.character == pos.character - 2
    bake = (KIOSK / "docker-bake.hcl").read_text()
    assert 'target = "prod"' in bake
    text = bake.replace('target = "prod"', 'target = "prod"\n  contexts = {\n    $0\n  }', 1)
    d, pos = at("docker-bake.hcl", text)
    got = bf.completion(d, pos, CAPS)
    assert got is not None and [i.label for i in got.items] == ["python:3.12-slim"]

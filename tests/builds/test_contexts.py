"""Each build's context and ignore file: a Compose service building `docker/api.Dockerfile`
with `./app` as its context gets `docker/api.Dockerfile.dockerignore` (BuildKit's choice for
a Dockerfile with a custom name), in the server's document store, the CLI and completion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockerls.builds.workspace import WorkspaceBuilds
from dockerls.cli import main
from dockerls.context import contexts_lister
from dockerls.documents import DocumentStore

COMPOSE = """\
services:
  api:
    build:
      context: ./app
      dockerfile: ../docker/api.Dockerfile
  web:
    build:
      context: ./web
      dockerfile: ../docker/api.Dockerfile
"""
DOCKERFILE = "FROM scratch\nCOPY notes.txt main.py /srv/\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for folder in ("app", "web", "docker"):
        (root / folder).mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "app" / "notes.txt").write_text("x")
    (root / "app" / "main.py").write_text("x")
    (root / "web" / "notes.txt").write_text("x")
    (root / "docker" / "api.Dockerfile").write_text(DOCKERFILE)
    # the Dockerfile's own ignore file wins over each context's .dockerignore
    (root / "docker" / "api.Dockerfile.dockerignore").write_text("*.txt\n")
    (root / "app" / ".dockerignore").write_text("*.py\n")
    return root.resolve()


def _findings(store: DocumentStore, dockerfile: Path) -> dict[str, list[str]]:
    snap = store.open(dockerfile.as_uri(), dockerfile.read_text(), 1)
    out: dict[str, list[str]] = {}
    for _i, v in snap.lint().all():
        out.setdefault(v.code, []).append(v.message)
    return out


def test_store_judges_copies_in_each_builds_context(project: Path) -> None:
    store = DocumentStore()
    store.builds = WorkspaceBuilds([project])
    dockerfile = project / "docker" / "api.Dockerfile"
    found = _findings(store, dockerfile)
    assert found["CopyIgnoredFile"] == [
        "`notes.txt` is excluded by `.dockerignore`, so `COPY` cannot read it "
        "(context of compose:api, compose:web)"
    ]
    # main.py is in app/ (not ignored: the Dockerfile's ignore file wins), not in web/
    assert found["DLS120"] == [
        "`main.py` matches nothing in the build context (context of compose:web)"
    ]


def test_cli_uses_the_builds_contexts(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    main(["check", "--format", "json", "--no-fail", "--no-shellcheck", "docker/api.Dockerfile"])
    codes = sorted(p["code"] for p in json.loads(capsys.readouterr().out))
    assert codes == ["CopyIgnoredFile", "DLS120"]
    # --context names the build asked for: app/ holds both files, *.txt is ignored
    main(["check", "--format", "json", "--no-fail", "--context", "app", "docker/api.Dockerfile"])
    found = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["message"]) for p in found] == [
        (
            "CopyIgnoredFile",
            "`notes.txt` is excluded by `.dockerignore`, so `COPY` cannot read it (context of cli)",
        )
    ]


def test_path_completion_lists_every_builds_context(project: Path) -> None:
    dockerfile = project / "docker" / "api.Dockerfile"
    lister = contexts_lister([project / "app", project / "web"], dockerfile)
    assert sorted(lister("")) == [(".dockerignore", False), ("main.py", False)]  # no *.txt
    (project / "web" / "static").mkdir()
    assert ("static", True) in lister("") and ("notes.txt", False) not in lister("")

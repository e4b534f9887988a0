"""WorkspaceBuilds: the scan (bounded), which builds use a Dockerfile, re-reading a changed
file, and the builds given by the settings or the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dockerls.analysis import forked
from dockerls.analysis.facts import Facts
from dockerls.builds.workspace import ScanLimits, WorkspaceBuilds, affects_builds, direct_build
from dockerls.context import ContextLoader, contexts_lister
from dockerls.documents import DocumentStore
from dockerls.settings import BuildSettings

PROJECTS = Path(__file__).parent / "projects"


def _copy(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(PROJECTS / name, tmp_path / "ws" / name))


def _names(builds: object) -> list[str]:
    return [b.name for b in builds]  # type: ignore[attr-defined]


def test_builds_for_each_dockerfile_of_the_workspace() -> None:
    ws = WorkspaceBuilds([PROJECTS])
    shop = ws.builds_for(PROJECTS / "shop" / "docker" / "Dockerfile")
    assert _names(shop) == ["compose:web", "compose:worker"]
    assert shop[1].args["BASE"] == "python:latest" and shop[1].target == "worker"
    bakery = ws.builds_for(PROJECTS / "bakery" / "Dockerfile")
    assert _names(bakery) == ["bake:app", "bake:release", "bake:computed"]
    assert ws.builds_for(PROJECTS / "shop" / "cache" / "Dockerfile") != ()  # compose:cache
    assert ws.builds_for(PROJECTS / "nowhere" / "Dockerfile") == ()
    assert {p.name for p in ws.build_files()} == {
        "compose.yaml",
        "compose.override.yaml",
        "docker-bake.hcl",
        "docker-bake.override.json",
    }


def test_scan_limits_bound_the_search(tmp_path: Path) -> None:
    _copy(tmp_path, "shop")
    dockerfile = tmp_path / "ws" / "shop" / "docker" / "Dockerfile"
    assert _names(WorkspaceBuilds([tmp_path / "ws"]).builds_for(dockerfile)) == [
        "compose:web",
        "compose:worker",
    ]
    shallow = WorkspaceBuilds([tmp_path / "ws"], limits=ScanLimits(max_depth=0))
    assert shallow.builds_for(dockerfile) == ()
    few = WorkspaceBuilds([tmp_path / "ws"], limits=ScanLimits(max_files=1))
    assert few.builds_for(dockerfile) == () and few.truncated
    off = WorkspaceBuilds([tmp_path / "ws"], limits=ScanLimits(enabled=False))
    assert off.builds_for(dockerfile) == ()


def test_reload_and_forget_say_which_dockerfiles_changed(tmp_path: Path) -> None:
    project = _copy(tmp_path, "shop")
    dockerfile = (project / "docker" / "Dockerfile").resolve()
    ws = WorkspaceBuilds([tmp_path / "ws"])
    assert ws.builds_for(dockerfile)[0].target == "dev"
    override = project / "compose.override.yaml"
    override.write_text(override.read_text().replace("target: dev", "target: prod"))
    assert affects_builds(override)
    assert dockerfile in ws.reload(override)
    assert ws.builds_for(dockerfile)[0].target == "prod"
    (project / ".env").write_text("PY_VERSION=3.13\n")
    ws.reload(project / ".env")
    assert ws.builds_for(dockerfile)[0].args["BASE"] == "python:3.13-slim"
    override.unlink()
    (project / "compose.yaml").unlink()
    assert dockerfile in ws.forget(project / "compose.yaml")
    assert ws.builds_for(dockerfile) == ()
    assert ws.build_files() == []


def test_settings_and_cli_builds_apply_to_every_dockerfile(tmp_path: Path) -> None:
    assert direct_build("cli", {}, None, None, None) is None
    cli = direct_build("cli", {"BASE": "python:latest"}, "prod", "linux/arm64", "ctx", tmp_path)
    assert cli is not None and cli.dockerfile is None
    assert cli.context == str((tmp_path / "ctx").resolve()) and cli.platforms == ("linux/arm64",)
    s = BuildSettings(args={"BASE": "alpine:3.20"}, target="prod", compose_files=("extra.yml",))
    (tmp_path / "extra.yml").write_text(
        "services:\n  api:\n    build:\n      context: .\n      args: {BASE: debian:12}\n"
    )
    ws = WorkspaceBuilds.from_settings(s, [tmp_path])
    builds = ws.builds_for(tmp_path / "Dockerfile")
    assert _names(builds) == ["compose:api", "settings"]
    assert builds[0].args == {"BASE": "debian:12"}
    assert builds[1].args == {"BASE": "alpine:3.20"} and builds[1].target == "prod"
    assert ws.builds_for(tmp_path / "other" / "Dockerfile")[0].name == "settings"


def test_document_store_gives_builds_as_facts(tmp_path: Path) -> None:
    project = _copy(tmp_path, "bakery")
    store = DocumentStore()
    store.builds = WorkspaceBuilds([tmp_path / "ws"])
    uri = (project / "Dockerfile").as_uri()
    snap = store.open(uri, (project / "Dockerfile").read_text(), 1)
    assert isinstance(snap.facts, Facts)
    assert _names(snap.facts.builds) == ["bake:app", "bake:release", "bake:computed"]
    hcl = project / "docker-bake.hcl"
    hcl.write_text(hcl.read_text().replace('target "computed"', 'target "other"'))
    changed = store.builds.reload(hcl)
    assert store.refresh_builds(changed) == [uri]
    new = store.get(uri)
    assert new is not None and "bake:other" in _names(new.facts.builds)
    assert new.lint().model.facts.builds == new.facts.builds


def _scanned(ws: WorkspaceBuilds) -> tuple[object, ...]:
    """What a scan found: every build, every problem, whether it stopped at a limit."""
    return (ws.all_builds(), ws.problems, ws.truncated)


@pytest.fixture(autouse=True)
def _two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefetch forks whatever the CPUs of the machine running the tests (Linux)."""
    monkeypatch.setattr(forked, "available", lambda: True)


def test_a_prefetched_scan_is_the_scan(tmp_path: Path) -> None:
    """The scan prefetched on the second CPU (the server's, right after initialize)
    finds what a scan here finds, with the limits' verdict."""
    ahead = WorkspaceBuilds([PROJECTS])
    ahead.prefetch()
    assert ahead._pending is not None
    assert _scanned(ahead) == _scanned(WorkspaceBuilds([PROJECTS]))
    assert _names(ahead.builds_for(PROJECTS / "bakery" / "Dockerfile")) == [
        "bake:app",
        "bake:release",
        "bake:computed",
    ]
    _copy(tmp_path, "shop")
    few = WorkspaceBuilds([tmp_path / "ws"], limits=ScanLimits(max_files=1))
    few.prefetch()
    assert few.all_builds() == [] and few.truncated


def test_a_failed_prefetch_scans_here(monkeypatch: pytest.MonkeyPatch) -> None:
    ws = WorkspaceBuilds([PROJECTS])

    def broken() -> object:
        raise RuntimeError("the child breaks")

    monkeypatch.setattr(ws, "_read_all", broken)
    ws.prefetch()  # the child runs the broken reading
    monkeypatch.undo()
    assert ws._pending is not None
    assert _scanned(ws) == _scanned(WorkspaceBuilds([PROJECTS]))


def test_nothing_to_read_forks_nothing(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    for ws in (
        WorkspaceBuilds([]),
        WorkspaceBuilds([PROJECTS], limits=ScanLimits(enabled=False)),
        WorkspaceBuilds([tmp_path]),  # no Compose or Bake file
    ):
        ws.prefetch()
        assert ws._pending is None
        assert ws.all_builds() == []


PREFETCHED = """
import sys
from pathlib import Path
from dockerls.analysis import forked
from dockerls.builds.workspace import WorkspaceBuilds
projects = Path(sys.argv[1])
ws = WorkspaceBuilds([projects])
forked.available = lambda: True  # whatever the CPUs here
ws.prefetch()
assert ws._pending is not None
names = [b.name for b in ws.builds_for(projects / "shop" / "docker" / "Dockerfile")]
assert names == ["compose:web", "compose:worker"], names
loaded = [m for m in ("yaml", "hcl2", "dockerls.builds.compose", "dockerls.builds.bake") if m in sys.modules]
print(",".join(loaded) or "none")
"""


def test_a_prefetched_scan_reads_the_files_in_the_child() -> None:
    """The readers (PyYAML, python-hcl2: a tenth of a second to load) load in the child:
    the process that asked has the builds without loading them."""
    out = subprocess.run(
        [sys.executable, "-c", PREFETCHED, str(PROJECTS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "none"


def test_a_direct_build_context_no_folder_can_have_is_left_out(tmp_path: Path) -> None:
    """A settings context with a NUL character, or going round a symlink loop, names no
    folder: the build keeps its other inputs, the context falls back (context.path, the
    Dockerfile's folder), and nothing that lists or loads contexts raises."""
    (tmp_path / "loop").symlink_to("loop")
    for given in ("a\0b", "loop"):
        build = direct_build("settings", {"A": "1"}, None, None, given, tmp_path)
        assert build is not None and build.context is None and build.args == {"A": "1"}
    assert contexts_lister([tmp_path / "a\0b"], tmp_path / "Dockerfile")("") == []
    assert ContextLoader().get(str(tmp_path / "a\0b"), tmp_path / "Dockerfile") is not None

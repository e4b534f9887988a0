"""The IO side of the build context: ignore-file discovery, listing, cache."""

from __future__ import annotations

import os
from pathlib import Path

from dockerls.analysis.dockerignore import IgnoreMatcher
from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts
from dockerls.context import (
    ContextLoader,
    find_ignore_file,
    list_context,
    load_context,
)
from dockerls.syntax.parser import parse


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(content)


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".dockerignore": "a\n",
            "docker/app.Dockerfile": "FROM x\n",
            "docker/app.Dockerfile.dockerignore": "b\n",
        },
    )
    df = tmp_path / "docker/app.Dockerfile"
    assert find_ignore_file(tmp_path, df) == tmp_path / "docker/app.Dockerfile.dockerignore"
    assert find_ignore_file(tmp_path, tmp_path / "Dockerfile") == tmp_path / ".dockerignore"
    info = load_context(tmp_path, df)
    assert info.is_ignored("b") and not info.is_ignored("a")


def test_no_ignore_file(tmp_path: Path) -> None:
    _tree(tmp_path, {"src/a.py": ""})
    info = load_context(tmp_path)
    assert info.ignore is None and info.ignore_file is None
    assert info.entries is not None and {"src", "src/a.py"} <= info.entries


def test_listing_prunes_ignored_dirs_and_respects_cap(tmp_path: Path) -> None:
    _tree(tmp_path, {"node_modules/x/y.js": "", "src/a.py": "", "src/b.py": "", "c.txt": ""})
    entries, complete = list_context(tmp_path, IgnoreMatcher.from_text("node_modules\n"))
    assert complete
    assert not any(e.startswith("node_modules") for e in entries)
    # with an exception pattern nothing can be pruned
    entries, _ = list_context(tmp_path, IgnoreMatcher.from_text("node_modules\n!node_modules/x\n"))
    assert "node_modules/x/y.js" in entries
    _entries, complete = list_context(tmp_path, None, max_entries=2)
    assert not complete


def test_loader_caches_and_notices_ignore_changes(tmp_path: Path) -> None:
    _tree(tmp_path, {".dockerignore": "a\n"})
    loader = ContextLoader(ttl=60)
    first = loader.get(tmp_path)
    assert loader.get(tmp_path) is first
    ign = tmp_path / ".dockerignore"
    ign.write_text("b\n")
    st = ign.stat()
    os.utime(ign, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    second = loader.get(tmp_path)
    assert second is not first and second.is_ignored("b")


def test_rules_read_the_snapshot(tmp_path: Path) -> None:
    _tree(tmp_path, {".dockerignore": "secret.txt\n", "app.py": "", "secret.txt": ""})
    info = load_context(tmp_path)
    src = "FROM alpine:3.20\nCOPY app.py secret.txt missing.py /app/\n"
    result = Linter().lint(parse(src), facts=Facts(context=info))
    codes = sorted(v.code for _i, v in result.all() if v.code in ("CopyIgnoredFile", "DLS120"))
    assert codes == ["CopyIgnoredFile", "DLS120"]
    silent = Linter().lint(parse(src))
    assert not [v for _i, v in silent.all() if v.code in ("CopyIgnoredFile", "DLS120")]


def test_context_lister_lists_inside_the_context_without_ignored_files(tmp_path: Path) -> None:
    from dockerls.context import context_lister

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("x")
    (tmp_path / "notes.log").write_text("x")
    (tmp_path / ".dockerignore").write_text("*.log\n")
    sibling = tmp_path.parent / (tmp_path.name + "-other")
    sibling.mkdir(exist_ok=True)
    list_dir = context_lister(tmp_path, tmp_path / "Dockerfile")
    names = dict(list_dir(""))
    assert names == {"src": True, ".dockerignore": False}
    assert list_dir("src") == [("app.py", False)]
    assert list_dir("..") == []  # never outside the context
    assert list_dir(f"../{sibling.name}") == []  # not even a sibling sharing the prefix
    assert list_dir("missing") == []
    assert list_dir("src\0x") == []  # no path holds a NUL character: nothing, not an error
    (tmp_path / "loop").symlink_to("loop")
    assert list_dir("loop") == []


def test_a_context_path_no_folder_can_have_lists_nothing(tmp_path: Path) -> None:
    assert list_context(str(tmp_path / "a\0b")) == (frozenset(), True)

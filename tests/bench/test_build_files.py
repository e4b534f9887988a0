"""bench/build_files.py: the Compose and Bake files `bench_server.py --build-files` places
beside the big file build it (their targets and args exist there), and go again after."""

from __future__ import annotations

from pathlib import Path

from dockerls.analysis.buildcheck import check_build
from dockerls.analysis.model import build_model
from dockerls.builds.bake import read_bake
from dockerls.builds.compose import read_compose
from dockerls.syntax.parser import parse
from tests.support import bench_module

TEXT = "".join(
    f"FROM debian:12 AS stage{i}\nARG VERSION=1.2.3\nRUN echo $VERSION\n\n" for i in range(5)
)


def test_placed_build_files_build_the_big_file(tmp_path: Path) -> None:
    build_files = bench_module("build_files")
    big = tmp_path / "synthetic.Dockerfile"
    big.write_text(TEXT)
    placed = build_files.place(big, TEXT)
    compose, compose_problems = read_compose(tmp_path, env={})
    bake, bake_problems = read_bake(tmp_path, env={})
    assert compose_problems == [] and bake_problems == []
    builds = compose + bake
    assert len(builds) == 4 and {b.dockerfile for b in builds} == {str(big.resolve())}
    assert {b.target for b in builds} == {"stage4", "stage2"}
    model = build_model(parse(TEXT))
    assert all(check_build(b, model) == [] for b in builds)  # every target and arg exists
    build_files.remove(placed)
    assert not any(p.exists() for p in placed)

"""The syntax and BuildKit groups give no error on Docker Official Images.

These Dockerfiles build every day in the official-images pipeline, so an
error-severity finding from the syntax group or a BuildKit check on them is
a false positive (or must be listed below with the reason).
"""

from __future__ import annotations

import csv

import pytest

from dockerls.analysis.engine import Linter
from dockerls.syntax.parser import parse
from tests.support import CORPUS

# Repositories of Docker Official Images: every docker-library/* repo, plus the
# images whose upstream maintains the official Dockerfiles in its own repo
# (the `GitRepo:` of their docker-library/official-images library file).
OFFICIAL_REPOS = frozenset(
    {
        "31z4/zookeeper-docker",  # zookeeper
        "HaxeFoundation/docker-library-haxe",  # haxe
        "Kong/docker-kong",  # kong
        "MariaDB/mariadb-docker",  # mariadb
        "SonarSource/docker-sonarqube",  # sonarqube
        "adoptium/containers",  # eclipse-temurin
        "apache/flink-docker",  # flink
        "apache/spark-docker",  # spark
        "caddyserver/caddy-docker",  # caddy
        "carlossg/docker-maven",  # maven
        "corretto/corretto-docker",  # amazoncorretto
        "dart-lang/dart-docker",  # dart
        "erlang/docker-erlang-otp",  # erlang
        "haskell/docker-haskell",  # haskell
        "ibmruntimes/semeru-containers",  # ibm-semeru-runtimes
        "keeganwitt/docker-gradle",  # gradle
        "nats-io/nats-docker",  # nats
        "nextcloud/docker",  # nextcloud
        "nginxinc/docker-nginx",  # nginx
        "nodejs/docker-node",  # node
        "rust-lang/docker-rust",  # rust
        "swiftlang/swift-docker",  # swift
        "traefik/traefik-library-image",  # traefik
    }
)

# (file path relative to the corpus, code): why the finding is right or accepted
ALLOWED: dict[tuple[str, str], str] = {}


def _official_files() -> list[tuple[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    out = []
    with manifest.open(newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            repo = row["repo"]
            if repo.startswith("docker-library/") or repo in OFFICIAL_REPOS:
                out.append((row["file"], repo))
    return sorted(out)


FILES = _official_files()


def test_the_list_selects_enough_files() -> None:
    if not (CORPUS / "MANIFEST.tsv").exists():
        pytest.fail("the corpus is missing: ../shared/corpus must sit beside the repository")
    repos = {r for _f, r in FILES}
    assert len(FILES) > 300
    assert "docker-library/python" in repos and "nginxinc/docker-nginx" in repos


@pytest.mark.parametrize(("rel", "repo"), FILES, ids=[f for f, _r in FILES])
def test_no_syntax_or_buildkit_errors(rel: str, repo: str) -> None:
    text = (CORPUS / rel).read_text(errors="replace")
    p = parse(text)
    result = Linter().lint(p)
    bad = []
    for i, v in result.all():
        if v.source_group not in ("syntax", "buildkit") or v.severity.label != "error":
            continue
        if (rel, v.code) in ALLOWED:
            continue
        line = p.text.count("\n", 0, p.starts[i] + v.span.start)
        bad.append(f"{v.code} line {line + 1}: {v.message}")
    assert not bad, bad
    assert not result.rule_errors

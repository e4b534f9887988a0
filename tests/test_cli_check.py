"""`dockerls check`: formats, thresholds, configuration layers, context, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockerls.cli import main
from tests.support import CORPUS_FILES, corpus_files

BAD = "FROM ubuntu\nRUN chmod 777 /x\n"  # DL3006 (warning), DLS108 (warning)
INFO_ONLY = "FROM ubuntu:24.04\nEXPOSE 22 8080\n"  # DLS109 (info)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["check", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for k in list(os.environ):
        if k.startswith("HADOLINT_") or k == "NO_COLOR":
            monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def write(tmp_path: Path, text: str, name: str = "Dockerfile") -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def codes(out: str) -> list[str]:
    return [d["code"] for d in json.loads(out)]


def test_json_output_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path, BAD)
    rc, out, _ = run(capsys, "--format", "json", str(f))
    data = json.loads(out)
    assert rc == 1
    first = next(d for d in data if d["code"] == "DL3006")
    assert (first["line"], first["column"], first["endLine"], first["endColumn"]) == (1, 6, 1, 12)
    assert "DLS108" in codes(out)


def test_thresholds_and_no_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path, INFO_ONLY)
    assert run(capsys, str(f))[0] == 1  # default threshold: info
    assert run(capsys, "-t", "warning", str(f))[0] == 0
    assert run(capsys, "-t", "none", str(f))[0] == 0
    g = write(tmp_path, BAD, "b/Dockerfile")
    assert run(capsys, "-t", "error", str(g))[0] == 0
    assert run(capsys, "-t", "warning", str(g))[0] == 1
    assert run(capsys, "--no-fail", str(g))[0] == 0


def test_ignore_and_trusted_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path, "FROM evil.io/x:1\nRUN chmod 777 /x\n")
    rc, out, _ = run(
        capsys, "-f", "json", "--ignore", "DLS108", "--trusted-registry", "docker.io", str(f)
    )
    assert codes(out) == ["DL3026"]
    rc, out, _ = run(capsys, "-f", "json", "--ignore", "DLS108", str(f))
    assert codes(out) == [] and rc == 0


def test_hadolint_yaml_is_discovered_and_explicit_config_wins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = write(tmp_path, BAD, "proj/Dockerfile")
    (tmp_path / "proj" / ".hadolint.yaml").write_text(
        "ignored: [DL3006]\noverride:\n  error: [DLS108]\nfailure-threshold: error\nformat: json\n"
    )
    rc, out, _ = run(capsys, str(f))
    data = json.loads(out)  # format came from the file
    assert [(d["code"], d["level"]) for d in data] == [("DLS108", "error")]
    assert rc == 1
    other = write(tmp_path, "ignored: [DLS108]\nno-fail: true\n", "elsewhere.yaml")
    rc, out, _ = run(capsys, "-f", "json", "--config", str(other), str(f))
    assert codes(out) == ["DL3006"] and rc == 0


def test_environment_variables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = write(tmp_path, BAD)
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3006")
    monkeypatch.setenv("HADOLINT_FORMAT", "gnu")
    monkeypatch.setenv("HADOLINT_FAILURE_THRESHOLD", "error")
    rc, out, _ = run(capsys, str(f))
    assert rc == 0 and out.startswith("dockerls:") and "DL3006" not in out and "DLS108" in out
    rc, out, _ = run(capsys, "-t", "warning", str(f))  # the CLI beats the environment
    assert rc == 1


def test_build_context_reaches_the_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = write(tmp_path, "FROM alpine:3.24\nCOPY . /app\n", "ctx/Dockerfile")
    _rc, out, _ = run(capsys, "-f", "json", str(f))
    assert "DLS102" in codes(out)
    (tmp_path / "ctx" / ".dockerignore").write_text(".git\n")
    _rc, out, _ = run(capsys, "-f", "json", str(f))
    assert "DLS102" not in codes(out)


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = write(tmp_path, "FROM alpine:3.24\n")
    rc, _out, err = run(capsys, "--no-fail", str(tmp_path / "missing" / "Dockerfile"), str(ok))
    assert rc == 1
    assert "cannot read" in err and "missing" in err


def test_many_files_in_parallel_keep_their_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = []
    for k in range(12):
        write(
            tmp_path,
            f"FROM ubuntu\nEXPOSE {k}\n" if k % 2 else "FROM alpine:3.24\n",
            f"d{k:02}/Dockerfile",
        )
        names.append(str(tmp_path / f"d{k:02}" / "Dockerfile"))
    rc, out, _ = run(capsys, "-f", "json", str(tmp_path))
    files = [d["file"] for d in json.loads(out)]
    assert files == [n for k, n in enumerate(names) if k % 2]
    assert rc == 1


def test_stdin_and_all_formats_via_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
    env["HOME"] = str(tmp_path)
    for fmt in (
        "tty",
        "json",
        "sarif",
        "checkstyle",
        "gnu",
        "junit",
        "codeclimate",
        "gitlab_codeclimate",
        "github",
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "dockerls", "check", "-f", fmt, "-"],
            input=BAD,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert proc.returncode == 1, (fmt, proc.stderr)
        assert "DL3006" in proc.stdout, fmt
        assert "\x1b[" not in proc.stdout  # not a terminal: no colour


def test_rules_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--group", "best-practice"]) == 0
    out = capsys.readouterr().out
    assert "DLS101" in out and "copy-all-before-install" in out and "DL3006" not in out
    assert main(["rules", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["code"] == "DLS108")
    assert row == {
        "code": "DLS108",
        "name": "world-writable-permissions",
        "severity": "warning",
        "group": "best-practice",
        "fixable": True,
    }
    assert main(["rule", "DL3006"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DL3006 (untagged-image)") and "What it does:" in out
    assert main(["rule", "NOPE1"]) == 2


def test_check_runs_over_the_whole_corpus_without_a_crash() -> None:
    """`dockerls check ../shared/corpus/files`: every file is read and linted
    (in parallel), nothing crashes, and problems make the exit code 1."""
    import subprocess
    import sys

    files = corpus_files()
    assert len(files) == 1487
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dockerls",
            "check",
            "--no-shellcheck",
            "-f",
            "json",
            str(CORPUS_FILES),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    problems = json.loads(proc.stdout)
    linted = {p["file"] for p in problems}
    assert len(linted) > 1200  # nearly every real Dockerfile has something to say
    assert all(p["line"] >= 1 and p["column"] >= 1 for p in problems)


# a hadolint code and its BuildKit twin name one problem (issue 16 item 6)
TWINS = [
    ("FROM alpine:3.24\nCMD echo hi\n", "DL3025", "JSONArgsRecommended"),
    ("FROM alpine:3.24\nWORKDIR app\n", "DL3000", "WorkdirRelativePath"),
    ("FROM alpine:3.24\nMAINTAINER me\n", "DL4000", "MaintainerDeprecated"),
]


@pytest.mark.parametrize(("text", "hadolint", "buildkit"), TWINS)
def test_ignoring_either_name_of_a_problem_ignores_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, hadolint: str, buildkit: str
) -> None:
    f = write(tmp_path, text, "p/Dockerfile")
    rc, out, _ = run(capsys, "-f", "json", str(f))
    assert codes(out) == [hadolint] and rc == 1
    for name in (hadolint, buildkit):
        rc, out, _ = run(capsys, "-f", "json", "--ignore", name, str(f))
        assert (codes(out), rc) == ([], 0), name
        (tmp_path / "p" / ".hadolint.yaml").write_text(f"ignored: [{name}]\n")
        rc, out, _ = run(capsys, "-f", "json", str(f))
        assert (codes(out), rc) == ([], 0), name
        (tmp_path / "p" / ".hadolint.yaml").unlink()


def test_a_big_file_checked_on_two_cpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One big file: the check lints it on two CPUs (a forked child takes its later
    stages, as in the server) and reports what a one-process lint reports."""
    from dockerls.analysis import forked

    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in corpus_files()[:60])
    path = write(tmp_path, text)
    forks: list[object] = []
    both = forked.both

    def counted(child: object, here: object) -> object:
        forks.append(child)
        return both(child, here)  # type: ignore[arg-type]

    monkeypatch.setattr(forked, "both", counted)
    monkeypatch.setattr(forked, "available", lambda: True)  # whatever the CPUs here
    _rc, split, _ = run(capsys, "-f", "json", "--no-fail", str(path))
    assert len(forks) == 1
    monkeypatch.setattr("dockerls.analysis.engine.SPLIT_AT", 10**9)
    _rc, alone, _ = run(capsys, "-f", "json", "--no-fail", str(path))
    assert len(forks) == 1  # no split this time
    assert len(json.loads(alone)) > 100 and split == alone


def test_a_compose_or_bake_file_is_checked_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Named on the command line or found in a folder, a Compose or Bake file gets the
    problems the editor shows there (its builds against the Dockerfile they use), not a
    Dockerfile's lint of YAML or HCL; so does an ignore file."""
    kiosk = Path(__file__).parent / "builds" / "projects" / "kiosk"
    for f in kiosk.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    compose = tmp_path / "compose.yaml"
    compose.write_text(compose.read_text().replace("target: worker", "target: wroker"))
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(capsys, "-f", "json", "--no-shellcheck", "compose.yaml", "docker-bake.hcl")
    found = json.loads(out)
    assert rc == 1
    assert {(p["file"], p["code"]) for p in found} == {
        ("compose.yaml", "UnknownBuildTarget"),
        ("compose.yaml", "UnusedBuildArg"),
    }
    (typo,) = [p for p in found if p["code"] == "UnknownBuildTarget"]
    line = compose.read_text().splitlines()[typo["line"] - 1]
    assert line[typo["column"] - 1 : typo["endColumn"] - 1] == "wroker"
    assert "did you mean 'worker'" in typo["message"] and typo["level"] == "error"
    # an ignore file: the patterns BuildKit would reject
    (tmp_path / ".dockerignore").write_text("node_modules\n[z-a]\n")
    rc, out, _ = run(capsys, "-f", "json", ".dockerignore")
    ((bad,),) = [json.loads(out)]
    assert (bad["code"], bad["line"], bad["level"]) == ("InvalidIgnorePattern", 2, "error")
    # the folder: its Dockerfile, and its build and ignore files each checked as what it is
    rc, out, _ = run(capsys, "-f", "json", "--no-shellcheck", ".")
    in_folder = {(p["file"], p["code"]) for p in json.loads(out)}
    assert {(f, c) for f, c in in_folder if f != "Dockerfile"} == {
        ("compose.yaml", "UnknownBuildTarget"),
        ("compose.yaml", "UnusedBuildArg"),
        (".dockerignore", "InvalidIgnorePattern"),
    }
    assert ("Dockerfile", "DLS130") in in_folder
    # named and in the folder too: checked once
    rc, again, _ = run(capsys, "-f", "json", "--no-shellcheck", ".", "compose.yaml")
    assert sorted(map(str, json.loads(again))) == sorted(map(str, json.loads(out)))
    # their codes are known to the configuration, which applies to them as to a rule's
    rc, out, err = run(capsys, "-f", "json", "--no-shellcheck", "--ignore", "UnusedBuildArg", ".")
    assert "UnusedBuildArg" not in out and "UnknownBuildTarget" in out and "unknown" not in err
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored: [InvalidIgnorePattern]\noverride:\n  warning: [UnknownBuildTarget]\n"
    )
    rc, out, err = run(capsys, "-f", "json", "--no-shellcheck", ".")
    levels = {p["code"]: p["level"] for p in json.loads(out) if p["file"] != "Dockerfile"}
    assert levels == {"UnknownBuildTarget": "warning", "UnusedBuildArg": "info"}
    assert "unknown" not in err


def test_build_context_flags_stand_in_for_the_image_or_stage_of_their_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--build-context NAME=VALUE`, as `docker buildx build` takes it: `FROM NAME` and
    `COPY --from=NAME` read the context, so NAME is no untagged image nor unknown stage."""
    (tmp_path / "Dockerfile").write_text("FROM base\nCOPY --from=deps /x /x\n")
    monkeypatch.chdir(tmp_path)
    common = ("-f", "json", "--no-shellcheck", "--no-fail", "Dockerfile")

    def codes(*flags: str) -> list[str]:
        _rc, out, _err = run(capsys, *flags, *common)
        return sorted(p["code"] for p in json.loads(out) if p["code"] in ("DL3006", "DL3022"))

    assert codes() == ["DL3006", "DL3022"]
    assert codes("--build-context", "deps=./deps") == ["DL3006"]
    both = ("--build-context", "deps=./deps", "--build-context", "base=docker-image://alpine:3")
    assert codes(*both) == []
    # a Compose service's additional_contexts do the same for the builds it reads
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n"
        "        deps: ./deps\n        base: docker-image://alpine:3\n"
    )
    assert codes() == []

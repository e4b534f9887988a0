"""``dockerls fix`` and ``dockerls check --fix``: files before and after, exit codes."""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path

import pytest

from dockerls.cli import main
from dockerls.fixes import TextEdit, apply_edits, fix_text, minimal_edit

BEFORE = "FROM alpine:3.20\nRUN apk add curl=8.9.1-r0\nMAINTAINER me\n"
SAFE = 'FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\nLABEL org.opencontainers.image.authors="me"\n'


def write(tmp_path: Path, text: str, name: str = "Dockerfile") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode())
    return p


def test_fix_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, BEFORE)
    rc = main(["fix", str(p)])
    assert p.read_text() == SAFE
    err = capsys.readouterr().err
    assert "fixed 2 problem(s) in 1 file(s), 0 left" in err
    assert rc == 0
    # a second run changes nothing
    assert main(["fix", str(p)]) == 0
    assert p.read_text() == SAFE


def test_diff_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, BEFORE)
    rc = main(["fix", "--diff", str(p)])
    out = capsys.readouterr().out
    assert rc == 1  # a file would change
    assert p.read_text() == BEFORE
    assert f"--- {p}\n+++ {p}\n" in out
    assert (
        "-RUN apk add curl=8.9.1-r0\n-MAINTAINER me\n+RUN apk add --no-cache curl=8.9.1-r0\n" in out
    )
    assert main(["fix", "--diff", str(write(tmp_path, SAFE, "ok.Dockerfile"))]) == 0


def test_unsafe_fixes_only_on_request(tmp_path: Path) -> None:
    src = "FROM debian:12\nRUN apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n"
    p = write(tmp_path, src)
    assert main(["fix", "--no-fail", str(p)]) == 0
    assert p.read_text() == src  # DL3015's fix is unsafe
    main(["fix", "--unsafe-fixes", str(p)])
    assert "apt-get install --no-install-recommends -y curl=1" in p.read_text()


def test_exit_code_follows_what_is_left(tmp_path: Path) -> None:
    p = write(tmp_path, "FROM debian\nRUN apt-get install -y curl\n")  # DL3006/DL3008 have no fix
    assert main(["fix", "-q", str(p)]) == 1
    assert main(["fix", "-q", "--no-fail", str(p)]) == 0
    assert main(["fix", "-q", "-t", "error", str(p)]) == 0


def test_stdin_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BEFORE.encode())))
    assert main(["fix", "-"]) == 0
    assert capsys.readouterr().out == SAFE


def test_bom_is_kept(tmp_path: Path) -> None:
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"\xef\xbb\xbf" + BEFORE.encode())
    main(["fix", str(p)])
    assert p.read_bytes() == b"\xef\xbb\xbf" + SAFE.encode()


def test_check_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, "FROM debian\nRUN apk add curl=1\n")
    rc = main(["check", "--fix", str(p)])
    assert p.read_text() == "FROM debian\nRUN apk add --no-cache curl=1\n"
    out = capsys.readouterr().out
    assert "DL3006" in out and "DL3019" not in out  # only what is left is reported
    assert rc == 1


def test_directory(tmp_path: Path) -> None:
    a = write(tmp_path, BEFORE)
    (tmp_path / "sub").mkdir()
    b = write(tmp_path / "sub", BEFORE, "api.Dockerfile")
    main(["fix", str(tmp_path)])
    assert a.read_text() == SAFE and b.read_text() == SAFE


def test_apply_edits_rejects_overlaps() -> None:
    assert apply_edits("abcdef", [TextEdit(4, 5, "E"), TextEdit(0, 1, "A")]) == "AbcdEf"
    with pytest.raises(ValueError):
        apply_edits("abcdef", [TextEdit(0, 3, ""), TextEdit(2, 4, "")])
    with pytest.raises(ValueError):
        apply_edits("abcdef", [TextEdit(1, 1, "x"), TextEdit(1, 1, "y")])


def test_minimal_edit_keeps_crlf_pairs() -> None:
    e = minimal_edit("a\r\nb", "a\r\nc")
    assert e == TextEdit(3, 4, "c")
    e = minimal_edit("x\r\n", "x y\r\n")
    assert e is not None and apply_edits("x\r\n", [e]) == "x y\r\n"
    assert minimal_edit("same", "same") is None


def test_fix_text_reaches_fixed_point() -> None:
    r = fix_text(BEFORE)
    assert r.text == SAFE and r.changed and r.rounds >= 1
    assert sorted(c for c, _ in r.applied) == ["DL3019", "DL4000"]
    assert not fix_text(SAFE).changed


def test_fix_keeps_a_link_and_the_permissions(tmp_path: Path) -> None:
    """The fixed text replaces the link's target; the link and the file's mode stay."""
    real = write(tmp_path, BEFORE, "Dockerfile.real")
    real.chmod(0o640)
    link = tmp_path / "Dockerfile"
    link.symlink_to(real.name)
    assert main(["fix", str(link)]) == 0
    assert link.is_symlink() and real.read_text() == SAFE
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "Dockerfile.real"]


def test_a_failed_write_leaves_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk fills up halfway through: the Dockerfile keeps its old text, no temporary
    file is left, and the error is told."""
    p = write(tmp_path, BEFORE)
    real_fsync = os.fsync

    def full(fd: int) -> None:
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["fix", str(p)]) != 0
    assert p.read_text() == BEFORE
    assert [q.name for q in tmp_path.iterdir()] == ["Dockerfile"]
    assert "cannot write" in capsys.readouterr().err


def test_a_read_only_file_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rename would get past a file the user may not write: it is refused, as a write in
    place would be (the check is the user's access, so it is asked of os.access, which
    says yes to everything for root, who runs these tests)."""
    p = write(tmp_path, BEFORE)
    p.chmod(0o444)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda f, m, **kw: real_access(f, m) and m != os.W_OK)
    assert main(["fix", str(p)]) != 0
    assert p.read_text() == BEFORE
    assert "cannot write" in capsys.readouterr().err


def test_compose_and_bake_files_are_left_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Compose, Bake or ignore file named on the command line is no Dockerfile: read as
    one, a Compose file's `build:` keys would become ONBUILD (an unsafe "did you mean"); it
    is left byte for byte, and said so.  The Dockerfile next to it is fixed."""
    kiosk = Path(__file__).parent / "builds" / "projects" / "kiosk"
    files = {name: (kiosk / name).read_bytes() for name in ("compose.yaml", "docker-bake.hcl")}
    files["Dockerfile.dockerignore"] = b"from node_modules\n"
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    dockerfile = write(tmp_path, BEFORE)
    paths = [str(tmp_path / name) for name in files]
    assert main(["fix", "--unsafe-fixes", *paths, str(dockerfile)]) == 0
    for name, body in files.items():
        assert (tmp_path / name).read_bytes() == body
    err = capsys.readouterr().err
    for path in paths:
        assert f"{path} is no Dockerfile: left as it is" in err
    assert dockerfile.read_text() != BEFORE  # the Dockerfile's fixes applied
    assert main(["check", "--fix", "--unsafe-fixes", "--no-fail", *paths]) == 0
    for name, body in files.items():
        assert (tmp_path / name).read_bytes() == body


def test_a_file_that_is_no_dockerfile_is_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Named on the command line (`dockerls fix $(git ls-files)`), a file whose name is no
    Dockerfile's and whose first instruction line holds no instruction is not rewritten:
    its "from here on" would become `FROM here on`.  A Dockerfile's name is enough, whatever
    its first line; another name with an instruction first is fixed."""
    notes = write(tmp_path, "Notes\n\nfrom here we go\nrun the tests\nmaintainer me\n", "NOTES.md")
    before = notes.read_bytes()
    assert main(["fix", "--unsafe-fixes", str(notes)]) == 0
    assert notes.read_bytes() == before
    assert f"{notes} does not look like a Dockerfile (`Notes` is no instruction)" in (
        capsys.readouterr().err
    )
    assert main(["check", "--fix", "--no-fail", str(notes)]) == 0
    assert notes.read_bytes() == before
    typo = write(tmp_path, "FORM alpine:3.20\nrun echo hi\n")  # named Dockerfile
    main(["fix", "--unsafe-fixes", "--no-fail", str(typo)])
    assert typo.read_text() == "FROM alpine:3.20\nRUN echo hi\n"
    other = write(tmp_path, BEFORE, "prod.docker")
    main(["fix", str(other)])
    assert other.read_text() == SAFE

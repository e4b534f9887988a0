"""The command line: ``dockerls serve | check | fix | rules | rule``.

``dockerls`` with no sub-command (or with only ``--stdio``) serves LSP over
stdio, so editors can start it as ``dockerls`` or ``dockerls --stdio``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from dockerls import __version__


def is_dockerfile(path: Path) -> bool:
    """Whether ``path`` is named like a Dockerfile (``builds.is_dockerfile_name``)."""
    from dockerls.analysis.builds import is_dockerfile_name

    return is_dockerfile_name(path.name)


def _no_dockerfile(name: str) -> bool:
    """A Compose, Bake or ``.dockerignore`` file: read for a Dockerfile's builds, never
    linted (or fixed) as one."""
    from dockerls.analysis.builds import is_build_file
    from dockerls.documents import is_dockerignore

    return is_build_file(name) or is_dockerignore(name)


def _folder_files(folder: Path) -> Iterator[Path]:
    """Every file under ``folder``, in a stable order (version-control and package folders
    left out)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in (".git", "node_modules", "__pycache__"))
        for f in sorted(files):
            yield Path(root) / f


def _expand(paths: Sequence[str]) -> Iterator[tuple[Path | None, bool]]:
    """Each file ``paths`` name or hold, with whether it is a Compose, Bake or
    ``.dockerignore`` file (else a Dockerfile; ``-``, stdin, is None).  A folder gives those
    two kinds of file only, walked once."""
    for raw in paths:
        if raw == "-":
            yield None, False
            continue
        p = Path(raw)
        if not p.is_dir():
            yield p, _no_dockerfile(p.name)
            continue
        for f in _folder_files(p):
            if _no_dockerfile(f.name):
                yield f, True
            elif is_dockerfile(f):
                yield f, False


def find_dockerfiles(paths: Sequence[str]) -> Iterator[Path | None]:
    """Expand files and directories into the Dockerfiles to lint; ``-`` (stdin) yields
    None.  Compose, Bake and ``.dockerignore`` files are left out (``checked_files``)."""
    return (p for p, other in _expand(paths) if not other)


def checked_files(paths: Sequence[str]) -> tuple[list[Path | None], list[Path]]:
    """What ``dockerls check`` reads: the Dockerfiles (as ``find_dockerfiles``), and the
    Compose, Bake and ``.dockerignore`` files ``paths`` name or hold, each once."""
    dockerfiles: list[Path | None] = []
    others: dict[Path, None] = {}
    for p, other in _expand(paths):
        if other and p is not None:
            others[p] = None
        else:
            dockerfiles.append(p)
    return dockerfiles, list(others)


def named_other_files(paths: Sequence[str]) -> list[Path]:
    """The Compose, Bake and ``.dockerignore`` files named in ``paths``."""
    return [Path(raw) for raw in paths if raw != "-" and _no_dockerfile(Path(raw).name)]


def _serve(args: argparse.Namespace) -> int:
    # start-up builds mostly what lives as long as the process (pygls, lsprotocol's
    # converter, the handlers): the cyclic collector would walk it again and again.  It
    # stays off until the server's first publish is written (`DockerLanguageServer.warm_up`).
    gc.disable()
    from dockerls.server import serve

    return serve(tcp=args.tcp, host=args.host, port=args.port, log_level=args.log_level)


def build_parser(serve_only: bool = False) -> argparse.ArgumentParser:
    """The command line; ``serve_only`` leaves out the other sub-commands, whose
    modules load the linter (``serve`` keeps its start-up for the server's reply)."""
    ap = argparse.ArgumentParser(
        prog="dockerls", description="Language server and linter for Dockerfiles"
    )
    ap.add_argument("--version", action="version", version=f"dockerls {__version__}")
    sub = ap.add_subparsers(dest="command")

    sp = sub.add_parser("serve", help="speak LSP (stdio by default)")
    sp.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    sp.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=2087)
    sp.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    sp.set_defaults(func=_serve)
    if serve_only:
        return ap

    from dockerls import cli_check, cli_fix

    cli_check.add_commands(sub)
    from dockerls import cli_rules

    cli_rules.add_commands(sub)
    cli_fix.add_commands(sub)
    from dockerls import cli_image

    cli_image.add_commands(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv == ["--stdio"]:
        argv = ["serve"]
    ap = build_parser(serve_only=argv[0] == "serve")
    args = ap.parse_args(argv)
    if not getattr(args, "func", None):
        ap.print_help()
        return 2
    try:
        rc: int = args.func(args)
        if not sys.stdout.closed:  # `serve` closes it on exit
            sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`dockerls rules | head`): stop quietly, as a
        # command killed by SIGPIPE would, and keep Python from complaining
        # again when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return SIGPIPE_STATUS
    return rc


SIGPIPE_STATUS = 128 + 13  # the status of a process killed by SIGPIPE

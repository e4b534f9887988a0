"""Smoke checks of an installed dockerls, standard library only.

python tests/smoke/smoke.py installed --examples examples
    Run with the interpreter of an environment where the wheel is installed (scripts/smoke.sh
    does it for every supported Python, from a temporary working directory): imports every
    module of the installed package, runs an LSP session over stdio against the installed
    `dockerls` command, and `dockerls check` on the examples in every output format.

python tests/smoke/smoke.py lsp --examples examples --launch launch.json
    An LSP session against the command (and environment) in launch.json, e.g. the one the
    VS Code extension builds for its bundled server (scripts/vsix.sh).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from lsp_client import LspError, lsp_session

JSON_FORMATS = {"json", "sarif", "gitlab_codeclimate"}
NUL_JSON_FORMATS = {"codeclimate"}  # Code Climate engine output: NUL-separated JSON objects
XML_FORMATS = {"checkstyle", "junit"}
EXPECTED_CODE = "DL4000"  # examples/Dockerfile has a MAINTAINER


def _example_text(examples: Path) -> str:
    return (examples / "Dockerfile").read_text(encoding="utf-8")


def _check_import_location() -> str:
    import dockerls

    where = Path(dockerls.__file__).resolve()
    prefix = Path(sys.prefix).resolve()
    if prefix not in where.parents:
        raise LspError(f"dockerls comes from {where}, not from the environment {prefix}")
    return str(where.parent)


def import_every_module() -> int:
    import dockerls

    count = 0
    for info in pkgutil.walk_packages(dockerls.__path__, "dockerls."):
        importlib.import_module(info.name)
        count += 1
    return count


def check_formats(dockerls_exe: str, examples: Path) -> list[str]:
    from dockerls.formats import FORMATS

    done = []
    for fmt in FORMATS:
        run = subprocess.run(
            [dockerls_exe, "check", "--no-shellcheck", "--format", fmt, str(examples)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if run.returncode != 1:
            raise LspError(f"check --format {fmt}: exit {run.returncode}, stderr:\n{run.stderr}")
        if EXPECTED_CODE not in run.stdout:
            raise LspError(f"check --format {fmt} does not report {EXPECTED_CODE}:\n{run.stdout}")
        if fmt in JSON_FORMATS:
            json.loads(run.stdout)
        elif fmt in NUL_JSON_FORMATS:
            for document in run.stdout.strip("\0\n").split("\0"):
                json.loads(document)
        elif fmt in XML_FORMATS:
            ET.fromstring(run.stdout)
        done.append(fmt)
    return done


def installed(examples: Path) -> None:
    from importlib.metadata import version

    location = _check_import_location()
    modules = import_every_module()
    print(f"  imported {modules} modules from {location}")
    exe_dir = Path(sys.executable).parent
    exe = exe_dir / ("dockerls.exe" if os.name == "nt" else "dockerls")
    if not exe.is_file():
        raise LspError(f"the console script is missing: {exe}")
    ver = version("dockerfile-language-server")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    if out.stdout.strip() != f"dockerls {ver}":
        raise LspError(f"`dockerls --version` says {out.stdout!r}, the metadata {ver}")
    with tempfile.TemporaryDirectory() as tmp:
        steps = lsp_session(
            [str(exe), "serve"],
            cwd=tmp,
            root=Path(tmp),
            text=_example_text(examples),
            version=ver,
        )
    for step in steps:
        print(f"  lsp {step}")
    print(f"  check formats: {' '.join(check_formats(str(exe), examples))}")


def launched(examples: Path, launch_file: Path) -> None:
    launch = json.loads(launch_file.read_text(encoding="utf-8"))
    python = launch.get("python") or {}
    print(
        f"  server: {launch['source']} on Python {python.get('version')} ({python.get('executable')})"
    )
    env = {**os.environ, **launch.get("env", {})}
    with tempfile.TemporaryDirectory() as tmp:
        steps = lsp_session(
            [launch["command"], *launch["args"]],
            env=env,
            cwd=tmp,
            root=Path(tmp),
            text=_example_text(examples),
            version=launch["version"],
        )
    for step in steps:
        print(f"  lsp {step}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=("installed", "lsp"))
    ap.add_argument("--examples", type=Path, required=True)
    ap.add_argument("--launch", type=Path, help="JSON: {command, args, env, version}")
    args = ap.parse_args()
    examples = args.examples.resolve()
    print(f"smoke ({args.mode}) on Python {sys.version.split()[0]} ({sys.executable})")
    try:
        if args.mode == "installed":
            installed(examples)
        else:
            if args.launch is None:
                ap.error("lsp needs --launch")
            launched(examples, args.launch)
    except LspError as exc:
        print(f"SMOKE FAILED: {exc}", file=sys.stderr)
        return 1
    print("  ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

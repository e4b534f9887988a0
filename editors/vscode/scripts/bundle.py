"""Puts the dockerls server and all its dependencies into a `bundled/` folder per
`vsce package --target`.

    python3 scripts/bundle.py --wheel ../../dist/dockerfile_language_server-0.1.0-py3-none-any.whl \
        --target linux-x64 [--target win32-x64 ...] [--python 3.10 ...] --out-dir DIR
    -> DIR/<target>/libs, DIR/<target>/manifest.json

pip installs the wheel with its dependencies once, for the first target and the oldest Python
(`--target libs --platform ... --only-binary=:all:`).  pip evaluates environment markers
(`python_version < "3.11"`, `sys_platform == "win32"`) for the interpreter it runs on, so the
closure is then checked with `packaging` for every target and Python, and what a marker adds
there is installed too.  The pure-Python part of that tree is shared by all targets.  The
compiled distributions are downloaded at the same versions for every target and Python
(`pip download --no-deps`, in parallel) and unpacked into each target's tree: compiled modules
carry their Python version in their names (`_binding.cpython-312-x86_64-linux-gnu.so`,
`*.cp312-win_amd64.pyd`) and sit side by side; a file that exists with other contents is an
error.  manifest.json tells the extension which Python versions the bundle runs on.  Needs the
network (PyPI), like any `pip download`.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PathDistribution
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

EXTENSION = Path(__file__).resolve().parents[1]

# vsce target -> pip platform tags (every tag pip should accept for that target)
PLATFORMS: dict[str, list[str]] = {
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "linux-arm64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
    "darwin-x64": ["macosx_11_0_x86_64", "macosx_10_15_x86_64", "macosx_10_9_x86_64"],
    "darwin-arm64": ["macosx_14_0_arm64", "macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
}


# vsce target -> the environment markers that differ between platforms
MARKERS: dict[str, dict[str, str]] = {
    "linux-x64": {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
    },
    "linux-arm64": {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "aarch64",
    },
    "darwin-x64": {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "os_name": "posix",
        "platform_machine": "x86_64",
    },
    "darwin-arm64": {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "os_name": "posix",
        "platform_machine": "arm64",
    },
    "win32-x64": {
        "sys_platform": "win32",
        "platform_system": "Windows",
        "os_name": "nt",
        "platform_machine": "AMD64",
    },
}


def supported_pythons() -> list[str]:
    """The `Programming Language :: Python :: 3.x` classifiers of pyproject.toml."""
    import tomllib

    project = tomllib.loads((EXTENSION.parents[1] / "pyproject.toml").read_text())["project"]
    pattern = re.compile(r"Programming Language :: Python :: (3\.\d+)")
    return [m.group(1) for c in project["classifiers"] if (m := pattern.fullmatch(c))]


def _pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"]


def _platform_args(target: str, python: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
    for tag in PLATFORMS[target]:
        args += ["--platform", tag]
    return args


def _run(cmd: list[str]) -> None:
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"bundle: {' '.join(cmd)} failed:\n{run.stderr}")


def dist_infos(tree: Path) -> dict[str, Path]:
    """`name==version` -> dist-info folder of every distribution installed in `tree`."""
    out = {}
    for dist_info in sorted(tree.glob("*.dist-info")):
        name, version = dist_info.name[: -len(".dist-info")].rsplit("-", 1)
        out[f"{name}=={version}"] = dist_info
    return out


def missing_requirements(libs: Path, target: str, pythons: list[str]) -> set[str]:
    """Requirements of the installed distributions that apply on `target` with one of `pythons`
    (by their markers) and that nothing installed satisfies."""
    dists = [PathDistribution(p) for p in libs.glob("*.dist-info")]
    installed = {canonicalize_name(d.metadata["Name"]) for d in dists}
    out: set[str] = set()
    for python in pythons:
        env: dict[str, str] = {
            **default_environment(),
            **MARKERS[target],
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "extra": "",
        }
        for dist in dists:
            for text in dist.requires or []:
                req = Requirement(text)
                if canonicalize_name(req.name) in installed:
                    continue
                if req.marker is None or req.marker.evaluate(env):
                    req.marker = None
                    out.add(str(req))
    return out


def is_compiled(dist_info: Path) -> bool:
    wheel = (dist_info / "WHEEL").read_text()
    return "Root-Is-Purelib: false" in wheel


def record(dist_info: Path) -> set[Path]:
    """The files a distribution installed (its RECORD), relative to the tree."""
    with (dist_info / "RECORD").open(newline="") as f:
        return {Path(row[0]) for row in csv.reader(f) if row and not row[0].startswith("..")}


def unpack(wheel: Path, libs: Path) -> None:
    """Unpack a wheel into libs; files that are already there must be identical (a dist-info
    folder is kept from the first wheel of its distribution)."""
    with zipfile.ZipFile(wheel) as zf:
        had_dist_info = {
            name.split("/")[0]
            for name in zf.namelist()
            if name.split("/")[0].endswith(".dist-info") and (libs / name.split("/")[0]).exists()
        }
        for info in zf.infolist():
            if info.is_dir():
                continue
            parts = Path(info.filename).parts
            if parts[0] in had_dist_info:
                continue  # the first Python's copy is kept
            if parts[0].endswith(".data"):
                if parts[1] not in ("purelib", "platlib"):
                    raise SystemExit(
                        f"bundle: {wheel.name} installs {info.filename} outside site-packages"
                    )
                parts = parts[2:]
            out = libs.joinpath(*parts)
            data = zf.read(info)
            if out.exists():
                if out.read_bytes() != data:
                    raise SystemExit(
                        f"bundle: {'/'.join(parts)} of {wheel.name} differs from the one bundled"
                    )
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)


def base_tree(wheel: Path, targets: list[str], pythons: list[str], libs: Path) -> None:
    """The wheel and its dependencies for the first target and Python, plus whatever a marker
    adds on another target or Python."""
    first = (targets[0], pythons[0])
    _run(
        _pip("install", "--target", str(libs), "--no-compile", "--no-warn-script-location")
        + _platform_args(*first)
        + [str(wheel)]
    )
    for _ in range(10):
        missing = set().union(*(missing_requirements(libs, t, pythons) for t in targets))
        if not missing:
            break
        extra = libs.parent / "extra"
        _run(
            _pip("install", "--target", str(extra), "--no-compile", "--no-deps")
            + _platform_args(*first)
            + sorted(missing)
        )
        shutil.copytree(extra, libs, dirs_exist_ok=True)
        shutil.rmtree(extra)
    else:
        raise SystemExit("bundle: the requirements never settle")
    shutil.rmtree(libs / "bin", ignore_errors=True)  # console scripts with this machine's shebang


def bundle_all(
    wheel: Path, targets: list[str], pythons: list[str], out_dir: Path
) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base" / "libs"
        base_tree(wheel, targets, pythons, base)
        installed = dist_infos(base)
        compiled = [pin for pin, dist_info in installed.items() if is_compiled(dist_info)]
        platform_files = set().union(
            *(record(installed[pin]) | {Path(installed[pin].name)} for pin in compiled)
        )

        def download(target: str, python: str) -> Path:
            dest = Path(tmp) / "wheels" / target / python
            _run(
                _pip("download", "--no-deps", "--dest", str(dest))
                + _platform_args(target, python)
                + compiled
            )
            return dest

        with ThreadPoolExecutor(max_workers=8) as pool:
            jobs = {(t, p): pool.submit(download, t, p) for t in targets for p in pythons}
            wheels = {key: job.result() for key, job in jobs.items()}

        server = re.match(r"dockerfile_language_server-([^-]+)-", wheel.name)
        manifests = []
        for target in targets:
            out = out_dir / target
            if out.exists():
                shutil.rmtree(out)
            libs = out / "libs"
            shutil.copytree(
                base,
                libs,
                ignore=lambda d, names: [
                    n for n in names if (Path(d) / n).relative_to(base) in platform_files
                ],
            )
            for python in pythons:
                for whl in sorted(wheels[target, python].glob("*.whl")):
                    unpack(whl, libs)
            manifest: dict[str, object] = {
                "server": server.group(1) if server else "unknown",
                "target": target,
                "pythons": pythons,
                "distributions": sorted(installed),
                "compiled": compiled,
            }
            (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
            manifests.append(manifest)
        return manifests


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--wheel", type=Path, required=True)
    ap.add_argument("--target", choices=sorted(PLATFORMS), action="append", required=True)
    ap.add_argument("--python", action="append", help="default: pyproject.toml's classifiers")
    ap.add_argument("--out-dir", type=Path, required=True)
    args = ap.parse_args()
    pythons = args.python or supported_pythons()
    wheel = args.wheel.resolve()
    for manifest in bundle_all(wheel, args.target, pythons, args.out_dir):
        print(
            f"  {manifest['target']}: dockerls {manifest['server']}, Python {', '.join(pythons)}, "
            f"{len(manifest['distributions'])} distributions "  # type: ignore[arg-type]
            f"({', '.join(manifest['compiled'])} compiled)"  # type: ignore[arg-type]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

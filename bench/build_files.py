"""Compose and Bake files beside the benchmark's big Dockerfile (``bench_server.py
--build-files``): two services and two targets that build it with different stages and
args, so the keystroke, completion and hover budgets are measured with the builds known
(dockerls reads them from the workspace; the peer ignores them)."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["place", "remove"]

_STAGE = re.compile(r"(?im)^FROM\s+\S+\s+AS\s+([A-Za-z0-9_.-]+)\s*$")
_ARG = re.compile(r"(?m)^ARG\s+([A-Za-z_][A-Za-z0-9_]*)")


def place(big: Path, text: str) -> list[Path]:
    """Write ``compose.yaml`` and ``docker-bake.hcl`` beside ``big``; returns their paths."""
    stages = _STAGE.findall(text) or ["app"]
    arg = next(iter(_ARG.findall(text)), "VERSION")
    last, middle = stages[-1], stages[len(stages) // 2]
    compose = big.parent / "compose.yaml"
    compose.write_text(
        "services:\n"
        + "".join(
            f"  {service}:\n    build:\n      context: .\n      dockerfile: {big.name}\n"
            f"      target: {target}\n      args:\n        {arg}: {value}\n"
            for service, target, value in (("web", last, "1.0"), ("worker", middle, "2.0"))
        ),
        encoding="utf-8",
    )
    bake = big.parent / "docker-bake.hcl"
    bake.write_text(
        'group "default" {\n  targets = ["app", "nightly"]\n}\n'
        + "".join(
            f'\ntarget "{name}" {{\n  dockerfile = "{big.name}"\n  target = "{target}"\n'
            f'  args = {{\n    {arg} = "{value}"\n  }}\n}}\n'
            for name, target, value in (("app", last, "1.0"), ("nightly", middle, "3.0"))
        ),
        encoding="utf-8",
    )
    return [compose, bake]


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)

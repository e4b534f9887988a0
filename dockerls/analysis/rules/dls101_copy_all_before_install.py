"""DLS101: the whole build context copied before the dependency install."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._misc_common import get_flag, operands, strip_quotes
from dockerls.analysis.rules._pkg import stage_runs
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.shell import Command

_WHOLE = frozenset({".", "./", "*", "./*"})


def whole_context_sources(inst: Instruction) -> list[Span]:
    """Spans of the sources of a COPY/ADD that copy the whole build context
    (``.``, ``./``, ``*``); none for ``--from`` copies and heredocs."""
    if inst.name not in ("COPY", "ADD") or inst.heredocs or get_flag(inst, "from") is not None:
        return []
    ops = operands(inst)
    return [span for value, span in ops[:-1] if strip_quotes(value) in _WHOLE]


def whole_context_copies(stage: Stage) -> Iterator[tuple[int, Span]]:
    """(item index, source span) of each whole-context COPY/ADD of a stage."""
    for idx, inst in stage.by_name("COPY", "ADD"):
        for span in whole_context_sources(inst):
            yield idx, span


# the commands whose subcommands install dependencies from a manifest (``python -m pip`` gives
# the word ``pip``)
_INSTALLERS = frozenset(
    {
        "pip",
        "pip3",
        "npm",
        "yarn",
        "pnpm",
        "go",
        "bundle",
        "composer",
        "poetry",
        "pipenv",
        "cargo",
        "mvn",
        "mvnw",
    }
)


def _positional(cmd: Command) -> list[str]:
    return [w.value for w in cmd.args_without_flags()]


def dependency_install(cmd: Command) -> str | None:
    """The dependency-install command ``cmd`` runs (for the message), or None.

    Only installs driven by a manifest that can be copied on its own count:
    ``pip install -r``, ``npm ci``/``npm install`` without package names,
    ``yarn``/``pnpm install``, ``go mod download``, ``bundle install``,
    ``composer install``, ``poetry install --no-root``, ``pipenv install``,
    ``cargo fetch`` and ``mvn dependency:go-offline``."""
    name = cmd.name
    if name not in _INSTALLERS and not name.startswith("python"):
        return None  # no manifest install (read before its arguments: most commands)
    pos = _positional(cmd)
    sub = pos[0] if pos else None
    if name in ("pip", "pip3") or (name.startswith("python") and cmd.has_args("pip")):
        if "install" in pos and cmd.has_flag("-r", "--requirement"):
            return f"{name} install -r"
        return None
    if name == "npm" and sub in ("ci", "install", "i") and len(pos) == 1:
        return f"npm {sub}"
    if name == "yarn" and (sub is None or (sub == "install" and len(pos) == 1)):
        return "yarn install"
    if name == "pnpm" and sub in ("install", "i") and len(pos) == 1:
        return "pnpm install"
    if name == "go" and pos[:2] == ["mod", "download"]:
        return "go mod download"
    if name == "bundle" and (sub == "install" or sub is None):
        return "bundle install"
    if name == "composer" and sub == "install":
        return "composer install"
    if name == "poetry" and sub == "install" and cmd.has_flag("--no-root"):
        return "poetry install --no-root"
    if name == "pipenv" and sub in ("install", "sync"):
        return f"pipenv {sub}"
    if name == "cargo" and sub == "fetch":
        return "cargo fetch"
    if name in ("mvn", "mvnw") and sub in ("dependency:go-offline", "dependency:resolve"):
        return f"mvn {sub}"
    return None


class CopyAllBeforeInstall(Rule):
    """What it does:
    Flags `COPY . .` (or `ADD`, any whole-context copy) when a later `RUN`
    of the same stage installs dependencies from a manifest: `pip install
    -r requirements.txt`, `npm ci`, `yarn install`, `go mod download`,
    `bundle install`, `composer install` and the like.

    Why it matters:
    Docker reuses a cached layer only while every file it depends on is
    unchanged.  After copying the whole context, any edit to any source
    file invalidates the cache, so every build downloads and installs all
    dependencies again.  Copying just the manifest first keeps that slow
    step cached until the dependencies really change.

    Example:
    ```dockerfile
    COPY . .
    RUN npm ci
    ```

    Fix:
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    ```
    """

    code = "DLS101"
    name = "copy-all-before-install"
    severity = Severity.INFO
    group = "best-practice"
    commands = _INSTALLERS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        copy = next(whole_context_copies(stage), None)
        if copy is None:
            return
        copy_idx, span = copy
        for idx, inst, shell in stage_runs(stage, model):
            if idx <= copy_idx or model.parse.items[idx] is not inst:
                continue  # before the copy, or an ONBUILD trigger (runs in a child image)
            for rs in run_scripts(inst, shell):
                if not rs.script.supported:
                    continue
                for cmd in rs.script.commands:
                    what = dependency_install(cmd)
                    if what is not None:
                        yield Finding(
                            span,
                            f"The whole context is copied before `{what}`: copy the dependency"
                            " manifest first so the install stays cached",
                            item=copy_idx,
                        )
                        return


RULE = CopyAllBeforeInstall()

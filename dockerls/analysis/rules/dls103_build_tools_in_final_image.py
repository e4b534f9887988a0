"""DLS103: a single-stage build that ships its compilers and build tools."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._pkg import (
    APK_TAKES_VALUE,
    APT_TAKES_VALUE,
    RPM_TAKES_VALUE,
    invocations,
    pm_commands,
    positional,
    stage_runs,
)
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.shell import Command

# packages that are only needed to build
BUILD_PACKAGES = frozenset(
    {
        "build-essential",
        "build-base",
        "gcc",
        "g++",
        "gcc-c++",
        "clang",
        "make",
        "cmake",
        "golang",
        "golang-go",
        "rustc",
        "cargo",
        "maven",
        "gradle",
        "default-jdk",
    }
)
# base image repository (last path part) -> build commands that use its toolchain
TOOLCHAIN_IMAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "golang": (("go", "build"), ("go", "install")),
    "rust": (("cargo", "build"), ("cargo", "install")),
    "maven": (("mvn", "package"), ("mvn", "install"), ("mvn", "verify")),
    "gradle": (("gradle", "build"), ("gradle", "assemble"), ("gradle", "bootJar")),
    "sdk": (("dotnet", "publish"), ("dotnet", "build")),  # mcr.microsoft.com/dotnet/sdk
}

_INSTALLERS: tuple[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]], ...] = (
    (("apt-get", "apt"), ("install",), APT_TAKES_VALUE),
    (("apk",), ("add",), APK_TAKES_VALUE),
    (("yum", "dnf", "microdnf"), ("install",), RPM_TAKES_VALUE),
)
_REMOVERS: dict[str, frozenset[str]] = {
    "apt-get": frozenset({"purge", "remove", "autoremove"}),
    "apt": frozenset({"purge", "remove", "autoremove"}),
    "apk": frozenset({"del"}),
    "yum": frozenset({"remove", "erase", "autoremove"}),
    "dnf": frozenset({"remove", "erase", "autoremove"}),
    "microdnf": frozenset({"remove"}),
}


def _removes_packages(inst: Instruction, shell: tuple[str, ...]) -> bool:
    for _rs, cmd in pm_commands(inst, shell, *_REMOVERS):
        pos = positional(cmd, frozenset())
        if pos and pos[0].value in _REMOVERS[cmd.name]:
            return True
    return False


def _builds_with(cmd: Command, tools: tuple[tuple[str, str], ...]) -> bool:
    name = "gradle" if cmd.name == "gradlew" else "mvn" if cmd.name == "mvnw" else cmd.name
    pos = [w.value for w in cmd.args_without_flags()]
    return any(name == tool and sub in pos for tool, sub in tools)


class BuildToolsInFinalImage(Rule):
    """What it does:
    Flags a single-stage build that leaves its build toolchain in the image
    it produces: compilers and build tools installed with a package manager
    (`gcc`, `g++`, `build-essential`, `build-base`, `make`, `cmake`,
    `maven`...) and never removed in the same `RUN`, or a toolchain base
    image (`golang`, `rust`, `maven`, `gradle`, `dotnet/sdk`) used to build
    the application (`go build`, `cargo build`, `mvn package`...).

    Why it matters:
    Compilers and SDKs weigh hundreds of megabytes and widen the attack
    surface, but the running application needs none of them.  A multi-stage
    build compiles in one stage and copies only the result into a small
    runtime image.

    Example:
    ```dockerfile
    FROM golang:1.22
    COPY . /src
    RUN cd /src && go build -o /app .
    CMD ["/app"]
    ```

    Fix:
    ```dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN go build -o /app .

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /app /app
    CMD ["/app"]
    ```
    """

    code = "DLS103"
    name = "build-tools-in-final-image"
    severity = Severity.INFO
    group = "best-practice"
    commands = frozenset(
        {n for names, _subs, _takes in _INSTALLERS for n in names}
        | {"go", "cargo", "mvn", "mvnw", "gradle", "gradlew", "dotnet"}
    )

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if len(model.stages) != 1 or stage.base_stage is not None:
            return
        ref = stage.image_ref
        repo = ref.path.rsplit("/", 1)[-1].lower() if ref is not None and ref.path else ""
        tools = TOOLCHAIN_IMAGES.get(repo)
        if repo == "sdk" and (ref is None or "dotnet" not in ref.path.lower()):
            tools = None
        runs = list(stage_runs(stage, model))
        if tools is not None and stage.image_span is not None:
            for _idx, inst, shell in runs:
                for rs in run_scripts(inst, shell):
                    if rs.script.supported and any(
                        _builds_with(c, tools) for c in rs.script.commands
                    ):
                        yield Finding(
                            stage.image_span,
                            f"The `{repo}` toolchain image builds the application and ships with it:"
                            " use a multi-stage build with a small runtime image",
                            item=stage.first,
                        )
                        return
        for idx, inst, shell in runs:
            if _removes_packages(inst, shell):
                continue
            for names, subs, takes in _INSTALLERS:
                for inv in invocations(inst, shell, names, subs, takes):
                    for w in inv.packages:
                        pkg = w.value.split("=", 1)[0]
                        if w.is_static and pkg in BUILD_PACKAGES:
                            yield Finding(
                                inv.span_of(w),
                                f"`{pkg}` stays in the final image: build in an earlier stage"
                                " and copy only the result",
                                item=idx,
                            )
                            return


RULE = BuildToolsInFinalImage()

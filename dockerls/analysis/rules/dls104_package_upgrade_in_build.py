"""DLS104: a whole-system package upgrade inside the build."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import pm_commands, positional
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction, Span

# tool -> subcommands that upgrade every installed package
_UPGRADES: dict[str, frozenset[str]] = {
    "apt-get": frozenset({"upgrade", "dist-upgrade", "full-upgrade"}),
    "apt": frozenset({"upgrade", "dist-upgrade", "full-upgrade"}),
    "aptitude": frozenset({"upgrade", "safe-upgrade", "full-upgrade", "dist-upgrade"}),
    "apk": frozenset({"upgrade"}),
    "yum": frozenset({"upgrade", "update"}),
    "dnf": frozenset({"upgrade", "update", "distro-sync"}),
    "microdnf": frozenset({"upgrade", "update"}),
}
# flags of these tools that take a separate value
_TAKES_VALUE = frozenset(
    {"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--repository", "-X"}
)


class PackageUpgradeInBuild(Rule):
    """What it does:
    Flags a `RUN` that upgrades every installed package of the base image:
    `apt-get upgrade`/`dist-upgrade`/`full-upgrade`, `apk upgrade`, and
    `yum`/`dnf update` or `upgrade` without package names.  (zypper's
    `dist-upgrade` is DL3035.)

    Why it matters:
    The result depends on the day of the build, so two builds of the same
    Dockerfile differ, and the upgrade can break what the base image's
    maintainers tested.  Upgrades also add a large layer on top of the
    base image's files.  Security fixes belong in the base image: pull a
    newer tag or digest instead.

    Example:
    ```dockerfile
    RUN apt-get update && apt-get -y upgrade
    ```

    Fix:
    Use a more recent base image, or upgrade only the packages that need it:
    ```dockerfile
    RUN apt-get update && apt-get install -y --only-upgrade openssl
    ```
    """

    code = "DLS104"
    name = "package-upgrade-in-build"
    severity = Severity.INFO
    group = "best-practice"
    kinds = frozenset({"RUN"})
    commands = frozenset(_UPGRADES)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in pm_commands(inst, ctx.shell, *_UPGRADES):
            pos = positional(cmd, _TAKES_VALUE)
            if not pos or not pos[0].is_static or pos[0].value not in _UPGRADES[cmd.name]:
                continue
            sub = pos[0]
            if cmd.name in ("yum", "dnf", "microdnf", "apk") and len(pos) > 1:
                continue  # named packages only
            yield Finding(
                rs.span(Span(cmd.name_span.start, sub.span.end)),
                f"`{cmd.name} {sub.value}` upgrades the whole base image during the build:"
                " use a newer base image instead",
            )


RULE = PackageUpgradeInBuild()

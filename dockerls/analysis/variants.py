"""Leaner variants of a base image: which tags to consider, and what they lack.

Docker's image guide asks for a small variant (``slim``, ``alpine``) over a full one.  Given
what a tag says (``imagetags.classify``) and the repository's tag list, ``leaner_candidates``
names the same version's smaller variants that exist; distroless images are a separate
repository (``DISTROLESS``).  ``missing_tools`` says which package managers a later RUN uses
that the variant does not have (``apt-get`` on alpine, anything on distroless), so a switch is
offered with a warning rather than silently.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dockerls.analysis.imagetags import ImageRelease
from dockerls.analysis.model import Model, Stage, shell_walk, stage_shell
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.imageref import DOCKER_HUB, parse_image_ref

__all__ = ["DISTROLESS", "Candidate", "leaner_candidates", "missing_tools", "stage_commands"]

#: product -> distroless repository (and the tag to ask for), where one fits the product.
DISTROLESS: dict[str, str] = {
    "python": "gcr.io/distroless/python3-debian12:nonroot",
    "go": "gcr.io/distroless/static-debian12:nonroot",
    "rust": "gcr.io/distroless/cc-debian12:nonroot",
}

_APT = frozenset({"apt-get", "apt", "dpkg", "aptitude"})
_APK = frozenset({"apk"})
_RPM = frozenset({"yum", "dnf", "microdnf", "rpm", "tdnf"})
_ALL = _APT | _APK | _RPM


@dataclass(frozen=True, slots=True)
class Candidate:
    reference: str  # what FROM would say
    kind: str  # "slim" | "alpine" | "distroless"


def _kind(found: ImageRelease) -> str:
    if found.os is not None and found.os.product == "alpine-linux":
        return "alpine"
    if "slim" in found.variant:
        return "slim"
    return "full"


def leaner_candidates(found: ImageRelease, tags: Iterable[str]) -> list[Candidate]:
    """The same version's smaller variants among ``tags``, leanest last."""
    if found.version is None or found.family.is_os:
        return []
    have = set(tags)
    kind = _kind(found)
    head = found.version
    extra = [v for v in found.variant if v != "slim"]
    base = "-".join([head, *extra])
    out: list[Candidate] = []
    if kind == "full":
        os_token = found.os.token if found.os is not None else None
        for tag in ([f"{base}-slim-{os_token}"] if os_token else []) + [f"{base}-slim"]:
            if tag in have:
                out.append(Candidate(f"{found.name}:{tag}", "slim"))
                break
    if kind != "alpine":
        alpine = sorted(
            (t for t in have if t == f"{base}-alpine" or t.startswith(f"{base}-alpine3.")),
            key=lambda t: (t != f"{base}-alpine", t),
        )
        if alpine:
            out.append(Candidate(f"{found.name}:{alpine[0]}", "alpine"))
    distroless = DISTROLESS.get(found.product)
    # only beside Docker Hub's images: a build pulling from a mirror or a private registry
    # is not sent to another registry (nor are its lookups)
    if distroless is not None and parse_image_ref(found.name).domain == DOCKER_HUB:
        out.append(Candidate(distroless, "distroless"))
    return out


def missing_tools(candidate: Candidate, used: Iterable[str]) -> list[str]:
    """Package managers the stage's RUNs use that the candidate lacks."""
    used = set(used)
    if candidate.kind == "distroless":
        lacks = _ALL
    elif candidate.kind == "alpine":
        lacks = _APT | _RPM
    else:
        lacks = _APK | _RPM
    return sorted(used & lacks)


def stage_commands(model: Model, stage: Stage) -> set[str]:
    """The command names the stage's RUNs use (the shell in force from the model)."""
    names: set[str] = set()
    steps, _ = shell_walk(model.parse.items, stage.first, stage.end, stage_shell(model, stage))
    for _item, inst, shell in steps:
        if inst.name == "RUN":
            for script in run_scripts(inst, shell):
                names.update(c.name for c in script.script.commands)
    return names

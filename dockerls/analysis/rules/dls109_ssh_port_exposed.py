"""DLS109: EXPOSE 22, an SSH server added to an image that serves something else."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Instruction

# images whose product is a service over SSH (git hosting, SFTP, an SSH
# server): repository paths, without registry
SSH_SERVICE_IMAGES = frozenset(
    {
        "atmoz/sftp",
        "charmbracelet/soft-serve",
        "forgejo/forgejo",
        "gitea/gitea",
        "gitlab/gitlab-ce",
        "gitlab/gitlab-ee",
        "gogs/gogs",
        "jenkins/ssh-agent",
        "linuxserver/openssh-server",
        "panubo/sshd",
    }
)
# SSH daemons: the container's main process when its ENTRYPOINT/CMD runs one
SSH_DAEMONS = frozenset({"sshd", "dropbear", "tinysshd"})
# programs that serve git or files over SSH
_SSH_SERVICES = re.compile(
    r"(?<![\w-])(git-shell|gitolite3?|gitlab-shell|gitea|gogs|forgejo|soft-serve|sftp|internal-sftp)(?![\w])",
    re.IGNORECASE,
)


def _port(value: str) -> str:
    v = value.strip("\"'")
    port = v.split("/", 1)[0]
    if ":" in port:  # ip:host:container forms are not valid EXPOSE, but be lenient
        port = port.rsplit(":", 1)[1]
    return port


def _chain(stage: Stage, model: Model) -> Iterator[Stage]:
    """``stage`` and the stages it is built on, nearest first."""
    seen: set[int] = set()
    cur: Stage | None = stage
    while cur is not None and cur.index not in seen:
        seen.add(cur.index)
        yield cur
        cur = model.parent_stage(cur)


def _basename(word: str) -> str:
    return word.strip("\"'").replace("\\", "/").rsplit("/", 1)[-1].lower()


def _start_commands(chain: list[Stage]) -> list[Instruction]:
    """The ENTRYPOINT and CMD in force at the end of the chain's first stage."""
    out: list[Instruction] = []
    for name in ("ENTRYPOINT", "CMD"):
        for st in chain:
            last = None
            for _idx, inst in st.by_name(name):
                last = inst
            if last is not None:
                out.append(last)
                break
    return out


def _exposes(chain: list[Stage]) -> Iterator[Instruction]:
    """The EXPOSE instructions of the chain, ONBUILD triggers included."""
    for st in chain:
        for _idx, inst in st.instructions:
            target = inst.sub if inst.name == "ONBUILD" else inst
            if target is not None and target.name == "EXPOSE":
                yield target


def ssh_is_the_service(stage: Stage, model: Model) -> bool:
    """Whether SSH is what the image serves rather than an add-on to it.

    Any of: it is built on an image whose product is a service over SSH
    (:data:`SSH_SERVICE_IMAGES`); its ENTRYPOINT or CMD runs an SSH daemon (the
    daemon is the main process); port 22 is the only port it exposes; or it
    installs or configures a program that serves git or files over SSH
    (git-shell, gitolite, gitlab-shell, Gitea, Gogs, Forgejo, Soft Serve, SFTP).
    """
    chain = list(_chain(stage, model))
    root = chain[-1].image_ref
    if root is not None and "/".join(root.path.lower().split("/")[-2:]) in SSH_SERVICE_IMAGES:
        return True
    for inst in _start_commands(chain):
        if any(_basename(w) in SSH_DAEMONS for w in inst.values):
            return True
    ports = {_port(w.value) for inst in _exposes(chain) for w in inst.words}
    if ports == {"22"}:
        return True
    return any(
        _SSH_SERVICES.search(inst.text)
        for st in chain
        for _i, inst in st.by_name("RUN", "ENV", "ARG", "COPY", "ADD")
    )


class SshPortExposed(Rule):
    """What it does:
    Flags `EXPOSE 22` (also `22/tcp`) in an image whose product is something
    else than SSH: an SSH daemon added beside the application.  Images that
    exist to serve SSH are left alone: those built on an SSH or git server
    image (Gitea, GitLab, Gogs, Forgejo, Soft Serve, `atmoz/sftp`,
    `linuxserver/openssh-server`...), those whose `ENTRYPOINT` or `CMD` runs
    the SSH daemon (`sshd`, `dropbear`), those that expose no port but 22,
    and those that set up a program serving git or files over SSH
    (`git-shell`, gitolite, `gitlab-shell`, SFTP).

    Why it matters:
    A container should run one process.  An SSH daemon next to the
    application adds keys or passwords to protect, packages to patch and a
    second process to supervise.  `docker exec` (or `kubectl exec`) already
    gives a shell, and `docker cp` or volumes move files.

    Example:
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends openssh-server supervisor
    EXPOSE 22 8000
    CMD ["supervisord", "-n"]
    ```

    Fix:
    Remove the SSH server and the `EXPOSE 22`; use `docker exec -it <container> sh`.
    """

    code = "DLS109"
    name = "ssh-port-exposed"
    severity = Severity.INFO
    group = "best-practice"
    kinds = frozenset({"EXPOSE"})

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        service: bool | None = None
        for idx, inst in stage.instructions:
            target = inst.sub if inst.name == "ONBUILD" else inst
            if target is None or target.name != "EXPOSE":
                continue
            for w in target.words:
                if _port(w.value) != "22":
                    continue
                if service is None:
                    service = ssh_is_the_service(stage, model)
                if service:
                    return
                yield Finding(
                    w.span, f"`EXPOSE {w.value}` publishes SSH: use `docker exec` instead", item=idx
                )


RULE = SshPortExposed()

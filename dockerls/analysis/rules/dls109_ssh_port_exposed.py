"""DLS109: EXPOSE 22, an SSH server in a container."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction


def _port(value: str) -> str:
    v = value.strip("\"'")
    port = v.split("/", 1)[0]
    if ":" in port:  # ip:host:container forms are not valid EXPOSE, but be lenient
        port = port.rsplit(":", 1)[1]
    return port


class SshPortExposed(Rule):
    """What it does:
    Flags `EXPOSE 22` (also `22/tcp`), the sign of an SSH server running
    inside the container.

    Why it matters:
    A container should run one process.  An SSH daemon adds keys or
    passwords to protect, packages to patch and a second process to
    supervise.  `docker exec` (or `kubectl exec`) already gives a shell,
    and `docker cp` or volumes move files.

    Example:
    ```dockerfile
    RUN apt-get install -y openssh-server
    EXPOSE 22
    ```

    Fix:
    Remove the SSH server and the `EXPOSE 22`; use `docker exec -it <container> sh`.
    """

    code = "DLS109"
    name = "ssh-port-exposed"
    severity = Severity.INFO
    group = "best-practice"
    kinds = frozenset({"EXPOSE"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for w in inst.words:
            if _port(w.value) == "22":
                yield Finding(
                    w.span, f"`EXPOSE {w.value}` publishes SSH: use `docker exec` instead"
                )


RULE = SshPortExposed()

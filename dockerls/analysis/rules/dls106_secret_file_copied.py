"""DLS106: a credentials file copied into the image."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import operands, strip_quotes
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction

# base names of files that hold credentials
_SECRET_NAMES = frozenset(
    {
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".env",
        ".git-credentials",
        ".dockercfg",
    }
)
# parent folder / name pairs
_SECRET_PATHS = (("ssh", ""), (".ssh", ""), (".aws", "credentials"), (".docker", "config.json"))


def secret_kind(path: str) -> str | None:
    """The credentials file ``path`` names, or None."""
    p = strip_quotes(path).rstrip("/")
    if not p or "$" in p:
        return None
    parts = p.split("/")
    base = parts[-1]
    if base in _SECRET_NAMES:
        return base
    parent = parts[-2] if len(parts) > 1 else ""
    for folder, name in _SECRET_PATHS:
        if name == "" and base == folder:
            return folder + "/"
        if name and base == name and parent == folder:
            return f"{folder}/{name}"
    return None


class SecretFileCopied(Rule):
    """What it does:
    Flags `COPY` or `ADD` of a file that holds credentials: SSH private
    keys (`id_rsa`, `id_ed25519`...), a `.ssh` folder, `.npmrc`, `.pypirc`,
    `.netrc`, `.env`, `.git-credentials`, `.aws/credentials` and
    `.docker/config.json`.  Copies from another stage (`--from`) are
    included: the file still lands in this image.

    Why it matters:
    Everything copied stays in a layer, even when a later `RUN rm` deletes
    it: anyone who can pull the image can read the secret with
    `docker save` or `docker history`.

    Example:
    ```dockerfile
    COPY .npmrc /root/.npmrc
    RUN npm ci && rm /root/.npmrc
    ```

    Fix:
    Mount the secret for the one step that needs it; it is never written to
    a layer:
    ```dockerfile
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```
    and build with `docker build --secret id=npmrc,src=.npmrc .`.  For SSH,
    use `RUN --mount=type=ssh` with `docker build --ssh default`.
    """

    code = "DLS106"
    name = "secret-file-copied"
    severity = Severity.WARNING
    group = "best-practice"
    kinds = frozenset({"COPY", "ADD"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if inst.heredocs:
            return
        ops = operands(inst)
        for value, span in ops[:-1]:
            kind = secret_kind(value)
            if kind is not None:
                yield Finding(
                    span,
                    f"`{strip_quotes(value)}` puts credentials in a layer:"
                    " use `RUN --mount=type=secret` instead",
                )


RULE = SecretFileCopied()

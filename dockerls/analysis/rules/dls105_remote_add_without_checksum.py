"""DLS105: ADD of a remote file without ``--checksum``."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import get_flag, operands, strip_quotes
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction


def _is_http(value: str) -> bool:
    low = strip_quotes(value).lower()
    if not low.startswith(("http://", "https://")):
        return False
    path = low.split("?", 1)[0].split("#", 1)[0]
    # a Git repository (BuildKit clones `.git` URLs and `#ref` fragments)
    return not (path.endswith(".git") or "#" in low or "keep-git-dir" in low)


class RemoteAddWithoutChecksum(Rule):
    """What it does:
    Flags `ADD https://...` (an HTTP or HTTPS file) that has no
    `--checksum=sha256:...` flag.  Git sources are not checked.

    Why it matters:
    Without a checksum the build trusts whatever the server returns that
    day: a changed, truncated or tampered download ends up in the image
    silently, and the layer cache cannot tell that the file changed.
    `--checksum` makes BuildKit verify the file and fail loudly.

    Example:
    ```dockerfile
    ADD https://example.com/tool.tar.gz /tmp/
    ```

    Fix:
    ```dockerfile
    ADD --checksum=sha256:<digest of the file> https://example.com/tool.tar.gz /tmp/
    ```
    """

    code = "DLS105"
    name = "remote-add-without-checksum"
    severity = Severity.INFO
    group = "best-practice"
    kinds = frozenset({"ADD"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if get_flag(inst, "checksum") is not None:
            return
        ops = operands(inst)
        for value, span in ops[:-1]:
            if _is_http(value):
                yield Finding(
                    span,
                    f"`{strip_quotes(value)}` is downloaded without `--checksum`: pin its sha256",
                )


RULE = RemoteAddWithoutChecksum()

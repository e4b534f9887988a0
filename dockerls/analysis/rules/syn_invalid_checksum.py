"""InvalidChecksum: ADD --checksum that is not a well-formed digest."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import checksum_problem, has_var
from dockerls.syntax.nodes import Instruction


class InvalidChecksum(Rule):
    """What it does:
    Flags an `ADD --checksum` value that is not `sha256:`, `sha384:` or
    `sha512:` followed by the right number of lowercase hex digits (64, 96
    or 128). Values with variables are not checked.

    Why it matters:
    BuildKit parses the digest before downloading and rejects a malformed one;
    a digest with a wrong length can never match.

    Example:
    ```dockerfile
    ADD --checksum=sha256:abc123 https://example.com/tool.tgz /tmp/
    ```

    Fix:
    Paste the full digest, e.g. the output of `sha256sum`, after `sha256:`.
    """

    code = "InvalidChecksum"
    name = "invalid-checksum"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"ADD"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for fl in inst.flags:
            if fl.name != "checksum" or not fl.value or has_var(fl.value):
                continue
            why = checksum_problem(fl.value)
            if why is not None and fl.value_span is not None:
                yield Finding(fl.value_span, f"Checksum `{fl.value}` {why}")


RULE = InvalidChecksum()

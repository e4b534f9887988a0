"""Pure tests of dockerls.features.signature_help (cursor marked with $0)."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.signature_help import signature_help
from dockerls.syntax import spec
from tests.features.helpers import parsed

CAPS = ClientCaps()


def active(src: str) -> tuple[str, str]:
    """(active signature label, active parameter text)."""
    p, m, pos = parsed(src)
    h = signature_help(p, m, pos, CAPS)
    assert h is not None
    assert h.active_signature is not None and h.active_parameter is not None
    sig = h.signatures[h.active_signature]
    assert sig.parameters is not None
    label = sig.parameters[h.active_parameter].label
    assert isinstance(label, tuple)
    return sig.label, sig.label[label[0] : label[1]]


@pytest.mark.parametrize("inst", [s.name for s in spec.INSTRUCTIONS])
def test_every_instruction_has_signatures(inst: str) -> None:
    base = "" if inst == "FROM" else "FROM a\n"
    p, m, pos = parsed(f"{base}{inst} $0")
    h = signature_help(p, m, pos, CAPS)
    assert h is not None
    assert [s.label for s in h.signatures] == list(spec.instruction(inst).usage)  # type: ignore[union-attr]
    for s in h.signatures:
        for prm in s.parameters or []:
            assert isinstance(prm.label, tuple)
            a, b = prm.label
            assert 0 <= a < b <= len(s.label)


def test_shell_form_flags_and_command() -> None:
    assert active("FROM a\nRUN $0")[1] == "<command>"
    assert active("FROM a\nRUN --netw$0")[1] == "[--network=<mode>]"
    assert active("FROM a\nRUN --mount=type=cache,$0")[1] == "[--mount=<spec>]"
    assert active("FROM a\nRUN --network=none apt-get $0")[1] == "<command>"


def test_exec_form_tracks_elements() -> None:
    label, prm = active('FROM a\nCMD ["$0')
    assert label == 'CMD ["<executable>", "<param>", ...]' and prm == '"<executable>"'
    assert active('FROM a\nCMD ["a", $0')[1] == '"<param>"'
    assert active('FROM a\nCMD ["a", "b", $0')[1] == "..."
    assert active('FROM a\nRUN ["sh", "-c, x", $0')[1] == "..."


def test_heredoc_form() -> None:
    label, _ = active("FROM a\nRUN <<EOF$0\necho\nEOF\n")
    assert "<<EOF" in label
    label, prm = active("FROM a\nCOPY <<EOF /dest$0\nhi\nEOF\n")
    assert label.startswith("COPY <<EOF") and prm == "<dest>"


def test_healthcheck_per_flag_and_none() -> None:
    assert active("FROM a\nHEALTHCHECK --timeout=$0")[1] == "[--timeout=<d>]"
    assert active("FROM a\nHEALTHCHECK --retries=3 --start-inter$0")[1] == "[--start-interval=<d>]"
    assert active("FROM a\nHEALTHCHECK --retries=3 C$0")[1] == "CMD"
    assert active("FROM a\nHEALTHCHECK CMD curl -f $0")[1] == "<command>"
    assert active("FROM a\nHEALTHCHECK NONE$0") == ("HEALTHCHECK NONE", "NONE")


def test_from_positions() -> None:
    assert active("FROM al$0")[1] == "<image>[:<tag>|@<digest>]"
    assert active("FROM alpine A$0")[1] == "[AS <name>]"
    assert active("FROM --platform=$0")[1] == "[--platform=<platform>]"


def test_env_legacy_form() -> None:
    assert active("FROM a\nENV key $0")[0] == "ENV <key> <value>"
    assert active("FROM a\nENV key=$0")[0].startswith("ENV <key>=<value>")


def test_onbuild_and_outside_instructions() -> None:
    assert active("FROM a\nONBUILD $0")[0] == "ONBUILD <INSTRUCTION>"
    assert active("FROM a\nONBUILD COPY --from=$0")[1].startswith("[--from")
    for src in ("FROM a\n# remark$0", "FROM a\n$0", "FROM a\nRU$0"):
        p, m, pos = parsed(src)
        assert signature_help(p, m, pos, CAPS) is None
    p, m, _ = parsed("FROM a$0")
    assert signature_help(p, m, lsp.Position(40, 0), CAPS) is None

"""The spec knows every flag, mount type and mount key real Dockerfiles use.

The corpus is parsed with the `dockerfile` package (BuildKit's own parser), so
"flag" means exactly what BuildKit treats as a flag.
"""

from __future__ import annotations

from collections import Counter

import dockerfile
import pytest

from dockerls.syntax import spec
from tests.support import CORPUS_FILES, corpus_files

pytestmark = [
    pytest.mark.corpus,
]


def _commands(text: str) -> list[dockerfile.Command]:
    """Top-level commands plus ONBUILD triggers re-parsed as commands."""
    out: list[dockerfile.Command] = []
    for cmd in dockerfile.parse_string(text):
        out.append(cmd)
        if cmd.cmd.upper() == "ONBUILD" and cmd.sub_cmd:
            trigger = cmd.original.split(None, 1)[1]
            out.extend(dockerfile.parse_string(trigger + "\n"))
    return out


def _corpus_commands() -> list[tuple[str, dockerfile.Command]]:
    found: list[tuple[str, dockerfile.Command]] = []
    for path in corpus_files():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            cmds = _commands(text)
        except dockerfile.GoParseError:
            continue
        found.extend((str(path.relative_to(CORPUS_FILES)), c) for c in cmds)
    return found


@pytest.fixture(scope="module")
def corpus_commands() -> list[tuple[str, dockerfile.Command]]:
    cmds = _corpus_commands()
    assert len(cmds) > 1000, "corpus unexpectedly small"
    return cmds


def _split_flag(raw: str) -> tuple[str, str | None]:
    body = raw[2:] if raw.startswith("--") else raw
    name, eq, value = body.partition("=")
    return name, (value if eq else None)


def test_every_corpus_flag_is_known(corpus_commands: list[tuple[str, dockerfile.Command]]) -> None:
    unknown: list[str] = []
    seen: Counter[tuple[str, str]] = Counter()
    for where, cmd in corpus_commands:
        name = cmd.cmd.upper()
        for raw in cmd.flags:
            flag_name, _ = _split_flag(raw)
            seen[(name, flag_name)] += 1
            if spec.flag(name, flag_name) is None:
                unknown.append(f"{where}: {name} --{flag_name}")
    assert not unknown, "flags missing from spec:\n" + "\n".join(unknown[:50])
    # the scan really saw flags (guards against a parser change hiding them)
    assert seen[("COPY", "from")] > 100
    assert seen[("RUN", "mount")] > 100
    assert seen[("FROM", "platform")] > 10


def test_enum_flag_values_in_corpus_are_allowed(
    corpus_commands: list[tuple[str, dockerfile.Command]],
) -> None:
    bad: list[str] = []
    checked = 0
    for where, cmd in corpus_commands:
        for raw in cmd.flags:
            flag_name, value = _split_flag(raw)
            f = spec.flag(cmd.cmd, flag_name)
            if f is None or f.kind is not spec.ValueKind.ENUM or value is None or "$" in value:
                continue
            checked += 1
            if value not in f.values:
                bad.append(f"{where}: {raw}")
    assert not bad, "\n".join(bad)
    assert checked > 0


def _mount_options(value: str) -> dict[str, str | None]:
    opts: dict[str, str | None] = {}
    for part in value.split(","):
        key, eq, val = part.partition("=")
        opts[key.strip().lower()] = val if eq else None
    return opts


def test_every_corpus_mount_type_and_key_is_known(
    corpus_commands: list[tuple[str, dockerfile.Command]],
) -> None:
    unknown: list[str] = []
    types_seen: Counter[str] = Counter()
    for where, cmd in corpus_commands:
        if cmd.cmd.upper() != "RUN":
            continue
        for raw in cmd.flags:
            flag_name, value = _split_flag(raw)
            if flag_name != "mount" or value is None:
                continue
            opts = _mount_options(value)
            type_name = opts.get("type") or spec.DEFAULT_MOUNT_TYPE
            if "$" in type_name:
                continue
            mt = spec.mount_type(type_name)
            if mt is None:
                unknown.append(f"{where}: type={type_name}")
                continue
            types_seen[mt.name] += 1
            for key in opts:
                if mt.key(key) is None:
                    unknown.append(f"{where}: {mt.name} mount key {key!r}")
    assert not unknown, "mount options missing from spec:\n" + "\n".join(unknown[:50])
    assert types_seen["cache"] > 10
    assert len(types_seen) >= 3

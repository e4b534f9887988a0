"""The Dockerfile language spec: tables are consistent and lookups behave."""

from __future__ import annotations

import re

import pytest

from dockerls.syntax import spec
from dockerls.syntax.spec import Form, ValueKind

EXPECTED_INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
    "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
    "HEALTHCHECK", "SHELL",
}  # fmt: skip

EXPECTED_FLAGS = {
    "FROM": {"platform"},
    "RUN": {"mount", "network", "security", "device"},
    "COPY": {"from", "chown", "chmod", "link", "parents", "exclude"},
    "ADD": {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"},
    "HEALTHCHECK": {"interval", "timeout", "start-period", "start-interval", "retries"},
}

EXPECTED_CHECKS = {
    "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
    "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
    "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat", "InvalidBaseImagePlatform", "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv", "InvalidDefaultArgInFrom", "FromPlatformFlagConstDisallowed",
    "CopyIgnoredFile", "InvalidDefinitionDescription", "ExposeProtoCasing", "ExposeInvalidFormat",
}  # fmt: skip


def test_instruction_set_is_exactly_the_eighteen() -> None:
    assert set(spec.INSTRUCTION_NAMES) == EXPECTED_INSTRUCTIONS
    assert len(spec.INSTRUCTIONS) == 18


def test_flag_sets_per_instruction() -> None:
    for inst in spec.INSTRUCTIONS:
        names = {f.name for f in inst.flags}
        assert names == EXPECTED_FLAGS.get(inst.name, set()), inst.name
        assert len(names) == len(inst.flags), f"duplicate flag in {inst.name}"
        for f in inst.flags:
            assert f.instruction == inst.name


def test_flag_details() -> None:
    network = spec.flag("RUN", "network")
    assert network is not None
    assert network.kind is ValueKind.ENUM
    assert network.values == ("default", "none", "host")
    security = spec.flag("RUN", "--security")
    assert security is not None and security.values == ("sandbox", "insecure")
    device = spec.flag("RUN", "device")
    assert device is not None and device.experimental
    assert not any(f.experimental for f in spec.ALL_FLAGS if f is not device)
    mount = spec.flag("RUN", "mount")
    assert mount is not None and mount.repeatable and mount.kind is ValueKind.MOUNT
    link = spec.flag("COPY", "link")
    assert link is not None and link.kind is ValueKind.BOOLEAN and not link.value_required
    assert spec.flag("COPY", "from") is not None
    assert spec.flag("COPY", "from").kind is ValueKind.STAGE  # type: ignore[union-attr]
    assert spec.flag("FROM", "platform").kind is ValueKind.PLATFORM  # type: ignore[union-attr]
    assert spec.flag("HEALTHCHECK", "retries").kind is ValueKind.INT  # type: ignore[union-attr]
    for name in ("interval", "timeout", "start-period", "start-interval"):
        assert spec.flag("HEALTHCHECK", name).kind is ValueKind.DURATION  # type: ignore[union-attr]
    excl = spec.flag("ADD", "exclude")
    assert excl is not None and excl.repeatable


def test_enum_flags_have_values_and_free_flags_do_not() -> None:
    for f in spec.ALL_FLAGS:
        if f.kind is ValueKind.ENUM:
            assert f.values, f.label
        if f.kind in (ValueKind.NONE, ValueKind.STRING, ValueKind.DURATION, ValueKind.INT):
            assert not f.values, f.label
        assert re.fullmatch(r"\d+\.\d+", f.since), f.since


def test_flag_allowed_values() -> None:
    assert spec.flag("COPY", "link").allowed_values == ("true", "false")  # type: ignore[union-attr]
    assert "linux/arm64" in spec.flag("FROM", "platform").allowed_values  # type: ignore[union-attr]
    mount_values = spec.flag("RUN", "mount").allowed_values  # type: ignore[union-attr]
    assert "type=cache" in mount_values and "type=ssh" in mount_values
    assert spec.flag("COPY", "chown").allowed_values == ()  # type: ignore[union-attr]


def test_flag_snippets() -> None:
    assert spec.flag("RUN", "network").snippet == "--network=${1|default,none,host|}"  # type: ignore[union-attr]
    assert spec.flag("COPY", "link").snippet == "--link"  # type: ignore[union-attr]
    assert spec.flag("HEALTHCHECK", "interval").snippet == "--interval=${1:30s}"  # type: ignore[union-attr]


def test_forms_and_heredocs() -> None:
    heredoc = {i.name for i in spec.INSTRUCTIONS if i.heredoc_allowed}
    assert heredoc == {"RUN", "COPY", "ADD"}
    exec_form = {i.name for i in spec.INSTRUCTIONS if Form.EXEC in i.forms}
    assert exec_form == {
        "RUN",
        "CMD",
        "ENTRYPOINT",
        "SHELL",
        "ADD",
        "COPY",
        "VOLUME",
        "HEALTHCHECK",
    }
    shell = spec.instruction("SHELL")
    assert shell is not None and shell.forms == (Form.EXEC,)


def test_onbuild_triggers() -> None:
    banned = {i.name for i in spec.INSTRUCTIONS if not i.onbuild_allowed}
    assert banned == {"FROM", "MAINTAINER", "ONBUILD"}


def test_arity() -> None:
    for inst in spec.INSTRUCTIONS:
        assert inst.min_args >= 1
        assert inst.max_args is None or inst.max_args >= inst.min_args
    assert spec.instruction("COPY").min_args == 2  # type: ignore[union-attr]
    assert spec.instruction("FROM").max_args == 3  # type: ignore[union-attr]
    assert spec.instruction("STOPSIGNAL").max_args == 1  # type: ignore[union-attr]


def test_deprecated_only_maintainer() -> None:
    assert [i.name for i in spec.INSTRUCTIONS if i.deprecated] == ["MAINTAINER"]


_PLACEHOLDER = re.compile(r"\$\{(\d+)(?::[^}]*|\|[^}]*\|)\}")


@pytest.mark.parametrize("inst", spec.INSTRUCTIONS, ids=lambda i: i.name)
def test_snippets_are_well_formed(inst: spec.InstructionSpec) -> None:
    assert inst.snippets
    for snip in inst.snippets:
        assert snip.body.startswith(inst.name)
        assert snip.plain.startswith(inst.name)
        assert "$" not in snip.plain
        # placeholders are numbered 1..n without gaps and nothing else uses `$`
        numbers = [int(n) for n in _PLACEHOLDER.findall(snip.body)]
        assert numbers == sorted(numbers)
        assert set(numbers) == set(range(1, len(numbers) + 1))
        assert "$" not in _PLACEHOLDER.sub("", snip.body)
    assert inst.snippet == inst.snippets[0].body
    assert inst.plain_insert == inst.snippets[0].plain
    assert inst.usage and all(u.startswith(inst.name) for u in inst.usage)
    assert inst.reference_url.startswith("https://docs.docker.com/reference/dockerfile/#")


def test_from_snippet() -> None:
    assert spec.instruction("FROM").snippet == "FROM ${1:image}:${2:tag}"  # type: ignore[union-attr]
    labels = [s.label for s in spec.instruction("HEALTHCHECK").snippets]  # type: ignore[union-attr]
    assert labels == ["HEALTHCHECK", "HEALTHCHECK NONE"]


def test_mount_types() -> None:
    assert [m.name for m in spec.MOUNT_TYPES] == ["bind", "cache", "tmpfs", "secret", "ssh"]
    cache = spec.mount_type("cache")
    assert cache is not None
    sharing = cache.key("sharing")
    assert sharing is not None and sharing.values == ("shared", "private", "locked")
    assert cache.key("dst") is cache.key("target") is cache.key("destination")
    assert cache.key("ro") is cache.key("readonly")
    assert [k.name for k in cache.required_keys] == ["target"]
    assert cache.key_doc_key("dst") == "mountkey:cache:target"
    assert cache.key("nonsense") is None and cache.key_doc_key("nonsense") is None
    # secret/ssh/bind mounts do not need a target (a bind mirrors its source); cache/tmpfs do
    for name, needs_target in {"bind": 0, "cache": 1, "tmpfs": 1, "secret": 0, "ssh": 0}.items():
        mt = spec.mount_type(name)
        assert mt is not None
        assert ("target" in [k.name for k in mt.required_keys]) == bool(needs_target), name
        assert mt.key("type") is not None
    assert spec.mount_type("SECRET") is spec.mount_type("secret")
    assert spec.mount_type("volume") is None
    secret = spec.mount_type("secret")
    assert (
        secret is not None and secret.key("env") is not None and secret.key("required") is not None
    )
    tmpfs = spec.mount_type("tmpfs")
    assert tmpfs is not None and tmpfs.key("size") is not None and tmpfs.key("from") is None
    bind = spec.mount_type("bind")
    assert bind is not None and bind.key("rw") is not None
    relabel = bind.key("relabel")
    assert relabel is not None and not relabel.buildkit


def test_mount_key_names_unique_per_type() -> None:
    for mt in spec.MOUNT_TYPES:
        names = [n for k in mt.keys for n in k.names]
        assert len(names) == len(set(names)), mt.name


def test_directives() -> None:
    assert [d.name for d in spec.DIRECTIVES] == ["syntax", "escape", "check"]
    check = spec.directive("CHECK")
    assert check is not None and check.keys == ("skip", "error", "experimental")
    escape = spec.directive("escape")
    assert escape is not None and set(escape.values) == {"\\", "`"}
    assert spec.directive("hadolint") is None


def test_build_checks() -> None:
    assert {c.name for c in spec.BUILD_CHECKS} == EXPECTED_CHECKS
    assert len(spec.BUILD_CHECKS) == 22
    assert [c.name for c in spec.BUILD_CHECKS if c.experimental] == ["InvalidDefinitionDescription"]
    for c in spec.BUILD_CHECKS:
        assert c.description and c.description.endswith(".")
        assert "\n" not in c.description
    assert spec.build_check("UndefinedVar") is not None
    assert spec.build_check("undefinedvar") is None  # rule names are case-sensitive
    check = spec.build_check("UndefinedArgInFrom")
    assert check is not None
    assert spec.kebab(check.name) == "undefined-arg-in-from"
    assert check.doc_key == "rule:UndefinedArgInFrom"


def test_kebab() -> None:
    assert spec.kebab("StageNameCasing") == "stage-name-casing"
    assert spec.kebab("FromAsCasing") == "from-as-casing"
    assert spec.kebab("JSONArgsRecommended") == "json-args-recommended"


def test_vocabularies() -> None:
    assert spec.HEALTHCHECK_SUBCOMMANDS == ("CMD", "NONE")
    assert spec.EXPOSE_PROTOCOLS == ("tcp", "udp", "sctp")
    assert "SIGTERM" in spec.STOP_SIGNALS and "SIGKILL" in spec.STOP_SIGNALS
    assert all(s.startswith("SIG") for s in spec.STOP_SIGNALS)
    assert set(spec.PLATFORMS) == {
        "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
        "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64",
    }  # fmt: skip


def test_predefined_args() -> None:
    names = [a.name for a in spec.PREDEFINED_ARGS]
    assert len(names) == len(set(names))
    for n in ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
              "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"):  # fmt: skip
        a = spec.predefined_arg(n)
        assert a is not None and a.category == "platform" and a.automatic
    proxies = [a.name for a in spec.PREDEFINED_ARGS if a.category == "proxy"]
    assert len(proxies) == 10
    assert {p.upper() for p in proxies} == {
        "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
    }  # fmt: skip
    for n in ("BUILDKIT_SYNTAX", "BUILDKIT_INLINE_CACHE", "SOURCE_DATE_EPOCH"):
        a = spec.predefined_arg(n)
        assert a is not None and a.category == "buildkit" and not a.automatic
    for a in spec.PREDEFINED_ARGS:
        assert a.description.strip() and "\n" not in a.description
    assert spec.predefined_arg("targetplatform") is None


def test_lookups() -> None:
    run = spec.instruction("run")
    assert run is not None and run.name == "RUN"
    assert spec.instruction("RUNN") is None
    assert spec.flags_for("copy") == spec.instruction("COPY").flags  # type: ignore[union-attr]
    assert spec.flags_for("CMD") == ()
    assert spec.flags_for("NOPE") == ()
    assert spec.flag("COPY", "--chown") is spec.flag("COPY", "chown")
    assert spec.flag("COPY", "checksum") is None  # ADD-only
    assert spec.flag("ADD", "from") is None  # COPY-only
    assert spec.flag("COPY", "CHOWN") is None  # flags are case-sensitive
    assert spec.flag("NOPE", "x") is None


def test_closest() -> None:
    flags = [f.label for f in spec.flags_for("COPY")]
    assert spec.closest("--chwon", flags) == "--chown"
    assert spec.closest("chmd", flags) == "--chmod"
    assert spec.closest("--form", flags) == "--from"
    assert spec.closest("--chown", flags) is None  # already correct
    assert spec.closest("--CHOWN", flags) == "--chown"  # case slip
    assert spec.closest("--zzzzzz", flags) is None
    assert spec.closest("", flags) is None
    assert spec.closest("RUNN", spec.INSTRUCTION_NAMES) == "RUN"
    assert spec.closest("ENTRYPIONT", spec.INSTRUCTION_NAMES) == "ENTRYPOINT"
    checks = [c.name for c in spec.BUILD_CHECKS]
    assert spec.closest("UndefinedVariable", checks) == "UndefinedVar"
    assert spec.closest("x", []) is None


def test_all_doc_keys_cover_everything() -> None:
    keys = spec.all_doc_keys()
    assert len(keys) == len(set(keys))
    assert "instruction:RUN" in keys and "flag:RUN:mount" in keys
    assert "mountkey:cache:sharing" in keys and "arg:TARGETPLATFORM" in keys
    assert "directive:check" in keys and not any(k.startswith("check:") for k in keys)
    assert sum(k.startswith("flag:") for k in keys) == sum(len(v) for v in EXPECTED_FLAGS.values())

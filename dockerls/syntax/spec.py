"""What the Dockerfile language is: instructions, flags, mounts, directives, checks.

This module is pure data plus a few lookups; it is the single place where
completion, hover, signature help and validation learn which instructions,
flags, ``RUN --mount`` keys, parser directives, build-check rules and
predefined build arguments exist.  It follows the BuildKit Dockerfile frontend
(``docker/dockerfile:1``).  ``since`` values name the frontend release in which
a feature became usable; they are informative, not enforced.

Longer prose for each entry lives in ``dockerls/docs`` (Markdown), keyed by
the ``doc_key`` of each entry.  Nothing here does IO.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import NamedTuple


class Form(Enum):
    """How an instruction's arguments may be written."""

    SHELL = "shell"  # plain words / a shell command line
    EXEC = "exec"  # a JSON array of strings
    HEREDOC = "heredoc"  # ``<<EOF`` bodies


class ValueKind(Enum):
    """What kind of value a flag or mount key takes."""

    NONE = "none"  # a bare switch, never a value
    BOOLEAN = "boolean"  # bare switch, or ``=true`` / ``=false``
    STRING = "string"
    DURATION = "duration"  # Go duration such as ``30s``, ``1m30s``
    INT = "int"
    ENUM = "enum"  # one of ``values``
    MOUNT = "mount"  # comma-separated ``key=value`` mount spec
    PLATFORM = "platform"  # ``os/arch[/variant]``
    STAGE = "stage"  # stage name, stage index or image reference


BOOLEAN_VALUES: tuple[str, ...] = ("true", "false")


class FlagSpec(NamedTuple):
    """One ``--name[=value]`` flag of an instruction."""

    instruction: str
    name: str  # without the leading dashes
    kind: ValueKind
    values: tuple[str, ...] = ()
    repeatable: bool = False
    value_required: bool = True
    since: str = "1.0"
    experimental: bool = False  # only in the ``-labs`` frontend
    placeholder: str = "value"  # for snippets and signatures

    @property
    def label(self) -> str:
        return f"--{self.name}"

    @property
    def doc_key(self) -> str:
        return f"flag:{self.instruction}:{self.name}"

    @property
    def allowed_values(self) -> tuple[str, ...]:
        """The values worth proposing for this flag (empty when free-form)."""
        if self.kind is ValueKind.BOOLEAN:
            return BOOLEAN_VALUES
        if self.kind is ValueKind.PLATFORM:
            return PLATFORMS
        if self.kind is ValueKind.MOUNT:
            return tuple(f"type={m.name}" for m in MOUNT_TYPES)
        return self.values

    @property
    def snippet(self) -> str:
        """LSP snippet text that completes this flag."""
        if self.kind is ValueKind.NONE:
            return self.label
        if self.kind is ValueKind.BOOLEAN and not self.value_required:
            return self.label
        if self.kind is ValueKind.ENUM and self.values:
            choices = ",".join(self.values)
            return f"{self.label}=${{1|{choices}|}}"
        return f"{self.label}=${{1:{self.placeholder}}}"


class Snippet(NamedTuple):
    """One completion proposal for an instruction keyword."""

    label: str  # e.g. ``HEALTHCHECK NONE``
    body: str  # LSP snippet syntax
    plain: str  # plain insert for clients without snippet support


class InstructionSpec(NamedTuple):
    """One Dockerfile instruction."""

    name: str
    forms: tuple[Form, ...]
    min_args: int
    max_args: int | None  # None: unbounded
    onbuild_allowed: bool
    snippets: tuple[Snippet, ...]
    usage: tuple[str, ...]  # signature-help lines, one per form
    flags: tuple[FlagSpec, ...] = ()
    deprecated: bool = False
    anchor: str = ""

    @property
    def heredoc_allowed(self) -> bool:
        return Form.HEREDOC in self.forms

    @property
    def snippet(self) -> str:
        return self.snippets[0].body

    @property
    def plain_insert(self) -> str:
        return self.snippets[0].plain

    @property
    def doc_key(self) -> str:
        return f"instruction:{self.name}"

    @property
    def reference_url(self) -> str:
        return f"{REFERENCE_URL}#{self.anchor or self.name.lower()}"


class MountKey(NamedTuple):
    """One ``key=value`` option of a ``RUN --mount`` spec."""

    name: str
    kind: ValueKind
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    required: bool = False
    value_required: bool = True
    buildkit: bool = True  # False: understood by Buildah/Podman, rejected by BuildKit
    since: str = "1.2"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class MountType(NamedTuple):
    """One ``RUN --mount=type=...`` kind."""

    name: str
    keys: tuple[MountKey, ...]
    since: str = "1.2"

    @property
    def doc_key(self) -> str:
        return f"mount:{self.name}"

    @property
    def required_keys(self) -> tuple[MountKey, ...]:
        return tuple(k for k in self.keys if k.required)

    def key(self, name: str) -> MountKey | None:
        """The key called ``name`` (or one of its aliases), case-insensitive."""
        low = name.lower()
        for k in self.keys:
            if low in k.names:
                return k
        return None

    def key_doc_key(self, name: str) -> str | None:
        k = self.key(name)
        return None if k is None else f"mountkey:{self.name}:{k.name}"


class DirectiveSpec(NamedTuple):
    """A parser directive (``# name=value`` at the very top of the file)."""

    name: str
    values: tuple[str, ...]  # example / allowed values worth proposing
    keys: tuple[str, ...] = ()  # sub-keys for ``check``
    since: str = "1.0"

    @property
    def doc_key(self) -> str:
        return f"directive:{self.name}"


class BuildCheck(NamedTuple):
    """One BuildKit build-check rule (``docker build --check``)."""

    name: str
    description: str
    since: str
    experimental: bool = False

    @property
    def doc_key(self) -> str:
        """Its page is its rule's documentation (the rule's code is the check's name)."""
        return f"rule:{self.name}"


class PredefinedArg(NamedTuple):
    """A build argument BuildKit defines without an ``ARG`` default."""

    name: str
    category: str  # "platform" | "proxy" | "buildkit"
    description: str
    automatic: bool  # set by BuildKit without any --build-arg

    @property
    def doc_key(self) -> str:
        return f"arg:{self.name}"


REFERENCE_URL = "https://docs.docker.com/reference/dockerfile/"


_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def kebab(name: str) -> str:
    """A build check's name as its documentation slug: ``UndefinedArgInFrom``
    -> ``undefined-arg-in-from``; an acronym stays one word
    (``JSONArgsRecommended`` -> ``json-args-recommended``)."""
    return _WORD_START.sub("-", name).lower()


# --------------------------------------------------------------------------
# Flags
# --------------------------------------------------------------------------

_V = ValueKind

FROM_FLAGS: tuple[FlagSpec, ...] = (
    FlagSpec("FROM", "platform", _V.PLATFORM, placeholder="linux/amd64"),
)

RUN_FLAGS: tuple[FlagSpec, ...] = (
    FlagSpec(
        "RUN",
        "mount",
        _V.MOUNT,
        repeatable=True,
        since="1.2",
        placeholder="type=cache,target=/path",
    ),
    FlagSpec("RUN", "network", _V.ENUM, values=("default", "none", "host"), since="1.3"),
    FlagSpec("RUN", "security", _V.ENUM, values=("sandbox", "insecure"), since="1.1"),
    FlagSpec(
        "RUN",
        "device",
        _V.STRING,
        repeatable=True,
        since="1.14",
        experimental=True,
        placeholder="name",
    ),
)

COPY_FLAGS: tuple[FlagSpec, ...] = (
    FlagSpec("COPY", "from", _V.STAGE, placeholder="stage"),
    FlagSpec("COPY", "chown", _V.STRING, placeholder="user:group"),
    FlagSpec("COPY", "chmod", _V.STRING, since="1.2", placeholder="0644"),
    FlagSpec("COPY", "link", _V.BOOLEAN, value_required=False, since="1.4"),
    FlagSpec("COPY", "parents", _V.BOOLEAN, value_required=False, since="1.7"),
    FlagSpec("COPY", "exclude", _V.STRING, repeatable=True, since="1.7", placeholder="pattern"),
)

ADD_FLAGS: tuple[FlagSpec, ...] = (
    FlagSpec("ADD", "chown", _V.STRING, placeholder="user:group"),
    FlagSpec("ADD", "chmod", _V.STRING, since="1.2", placeholder="0644"),
    FlagSpec("ADD", "link", _V.BOOLEAN, value_required=False, since="1.4"),
    FlagSpec("ADD", "checksum", _V.STRING, since="1.6", placeholder="sha256:digest"),
    FlagSpec("ADD", "keep-git-dir", _V.BOOLEAN, value_required=False, since="1.5"),
    FlagSpec("ADD", "exclude", _V.STRING, repeatable=True, since="1.7", placeholder="pattern"),
    FlagSpec("ADD", "unpack", _V.BOOLEAN, value_required=False, since="1.17"),
)

HEALTHCHECK_FLAGS: tuple[FlagSpec, ...] = (
    FlagSpec("HEALTHCHECK", "interval", _V.DURATION, placeholder="30s"),
    FlagSpec("HEALTHCHECK", "timeout", _V.DURATION, placeholder="30s"),
    FlagSpec("HEALTHCHECK", "start-period", _V.DURATION, placeholder="0s"),
    FlagSpec("HEALTHCHECK", "start-interval", _V.DURATION, since="1.6", placeholder="5s"),
    FlagSpec("HEALTHCHECK", "retries", _V.INT, placeholder="3"),
)

# --------------------------------------------------------------------------
# Instructions
# --------------------------------------------------------------------------

_S, _E, _H = Form.SHELL, Form.EXEC, Form.HEREDOC


def _snip(label: str, body: str, plain: str | None = None) -> Snippet:
    return Snippet(label, body, plain if plain is not None else label + " ")


INSTRUCTIONS: tuple[InstructionSpec, ...] = (
    InstructionSpec(
        "FROM",
        (_S,),
        1,
        3,
        onbuild_allowed=False,
        snippets=(_snip("FROM", "FROM ${1:image}:${2:tag}"),),
        usage=("FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",),
        flags=FROM_FLAGS,
    ),
    InstructionSpec(
        "RUN",
        (_S, _E, _H),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("RUN", "RUN ${1:command}"),),
        usage=(
            "RUN [--mount=<spec>] [--network=<mode>] [--security=<mode>] <command>",
            'RUN [--mount=<spec>] ["<executable>", "<param>", ...]',
            "RUN [--mount=<spec>] <<EOF ... EOF",
        ),
        flags=RUN_FLAGS,
    ),
    InstructionSpec(
        "CMD",
        (_S, _E),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("CMD", 'CMD ["${1:executable}"]'),),
        usage=(
            'CMD ["<executable>", "<param>", ...]',
            'CMD ["<param>", ...]',
            "CMD <command> <param> ...",
        ),
    ),
    InstructionSpec(
        "LABEL",
        (_S,),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("LABEL", 'LABEL ${1:key}="${2:value}"'),),
        usage=("LABEL <key>=<value> [<key>=<value> ...]",),
    ),
    InstructionSpec(
        "MAINTAINER",
        (_S,),
        1,
        None,
        onbuild_allowed=False,
        snippets=(_snip("MAINTAINER", "MAINTAINER ${1:name}"),),
        usage=("MAINTAINER <name>",),
        deprecated=True,
        anchor="maintainer-deprecated",
    ),
    InstructionSpec(
        "EXPOSE",
        (_S,),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("EXPOSE", "EXPOSE ${1:port}"),),
        usage=("EXPOSE <port>[/<protocol>] [<port>[/<protocol>] ...]",),
    ),
    InstructionSpec(
        "ENV",
        (_S,),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("ENV", "ENV ${1:key}=${2:value}"),),
        usage=("ENV <key>=<value> [<key>=<value> ...]", "ENV <key> <value>"),
    ),
    InstructionSpec(
        "ADD",
        (_S, _E, _H),
        2,
        None,
        onbuild_allowed=True,
        snippets=(_snip("ADD", "ADD ${1:source} ${2:dest}"),),
        usage=(
            "ADD [--chown=<user>:<group>] [--chmod=<perms>] [--checksum=<digest>] <src> ... <dest>",
            'ADD [--chown=<user>:<group>] ["<src>", ... "<dest>"]',
        ),
        flags=ADD_FLAGS,
    ),
    InstructionSpec(
        "COPY",
        (_S, _E, _H),
        2,
        None,
        onbuild_allowed=True,
        snippets=(_snip("COPY", "COPY ${1:source} ${2:dest}"),),
        usage=(
            "COPY [--from=<stage>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] <src> ... <dest>",
            'COPY [--from=<stage>] ["<src>", ... "<dest>"]',
            "COPY <<EOF <dest> ... EOF",
        ),
        flags=COPY_FLAGS,
    ),
    InstructionSpec(
        "ENTRYPOINT",
        (_S, _E),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("ENTRYPOINT", 'ENTRYPOINT ["${1:executable}"]'),),
        usage=('ENTRYPOINT ["<executable>", "<param>", ...]', "ENTRYPOINT <command> <param> ..."),
    ),
    InstructionSpec(
        "VOLUME",
        (_S, _E),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("VOLUME", 'VOLUME ["${1:/data}"]'),),
        usage=('VOLUME ["<path>", ...]', "VOLUME <path> [<path> ...]"),
    ),
    InstructionSpec(
        "USER",
        (_S,),
        1,
        1,
        onbuild_allowed=True,
        snippets=(_snip("USER", "USER ${1:user}"),),
        usage=("USER <user>[:<group>]", "USER <uid>[:<gid>]"),
    ),
    InstructionSpec(
        "WORKDIR",
        (_S,),
        1,
        1,
        onbuild_allowed=True,
        snippets=(_snip("WORKDIR", "WORKDIR ${1:/path}"),),
        usage=("WORKDIR <path>",),
    ),
    InstructionSpec(
        "ARG",
        (_S,),
        1,
        None,
        onbuild_allowed=True,
        snippets=(
            _snip("ARG", "ARG ${1:name}"),
            _snip("ARG name=default", "ARG ${1:name}=${2:default}", "ARG "),
        ),
        usage=("ARG <name>[=<default>] [<name>[=<default>] ...]",),
    ),
    InstructionSpec(
        "ONBUILD",
        (_S,),
        1,
        None,
        onbuild_allowed=False,
        snippets=(_snip("ONBUILD", "ONBUILD ${1:INSTRUCTION}"),),
        usage=("ONBUILD <INSTRUCTION>",),
    ),
    InstructionSpec(
        "STOPSIGNAL",
        (_S,),
        1,
        1,
        onbuild_allowed=True,
        snippets=(_snip("STOPSIGNAL", "STOPSIGNAL ${1:SIGTERM}"),),
        usage=("STOPSIGNAL <signal>",),
    ),
    InstructionSpec(
        "HEALTHCHECK",
        (_S, _E),
        1,
        None,
        onbuild_allowed=True,
        snippets=(
            _snip(
                "HEALTHCHECK",
                "HEALTHCHECK --interval=${1:30s} --timeout=${2:30s} CMD ${3:command}",
                "HEALTHCHECK CMD ",
            ),
            _snip("HEALTHCHECK NONE", "HEALTHCHECK NONE", "HEALTHCHECK NONE"),
        ),
        usage=(
            "HEALTHCHECK [--interval=<d>] [--timeout=<d>] [--start-period=<d>] "
            "[--start-interval=<d>] [--retries=<n>] CMD <command>",
            "HEALTHCHECK NONE",
        ),
        flags=HEALTHCHECK_FLAGS,
    ),
    InstructionSpec(
        "SHELL",
        (_E,),
        1,
        None,
        onbuild_allowed=True,
        snippets=(_snip("SHELL", 'SHELL ["${1:/bin/sh}", "${2:-c}"]', "SHELL "),),
        usage=('SHELL ["<executable>", "<param>", ...]',),
    ),
)

# --------------------------------------------------------------------------
# RUN --mount
# --------------------------------------------------------------------------

_TARGET = MountKey("target", _V.STRING, aliases=("dst", "destination"), required=True)
_BIND_TARGET = MountKey("target", _V.STRING, aliases=("dst", "destination"))
_SOURCE = MountKey("source", _V.STRING, aliases=("src",))
_FROM = MountKey("from", _V.STAGE)
_READONLY = MountKey("readonly", _V.BOOLEAN, aliases=("ro",), value_required=False)
_READWRITE = MountKey("readwrite", _V.BOOLEAN, aliases=("rw",), value_required=False)
_MODE = MountKey("mode", _V.STRING)
_UID = MountKey("uid", _V.INT)
_GID = MountKey("gid", _V.INT)
_ID = MountKey("id", _V.STRING)
_RELABEL = MountKey("relabel", _V.ENUM, values=("shared", "private"), buildkit=False)
# Buildah/Podman-only bare options (``z``/``Z`` SELinux labels, ``U`` chown);
# lookups fold case, so ``z`` also stands for ``Z``.
_SELINUX = MountKey("z", _V.NONE, value_required=False, buildkit=False)
_CHOWN = MountKey("u", _V.NONE, value_required=False, buildkit=False)
_TYPE = MountKey("type", _V.ENUM, values=("bind", "cache", "tmpfs", "secret", "ssh"))

MOUNT_TYPES: tuple[MountType, ...] = (
    MountType(
        "bind",
        # BuildKit lets a bind mount omit target (it then mirrors the source)
        (_TYPE, _BIND_TARGET, _SOURCE, _FROM, _READWRITE, _READONLY, _RELABEL, _SELINUX, _CHOWN),
    ),
    MountType(
        "cache",
        (
            _TYPE,
            _TARGET,
            _ID,
            _READONLY,
            _READWRITE,
            MountKey("sharing", _V.ENUM, values=("shared", "private", "locked")),
            _FROM,
            _SOURCE,
            _MODE,
            _UID,
            _GID,
            _RELABEL,
            _SELINUX,
            _CHOWN,
        ),
    ),
    MountType(
        "tmpfs",
        (
            _TYPE,
            _TARGET,
            MountKey("size", _V.STRING),
            MountKey("tmpcopyup", _V.NONE, value_required=False, buildkit=False),
            MountKey("notmpcopyup", _V.NONE, value_required=False, buildkit=False),
        ),
    ),
    MountType(
        "secret",
        (
            _TYPE,
            _ID,
            MountKey("target", _V.STRING, aliases=("dst", "destination")),
            MountKey("env", _V.STRING, since="1.10"),
            MountKey("required", _V.BOOLEAN, value_required=False),
            _MODE,
            _UID,
            _GID,
        ),
    ),
    MountType(
        "ssh",
        (
            _TYPE,
            _ID,
            MountKey("target", _V.STRING, aliases=("dst", "destination")),
            MountKey("required", _V.BOOLEAN, value_required=False),
            _MODE,
            _UID,
            _GID,
        ),
    ),
)

DEFAULT_MOUNT_TYPE = "bind"

# --------------------------------------------------------------------------
# Parser directives and build checks
# --------------------------------------------------------------------------

CHECK_KEYS: tuple[str, ...] = ("skip", "error", "experimental")

DIRECTIVES: tuple[DirectiveSpec, ...] = (
    DirectiveSpec(
        "syntax",
        ("docker/dockerfile:1", "docker/dockerfile:1-labs", "docker.io/docker/dockerfile:1"),
    ),
    DirectiveSpec("escape", ("\\", "`")),
    DirectiveSpec(
        "check", ("skip=all", "error=true", "experimental=all"), keys=CHECK_KEYS, since="1.8"
    ),
)

BUILD_CHECKS: tuple[BuildCheck, ...] = (
    BuildCheck("StageNameCasing", "A stage name given after AS contains uppercase letters.", "1.8"),
    BuildCheck("FromAsCasing", "The AS keyword is not cased the same way as its FROM.", "1.8"),
    BuildCheck(
        "NoEmptyContinuation", "A continued instruction has an empty line in the middle.", "1.8"
    ),
    BuildCheck(
        "ConsistentInstructionCasing",
        "Instruction keywords are written in a mix of upper and lower case.",
        "1.8",
    ),
    BuildCheck("DuplicateStageName", "Two build stages share the same name.", "1.8"),
    BuildCheck(
        "ReservedStageName", "A stage is named with a reserved word (scratch or context).", "1.8"
    ),
    BuildCheck(
        "JSONArgsRecommended",
        "CMD or ENTRYPOINT uses shell form, so the program will not receive stop signals.",
        "1.8",
    ),
    BuildCheck(
        "MaintainerDeprecated", "MAINTAINER is deprecated; record authors in a LABEL.", "1.8"
    ),
    BuildCheck(
        "UndefinedArgInFrom",
        "FROM refers to a build argument that is not declared before it.",
        "1.8",
    ),
    BuildCheck(
        "WorkdirRelativePath",
        "WORKDIR is relative while no absolute WORKDIR was set earlier in the stage.",
        "1.8",
    ),
    BuildCheck("UndefinedVar", "A variable is used before any ARG or ENV defines it.", "1.8"),
    BuildCheck(
        "MultipleInstructionsDisallowed",
        "A stage repeats CMD, ENTRYPOINT or HEALTHCHECK; only the last one counts.",
        "1.8",
    ),
    BuildCheck(
        "LegacyKeyValueFormat",
        "ENV or LABEL uses the old space-separated form instead of key=value.",
        "1.8",
    ),
    BuildCheck(
        "InvalidBaseImagePlatform",
        "The base image was pulled for a platform other than the one being built.",
        "1.8",
    ),
    BuildCheck(
        "RedundantTargetPlatform",
        "FROM --platform=$TARGETPLATFORM repeats what is already the default.",
        "1.9",
    ),
    BuildCheck(
        "SecretsUsedInArgOrEnv",
        "An ARG or ENV name suggests it carries a secret, which would end up in the image.",
        "1.9",
    ),
    BuildCheck(
        "InvalidDefaultArgInFrom",
        "With its default build arguments, a FROM line names no valid image.",
        "1.9",
    ),
    BuildCheck(
        "FromPlatformFlagConstDisallowed",
        "FROM --platform is set to a fixed value instead of a build argument.",
        "1.9",
    ),
    BuildCheck("CopyIgnoredFile", "A COPY or ADD source is excluded by .dockerignore.", "1.9"),
    BuildCheck(
        "InvalidDefinitionDescription",
        "A comment just above a stage or ARG does not start with that stage's or ARG's name.",
        "1.11",
        experimental=True,
    ),
    BuildCheck("ExposeProtoCasing", "An EXPOSE protocol is not written in lower case.", "1.18"),
    BuildCheck(
        "ExposeInvalidFormat",
        "EXPOSE includes an IP address or a host:container port mapping.",
        "1.18",
    ),
)

# --------------------------------------------------------------------------
# Small vocabularies
# --------------------------------------------------------------------------

HEALTHCHECK_SUBCOMMANDS: tuple[str, ...] = ("CMD", "NONE")

STOP_SIGNALS: tuple[str, ...] = (
    "SIGTERM",
    "SIGINT",
    "SIGQUIT",
    "SIGKILL",
    "SIGHUP",
    "SIGUSR1",
    "SIGUSR2",
    "SIGWINCH",
    "SIGSTOP",
    "SIGABRT",
    "SIGALRM",
    "SIGCONT",
    "SIGPWR",
    "SIGRTMIN+3",
)

EXPOSE_PROTOCOLS: tuple[str, ...] = ("tcp", "udp", "sctp")

PLATFORMS: tuple[str, ...] = (
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
    "windows/amd64",
)

RESERVED_STAGE_NAMES: tuple[str, ...] = ("scratch", "context")


def _arg(name: str, category: str, description: str, automatic: bool) -> PredefinedArg:
    return PredefinedArg(name, category, description, automatic)


def _proxy(name: str, what: str) -> PredefinedArg:
    return _arg(name, "proxy", f"Proxy to use for {what}.", False)


PREDEFINED_ARGS: tuple[PredefinedArg, ...] = (
    _arg("TARGETPLATFORM", "platform", "Platform being built for, e.g. linux/arm64.", True),
    _arg("TARGETOS", "platform", "Operating-system part of TARGETPLATFORM, e.g. linux.", True),
    _arg("TARGETARCH", "platform", "Architecture part of TARGETPLATFORM, e.g. arm64.", True),
    _arg(
        "TARGETVARIANT", "platform", "Variant part of TARGETPLATFORM, e.g. v7 (often empty).", True
    ),
    _arg("BUILDPLATFORM", "platform", "Platform of the machine running the build.", True),
    _arg("BUILDOS", "platform", "Operating-system part of BUILDPLATFORM.", True),
    _arg("BUILDARCH", "platform", "Architecture part of BUILDPLATFORM.", True),
    _arg("BUILDVARIANT", "platform", "Variant part of BUILDPLATFORM.", True),
    _proxy("HTTP_PROXY", "plain HTTP requests"),
    _proxy("http_proxy", "plain HTTP requests (lower-case spelling)"),
    _proxy("HTTPS_PROXY", "HTTPS requests"),
    _proxy("https_proxy", "HTTPS requests (lower-case spelling)"),
    _proxy("FTP_PROXY", "FTP requests"),
    _proxy("ftp_proxy", "FTP requests (lower-case spelling)"),
    _proxy("NO_PROXY", "hosts that bypass the proxy"),
    _proxy("no_proxy", "hosts that bypass the proxy (lower-case spelling)"),
    _proxy("ALL_PROXY", "any protocol without its own proxy setting"),
    _proxy("all_proxy", "any protocol without its own proxy setting (lower-case spelling)"),
    _arg(
        "BUILDKIT_SYNTAX",
        "buildkit",
        "Selects the Dockerfile frontend image, overriding the syntax directive.",
        False,
    ),
    _arg(
        "BUILDKIT_INLINE_CACHE",
        "buildkit",
        "When 1, embeds cache metadata in the image so it can serve as a cache source.",
        False,
    ),
    _arg(
        "BUILDKIT_CACHE_MOUNT_NS",
        "buildkit",
        "Namespace prefixed to cache-mount ids, to keep separate builds' caches apart.",
        False,
    ),
    _arg(
        "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
        "buildkit",
        "When 1, keeps the .git directory of a Git build context.",
        False,
    ),
    _arg(
        "BUILDKIT_MULTI_PLATFORM",
        "buildkit",
        "When 1, produces a multi-platform result even for a single platform.",
        False,
    ),
    _arg(
        "BUILDKIT_SANDBOX_HOSTNAME",
        "buildkit",
        "Hostname seen by RUN commands during the build.",
        False,
    ),
    _arg(
        "BUILDKIT_DOCKERFILE_CHECK",
        "buildkit",
        "Build-check settings in the same form as the check directive.",
        False,
    ),
    _arg(
        "SOURCE_DATE_EPOCH",
        "buildkit",
        "Unix timestamp used for file and image dates, for reproducible builds.",
        False,
    ),
)

# --------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------

_INSTRUCTIONS_BY_NAME: dict[str, InstructionSpec] = {i.name: i for i in INSTRUCTIONS}
_MOUNTS_BY_NAME: dict[str, MountType] = {m.name: m for m in MOUNT_TYPES}
_DIRECTIVES_BY_NAME: dict[str, DirectiveSpec] = {d.name: d for d in DIRECTIVES}
_CHECKS_BY_NAME: dict[str, BuildCheck] = {c.name: c for c in BUILD_CHECKS}
_ARGS_BY_NAME: dict[str, PredefinedArg] = {a.name: a for a in PREDEFINED_ARGS}

INSTRUCTION_NAMES: tuple[str, ...] = tuple(_INSTRUCTIONS_BY_NAME)
ALL_FLAGS: tuple[FlagSpec, ...] = tuple(f for i in INSTRUCTIONS for f in i.flags)


def instruction(name: str) -> InstructionSpec | None:
    """The instruction called ``name`` (keywords are case-insensitive)."""
    return _INSTRUCTIONS_BY_NAME.get(name.upper())


def flags_for(name: str) -> tuple[FlagSpec, ...]:
    """The flags an instruction accepts; empty for unknown instructions."""
    spec = instruction(name)
    return () if spec is None else spec.flags


def flag(instruction_name: str, flag_name: str) -> FlagSpec | None:
    """One flag of an instruction.  ``flag_name`` may carry leading dashes.

    Flag names are case-sensitive in BuildKit, so no case folding is done.
    """
    bare = flag_name.lstrip("-")
    for f in flags_for(instruction_name):
        if f.name == bare:
            return f
    return None


def mount_type(name: str) -> MountType | None:
    """The ``RUN --mount`` type called ``name`` (case-insensitive, like BuildKit)."""
    return _MOUNTS_BY_NAME.get(name.lower())


def directive(name: str) -> DirectiveSpec | None:
    """The parser directive called ``name`` (case-insensitive)."""
    return _DIRECTIVES_BY_NAME.get(name.lower())


def build_check(name: str) -> BuildCheck | None:
    """The build-check rule called ``name`` (case-sensitive, like BuildKit)."""
    return _CHECKS_BY_NAME.get(name)


def predefined_arg(name: str) -> PredefinedArg | None:
    """The predefined build argument called ``name`` (case-sensitive)."""
    return _ARGS_BY_NAME.get(name)


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most similar to ``name``, for "did you mean ...?" hints.

    Comparison ignores case and leading dashes; the candidate is returned as
    given.  A name that already equals a candidate gets ``None`` (nothing to
    correct); one that differs only in case gets that candidate.  ``None``
    also means nothing is similar enough.
    """
    bare = name.lstrip("-")
    norm = bare.lower()
    if not norm:
        return None
    by_norm: dict[str, str] = {}
    for c in candidates:
        if c.lstrip("-") == bare:
            return None
        by_norm.setdefault(c.lstrip("-").lower(), c)
    if norm in by_norm:
        return by_norm[norm]
    import difflib  # loaded by the first misspelt name

    matches = difflib.get_close_matches(norm, list(by_norm), n=1, cutoff=cutoff)
    return by_norm[matches[0]] if matches else None


def all_doc_keys() -> tuple[str, ...]:
    """Every documentation key the spec expects ``dockerls.docs`` to answer
    (build checks are documented by their rules)."""
    keys: list[str] = [i.doc_key for i in INSTRUCTIONS]
    keys += [f.doc_key for f in ALL_FLAGS]
    for m in MOUNT_TYPES:
        keys.append(m.doc_key)
        keys += [f"mountkey:{m.name}:{k.name}" for k in m.keys]
    keys += [d.doc_key for d in DIRECTIVES]
    keys += [a.doc_key for a in PREDEFINED_ARGS]
    return tuple(keys)

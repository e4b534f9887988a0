"""UndefinedVar: a variable used before any ARG/ENV defines it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dockerls.analysis.model import PROXY_ARGS, Model, Stage, may_reference
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.analysis.rules.bk_common import (
    DEFAULTING_MODIFIERS,
    NON_ENV_ARGS,
    chain,
    suggest,
    text_refs,
    word_refs,
)
from dockerls.syntax.nodes import Instruction, Span

# instructions whose arguments BuildKit expands itself (RUN, CMD and
# ENTRYPOINT are expanded by the shell at run time, not by the builder)
EXPANDED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
EXPANDED_FLAGS = frozenset({"chown", "chmod", "from"})

# Variables an external base image is assumed to define.  BuildKit reads the
# real image config; offline we only know the default PATH and the variables
# the official language images conventionally set.
ASSUMED_IMAGE_ENV = frozenset(
    {
        "PATH",
        "HOME",
        "LANG",
        "GOPATH",
        "GOLANG_VERSION",
        "GOTOOLCHAIN",
        "JAVA_HOME",
        "JAVA_VERSION",
        "JDK_VERSION",
        "NODE_VERSION",
        "YARN_VERSION",
        "PYTHON_VERSION",
        "PYTHON_SHA256",
        "PYTHON_PIP_VERSION",
        "GPG_KEY",
        "RUBY_VERSION",
        "RUBY_MAJOR",
        "GEM_HOME",
        "BUNDLE_APP_CONFIG",
        "BUNDLE_SILENCE_ROOT_WARNING",
        "PHP_VERSION",
        "PHP_INI_DIR",
        "PHPIZE_DEPS",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUST_VERSION",
        "CATALINA_HOME",
        "TOMCAT_VERSION",
        "MAVEN_HOME",
        "MAVEN_CONFIG",
        "GRADLE_HOME",
        "DOTNET_VERSION",
        "ASPNET_VERSION",
        "ERLANG_VERSION",
        "ELIXIR_VERSION",
        "DEBIAN_FRONTEND",
        "NGINX_VERSION",
        "HTTPD_PREFIX",
        "PGDATA",
        "PG_MAJOR",
        "PG_VERSION",
    }
)


def _checked_refs(inst: Instruction, escape: str) -> Iterable[tuple[str, str, Span]]:
    for f in inst.flags:
        if f.name in EXPANDED_FLAGS and f.value is not None:
            for ref, span in text_refs(f.value, f.value_span, escape):
                yield ref.name, ref.modifier, span
    # heredoc markers (``<<EOF``) are no references, but ENV, ARG and LABEL have none
    markers = not inst.json and inst.name not in ("ENV", "ARG", "LABEL")
    for w in inst.words:
        v = w.value
        if "$" not in v or (markers and v.startswith("<<")):
            continue  # no reference (``var_refs`` finds none without a `$`)
        for ref, span in word_refs(w, escape):
            yield ref.name, ref.modifier, span


def stage_env_names(model: Model, stage: Stage) -> tuple[set[str], bool]:
    """Names defined when ``stage`` starts, and whether the base is known
    (scratch or a stage of this file)."""
    defined: set[str] = {"PATH"}
    bases = chain(model, stage)
    root = bases[-1]
    known = root.image_ref is not None and root.image_ref.is_scratch
    if not known:
        defined |= ASSUMED_IMAGE_ENV
    for st in reversed(bases[1:]):
        for d in st.definitions():
            if d.kind == "ENV":
                defined.add(d.name)
    return defined, known


class UndefinedVar(Rule):
    """What it does:
    Flags a `$NAME` in an instruction the builder expands (`COPY`, `ADD`,
    `ENV`, `ARG`, `LABEL`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`,
    `STOPSIGNAL`) when no `ARG` or `ENV` earlier in the stage (or in the
    stage it builds on) defines it. A global ARG must be redeclared with a
    bare `ARG NAME` inside the stage to be visible there. References with a
    fallback (`${NAME:-x}`, `${NAME:+x}`) are not flagged, nor are BuildKit's
    proxy arguments. A close defined name is suggested.

    Why it matters:
    An undefined variable silently expands to an empty string, so
    `COPY $SRC /app` copies the whole context and `WORKDIR /opt/$APP`
    becomes `/opt/`.

    Example:
    ```dockerfile
    ARG VERSION=1.0
    FROM alpine:3.20
    LABEL version=$VERSION
    ```

    Fix:
    Define it first (`ARG VERSION` inside the stage to use the global
    value), or fix the typo. Variables set by an external base image are not
    known offline; a few common ones (`PATH`, `JAVA_HOME`, `GOPATH`, ...) are
    assumed to exist.
    """

    code = "UndefinedVar"
    name = "undefined-variable"
    severity = Severity.WARNING
    group = "buildkit"
    kinds = EXPANDED

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        escape = model.escape
        # the names defined so far: built at the first reference (most stages have none),
        # then joined by the stage's own definitions before each instruction checked
        defined: Callable[[int], set[str]] | None = None
        for idx, inst in stage.instructions:
            if inst.name not in EXPANDED or not may_reference(inst):
                continue  # no reference to check
            reported: set[str] = set()
            for name, modifier, span in _checked_refs(inst, escape):
                if modifier in DEFAULTING_MODIFIERS or name in NON_ENV_ARGS or name in PROXY_ARGS:
                    continue
                if defined is None:
                    defined = stage.defined_before(stage_env_names(model, stage)[0])
                names = defined(idx)
                if name in names or name in reported:
                    continue
                reported.add(name)
                near = suggest(name, names)
                hint = f" (did you mean `{near}`?)" if near else ""
                yield Finding(span, f"`{name}` is not defined at this point{hint}", item=idx)


RULE = UndefinedVar()

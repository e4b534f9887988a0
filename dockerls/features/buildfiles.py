"""The Compose and Bake side: what the server answers in a Compose or Bake file, and the
Compose/Bake sites of a Dockerfile's stages and ARGs.

Only these features, not a general Compose or Bake server: diagnostics (a ``target`` naming
no stage, an ``args`` key no ARG declares, a ``dockerfile`` that does not exist, and what the
reader could not use), definition from ``target:`` to the stage and from an ``args`` key to
its ARG, references (a stage's or an ARG's Compose/Bake sites with the Dockerfile's own),
completion of stage names after ``target`` and of ARG names under ``args``, and a document
link from ``dockerfile:`` to the file.  The checks are ``analysis.buildcheck``'s; this module
only maps them to LSP.  Pure: the caller gives the texts and the Dockerfiles' models.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from dockerls.analysis.buildcheck import arg_names, check_build, target_stage
from dockerls.analysis.builds import (
    Build,
    Origin,
    Problem,
    is_bake_file,
    is_build_file,
    is_compose_file,
    is_dockerfile_name,
)
from dockerls.analysis.buildview import context_names, context_readers, contexts_for
from dockerls.analysis.model import Definition, Model
from dockerls.features import rename as rename_mod
from dockerls.features.caps import ClientCaps
from dockerls.features.context import Kind, classify
from dockerls.features.hover import Markup, stage_text, text_line_offset
from dockerls.features.positions import item_range, lines_column, lines_range, offset_of
from dockerls.features.references import (
    DECLARATION,
    STAGE,
    VARIABLE,
    Occurrence,
    occ_range,
    occurrence_at,
)
from dockerls.features.rename import RenameError
from dockerls.syntax.hclpos import keys_at, locate
from dockerls.syntax.lines import line_start
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse

if TYPE_CHECKING:
    from dockerls.analysis.engine import LintConfig
    from dockerls.features.completion import ListDir

__all__ = [
    "BuildDoc",
    "Dockerfile",
    "build_sites",
    "completion",
    "definition",
    "dockerfile_rename",
    "document_links",
    "hover",
    "is_bake_file",
    "is_build_file",
    "is_compose_file",
    "prepare_rename",
    "problems",
    "references",
    "rename",
]

_TARGET_VALUE = re.compile(r"""^\s*"?target"?\s*[:=]\s*["']?([\w.-]*)$""")
_DOCKERFILE_VALUE = re.compile(r"""^\s*"?dockerfile"?\s*[:=]\s*["']?([\w./-]*)$""")
_ARG_KEY = re.compile(r"""^\s*(?:-\s*)?["']?(\w*)$""")
_CONTEXT_KEY = re.compile(r"""^\s*(?:-\s*)?["']?([\w./-]*)$""")
_YAML_KEY = re.compile(r"""^(\s*)(?:-\s+)?["']?([^\s:#"'][^:#"']*?)["']?\s*:(?:\s|$)""")


@dataclass(frozen=True)
class Dockerfile:
    """A Dockerfile a build uses, as the server has it (open, or read from disk), and
    its path as builds name it (``Build.dockerfile``)."""

    uri: str
    parse: Parse
    model: Model
    path: str


@dataclass(frozen=True)
class BuildDoc:
    """A Compose or Bake file with its project's builds (their origins may be in other files
    of the project) and the Dockerfiles they use (None: the file can't be read)."""

    path: str
    text: str
    builds: tuple[Build, ...]
    reader_problems: tuple[Problem, ...]
    dockerfiles: Mapping[str, Dockerfile | None]
    # the builds of the file's last readable text: completion goes on while it doesn't parse
    recent: tuple[Build, ...] = ()

    def lines(self) -> list[str]:
        return self.text.splitlines()

    def here(self, origin: Origin | None) -> bool:
        return origin is not None and origin.path == self.path

    def mine(self) -> list[Build]:
        """The builds with something written in this file."""
        return [
            b
            for b in self.builds
            if any(map(self.here, (b.origin, b.target_origin, b.dockerfile_origin)))
            or any(map(self.here, b.arg_origins.values()))
            or any(map(self.here, b.context_origins.values()))
        ]

    def dockerfile(self, build: Build) -> Dockerfile | None:
        return self.dockerfiles.get(build.dockerfile) if build.dockerfile else None


def problems(doc: BuildDoc, config: LintConfig) -> list[Problem]:
    """The diagnostics of the file: the reader's problems and each build's checks, where
    they are in this file, as ``config`` shows them (its ignored codes left out, its
    levels set)."""
    out = [p for p in doc.reader_problems if p.origin is None or doc.here(p.origin)]
    for build in doc.mine():
        found = doc.dockerfile(build)
        out += [p for p in check_build(build, found.model if found else None) if doc.here(p.origin)]
    return [shown for p in out if (shown := p.shown(config.level)) is not None]


def _contains(origin: Origin, line: int, col: int) -> bool:
    return (origin.line, origin.col) <= (line, col) <= (origin.end_line, origin.end_col)


def _cursor(doc: BuildDoc, pos: lsp.Position, caps: ClientCaps) -> tuple[int, int]:
    return pos.line, lines_column(doc.lines(), pos, caps.encoding)


def _stage_location(df: Dockerfile, build: Build, caps: ClientCaps) -> lsp.Location | None:
    stage = target_stage(build, df.model)
    if stage is None or stage.name_span is None:
        return None
    span = stage.name_span
    return lsp.Location(
        df.uri, item_range(df.parse, stage.first, span.start, span.end, caps.encoding)
    )


def _arg_declarations(df: Dockerfile, name: str) -> list[Definition]:
    """The ARGs that declare ``name``: the global ones, else every stage's."""
    found = [d for d in df.model.global_args if d.kind == "ARG" and d.name == name]
    if not found:
        found = [
            d
            for stage in df.model.stages
            for d in stage.definitions()
            if d.kind == "ARG" and d.name == name
        ]
    return found


def _arg_locations(df: Dockerfile, name: str, caps: ClientCaps) -> list[lsp.Location]:
    """Where ``name`` is declared by an ARG (``_arg_declarations``)."""
    return [
        lsp.Location(
            df.uri,
            item_range(df.parse, d.item, d.name_span.start, d.name_span.end, caps.encoding),
        )
        for d in _arg_declarations(df, name)
    ]


def _site_at(doc: BuildDoc, line: int, col: int) -> tuple[Build, str | None] | None:
    """The build and what the cursor is on: a ``target`` value (None) or an ``args`` key."""
    for build in doc.builds:
        origin = build.target_origin
        if origin is not None and doc.here(origin) and _contains(origin, line, col):
            return build, None
        for key, origin in build.arg_origins.items():
            if doc.here(origin) and _contains(origin, line, col):
                return build, key
    return None


def _site_built(
    doc: BuildDoc, pos: lsp.Position, caps: ClientCaps
) -> tuple[Build, str | None, Dockerfile] | None:
    """The site at the cursor (``_site_at``) and the Dockerfile its build uses."""
    site = _site_at(doc, *_cursor(doc, pos, caps))
    if site is None:
        return None
    build, key = site
    df = doc.dockerfile(build)
    return None if df is None else (build, key, df)


def _context_at(
    doc: BuildDoc, pos: lsp.Position, caps: ClientCaps
) -> tuple[Build, str, Dockerfile] | None:
    """The named context key at the cursor, its build and the Dockerfile that build uses."""
    line, col = _cursor(doc, pos, caps)
    for build in doc.builds:
        for key, origin in build.context_origins.items():
            if doc.here(origin) and _contains(origin, line, col):
                df = doc.dockerfile(build)
                return None if df is None else (build, key, df)
    return None


def _context_text(build: Build, key: str, df: Dockerfile, t: Markup) -> str:
    """A named context key's hover: its value, and the Dockerfile's lines that read it."""
    lines = [f"{t.bold('Named build context')} {t.code(key)}"]
    if key in build.contexts:
        lines.append(f"This build ({build.name}) gives {t.code(build.contexts[key])}")
    readers = context_readers(df.model, build, key)
    for item in readers:
        line = df.parse.lines[item]
        text = df.parse.items[item].text.split("\n", 1)[0]
        lines.append(f"Read on {t.link(f'line {line + 1}', df.uri, line)}: {t.code(text)}")
    if not readers:
        lines.append("Nothing in the Dockerfile reads it (no FROM, --from or from= names it)")
    return ("\n\n" if t.markdown else "\n").join(lines)


def _dockerfile_at(
    doc: BuildDoc, pos: lsp.Position, caps: ClientCaps
) -> tuple[list[Build], Dockerfile, Origin] | None:
    """The ``dockerfile`` value at the cursor: the builds that take it (a Bake target's
    value is its heirs' too), the Dockerfile (open, or read from disk: None when it can't
    be read) and the value's place."""
    line, col = _cursor(doc, pos, caps)
    builds = [
        b
        for b in doc.builds
        if b.dockerfile_origin is not None
        and doc.here(b.dockerfile_origin)
        and _contains(b.dockerfile_origin, line, col)
    ]
    df = doc.dockerfile(builds[0]) if builds else None
    if df is None or builds[0].dockerfile_origin is None:
        return None
    return builds, df, builds[0].dockerfile_origin


def definition(doc: BuildDoc, pos: lsp.Position, caps: ClientCaps) -> list[lsp.Location] | None:
    """From a ``target`` value to its stage, from an ``args`` key to its ARG, from a
    ``dockerfile`` value to the file."""
    found = _site_built(doc, pos, caps)
    if found is None:
        named = _dockerfile_at(doc, pos, caps)
        if named is None:
            return None
        start = lsp.Position(0, 0)
        return [lsp.Location(named[1].uri, lsp.Range(start, start))]
    build, key, df = found
    if key is None:
        stage = _stage_location(df, build, caps)
        return [stage] if stage is not None else None
    return _arg_locations(df, key, caps) or None


def hover(doc: BuildDoc, pos: lsp.Position, caps: ClientCaps) -> lsp.Hover | None:
    """On a ``target`` value: the stage it builds.  On an ``args`` key: the value this build
    gives it, and the ARGs of the Dockerfile that take it, with their defaults.  On a
    named context's key: its value, and the lines of the Dockerfile that read it.  On a
    ``dockerfile`` value: the file's stages, and the one the build builds."""
    t = Markup(caps.markdown)
    found = _site_built(doc, pos, caps)
    context = None if found is not None else _context_at(doc, pos, caps)
    text: str | None
    origin: Origin | None
    if found is not None:
        build, key, df = found
        origin = build.target_origin if key is None else build.arg_origins[key]
        text = _site_text(build, key, df, t)
    elif context is not None:
        build, key, df = context
        origin = build.context_origins[key]
        text = _context_text(build, key, df, t)
    else:
        named = _dockerfile_at(doc, pos, caps)
        if named is None:
            return None
        builds, df, origin = named
        text = _dockerfile_text(builds, df, os.path.relpath(df.path, Path(doc.path).parent), t)
    if text is None or origin is None:
        return None
    kind = lsp.MarkupKind.Markdown if caps.markdown else lsp.MarkupKind.PlainText
    span = (origin.line, origin.col, origin.end_line, origin.end_col)
    return lsp.Hover(lsp.MarkupContent(kind, text), lines_range(doc.lines(), *span, caps.encoding))


def _dockerfile_text(builds: list[Build], df: Dockerfile, shown: str, t: Markup) -> str:
    """A ``dockerfile`` value's hover: the file (``shown`` as the link's text), its stages,
    the one each build that takes it builds (its target, else the last stage)."""
    stages = df.model.stages
    lines = [f"{t.bold('Dockerfile')} {t.link(shown, df.uri, 0)}"]
    if stages:
        lines.append(f"Stages: {', '.join(t.code(st.name or f'#{st.index}') for st in stages)}")
    for build in builds:
        built = target_stage(build, df.model) if build.target else stages[-1] if stages else None
        if built is not None:
            name = built.name or f"#{built.index}"
            lines.append(f"{build.name} builds {t.code(name)}")
    return ("\n\n" if t.markdown else "\n").join(lines)


def _site_text(build: Build, key: str | None, df: Dockerfile, t: Markup) -> str | None:
    """The hover of a ``target`` value (``key`` None) or an ``args`` key."""
    if key is None:
        stage = target_stage(build, df.model)
        if stage is None:
            return None  # no such stage: its diagnostic says so
        return stage_text(df.parse, stage, t, df.uri)
    lines = [f"{t.bold('Build argument')} {t.code(key)}"]
    if key in build.args:
        lines.append(f"This build ({build.name}) sets it to {t.code(build.args[key])}")
    declared = _arg_declarations(df, key)
    for d in declared:
        line = df.parse.lines[d.item] + text_line_offset(df.parse, d)
        where = t.link(f"line {line + 1}", df.uri, line)
        default = f"default {t.code(d.value)}" if d.value is not None else "no default"
        lines.append(f"{t.code('ARG')} on {where} of the Dockerfile, {default}")
    if not declared:
        lines.append("No ARG of the Dockerfile takes it: the build sets it for nothing")
    return ("\n\n" if t.markdown else "\n").join(lines)


def _origin_location(
    origin: Origin, text_of: Callable[[str], str | None], caps: ClientCaps
) -> lsp.Location | None:
    text = text_of(origin.path)
    if text is None:
        return None
    where = (origin.line, origin.col, origin.end_line, origin.end_col)
    return lsp.Location(
        Path(origin.path).as_uri(), lines_range(text.splitlines(), *where, caps.encoding)
    )


def context_definition(
    p: Parse,
    model: Model,
    pos: lsp.Position,
    caps: ClientCaps,
    text_of: Callable[[str], str | None],
) -> list[lsp.Location] | None:
    """From a FROM image, or a ``--from``/``from=`` value, that known builds take from a
    named context: where each of them sets that context (its key in the Compose or Bake
    file)."""
    if not p.items or line_start(p, pos.line) is None:
        return None
    c = classify(p, offset_of(p, pos, caps.encoding))
    stage = model.stage_of(c.item)
    if stage is None:
        return None
    if c.kind in (Kind.IMAGE, Kind.IMAGE_TAG) and c.item == stage.first:
        contexts = contexts_for(model, stage)
    elif (c.kind is Kind.FLAG_VALUE and c.flag == "from") or (
        c.kind is Kind.MOUNT_VALUE and c.key == "from"
    ):
        contexts = contexts_for(model, stage, c.text)
    else:
        return None
    out: list[lsp.Location] = []
    for build, key in contexts:
        origin = build.context_origins.get(key)
        found = _origin_location(origin, text_of, caps) if origin is not None else None
        if found is not None and found not in out:
            out.append(found)
    return out or None


def build_sites(
    dockerfile: str,
    kind: str,
    name: str,
    builds: Iterable[Build],
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> list[lsp.Location]:
    """The Compose/Bake sites naming a stage (``kind`` STAGE: ``target`` values) or an ARG
    (VARIABLE: ``args`` keys) of ``dockerfile``."""
    return [loc for _origin, loc in _sites(dockerfile, kind, name, builds, text_of, caps)]


def _sites(
    dockerfile: str,
    kind: str,
    name: str,
    builds: Iterable[Build],
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> list[tuple[Origin, lsp.Location]]:
    out: list[tuple[Origin, lsp.Location]] = []
    for build in builds:
        if build.dockerfile != dockerfile:
            continue
        if kind == STAGE and build.target and build.target.lower() == name.lower():
            origin = build.target_origin
        elif kind == VARIABLE:
            origin = build.arg_origins.get(name)
        else:
            origin = None
        found = _origin_location(origin, text_of, caps) if origin is not None else None
        if origin is not None and found is not None and all(found != loc for _o, loc in out):
            out.append((origin, found))
    return out


def dockerfile_references(
    df: Dockerfile,
    pos: lsp.Position,
    builds: Iterable[Build],
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> list[lsp.Location]:
    """The Compose/Bake sites of the stage or ARG under the cursor in a Dockerfile."""
    return [loc for _o, loc in _dockerfile_sites(df, pos, builds, text_of, caps)[1]]


def _dockerfile_sites(
    df: Dockerfile,
    pos: lsp.Position,
    builds: Iterable[Build],
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> tuple[Occurrence | None, list[tuple[Origin, lsp.Location]]]:
    found = occurrence_at(df.parse, df.model, pos, caps)
    if found is None:
        return None, []
    idx, k = found
    occ = idx.occurrences[k]
    if occ.kind == STAGE and occ.name:
        return occ, _sites(df.path, STAGE, occ.name, builds, text_of, caps)
    if occ.kind == VARIABLE and any(
        o.role == DECLARATION and _is_arg(df.parse, o.item) for o in idx.same_entity(k)
    ):
        return occ, _sites(df.path, VARIABLE, occ.name, builds, text_of, caps)
    return occ, []


# plain YAML scalars that don't read back as the same string (YAML 1.1 and 1.2)
_YAML_SPECIAL = re.compile(r"(?i:y|n|yes|no|on|off|true|false|null|~)\Z")


def dockerfile_rename(
    df: Dockerfile,
    pos: lsp.Position,
    new_name: str,
    builds: Iterable[Build],
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> dict[str, list[lsp.TextEdit]]:
    """The edits renaming, in the Compose and Bake files, the stage or ARG under the cursor
    in a Dockerfile: each ``target`` value or ``args`` key that names it.  A site that
    doesn't spell the name out (an interpolation, a variable) can't follow a rename, so
    the rename is refused (``RenameError``, naming the site) rather than leave a build
    that no longer finds its stage or passes its argument."""
    occ, sites = _dockerfile_sites(df, pos, builds, text_of, caps)
    edits: dict[str, list[lsp.TextEdit]] = {}
    for origin, loc in sites:
        assert occ is not None  # sites come with the occurrence they name
        text = text_of(origin.path)
        if text is None:
            raise RenameError(f"{Path(origin.path).name} can't be read: rename there by hand")
        line = text.splitlines()[origin.line]
        end = origin.end_col if origin.end_line == origin.line else len(line)
        written = line[origin.col : end]
        where = f"{Path(origin.path).name}:{origin.line + 1}"
        same = written.lower() == occ.name.lower() if occ.kind == STAGE else written == occ.name
        if origin.end_line != origin.line or not same:
            raise RenameError(f"{where} gives it as `{written}`: change that first")
        # a bare YAML value (not in quotes, not the key of a KEY=value string)
        bare = line[origin.col - 1 : origin.col] not in ("'", '"') and not line[end:].startswith(
            "="
        )
        if bare and is_compose_file(origin.path) and _YAML_SPECIAL.match(new_name):
            raise RenameError(f"{where}: YAML would read a bare `{new_name}` as another value")
        edits.setdefault(loc.uri, []).append(lsp.TextEdit(loc.range, new_name))
    return edits


def _declaration(
    doc: BuildDoc, pos: lsp.Position, caps: ClientCaps
) -> tuple[Build, str | None, str, Dockerfile, lsp.Location | None] | None:
    """From a ``target`` value (key None) or an ``args`` key: the build, the key, the path
    and the Dockerfile it uses, and where that declares the stage or ARG (None: nowhere)."""
    site = _site_at(doc, *_cursor(doc, pos, caps))
    if site is None:
        return None
    build, key = site
    df = doc.dockerfile(build)
    if df is None or build.dockerfile is None:
        return None
    decl = (
        _stage_location(df, build, caps)
        if key is None
        else next(iter(_arg_locations(df, key, caps)), None)
    )
    return build, key, build.dockerfile, df, decl


def _declared(
    doc: BuildDoc, pos: lsp.Position, caps: ClientCaps
) -> tuple[Build, str, Dockerfile, lsp.Location] | None:
    """:func:`_declaration`, when the Dockerfile declares the stage or ARG."""
    found = _declaration(doc, pos, caps)
    if found is None or found[4] is None:
        return None
    return found[0], found[2], found[3], found[4]


def prepare_rename(
    doc: BuildDoc, pos: lsp.Position, caps: ClientCaps
) -> lsp.PrepareRenamePlaceholder | None:
    """From a ``target`` value or an ``args`` key that the Dockerfile declares: the range
    under the cursor and the name."""
    found = _declared(doc, pos, caps)
    if found is None:
        return None
    build, _path, df, decl = found
    if rename_mod.prepare_rename(df.parse, df.model, decl.range.start, caps) is None:
        return None
    line, col = _cursor(doc, pos, caps)
    for origin in (build.target_origin, *build.arg_origins.values()):
        if origin is not None and doc.here(origin) and _contains(origin, line, col):
            where = (origin.line, origin.col, origin.end_line, origin.end_col)
            text = doc.lines()[origin.line][origin.col : origin.end_col]
            return lsp.PrepareRenamePlaceholder(
                range=lines_range(doc.lines(), *where, caps.encoding), placeholder=text
            )
    return None


def rename(
    doc: BuildDoc,
    pos: lsp.Position,
    new_name: str,
    builds_of: Callable[[str], Iterable[Build]],
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> lsp.WorkspaceEdit | None:
    """From a ``target`` value or an ``args`` key: the rename of the stage or ARG in the
    Dockerfile and at every Compose/Bake site of the builds using it (``builds_of``)."""
    found = _declared(doc, pos, caps)
    if found is None:
        return None
    _build, path, df, decl = found
    at = decl.range.start
    edit = rename_mod.rename(df.parse, df.model, at, new_name, caps, df.uri)
    if edit is None or edit.changes is None:
        return None
    outside = dockerfile_rename(df, at, new_name, builds_of(path), text_of, caps)
    return lsp.WorkspaceEdit(changes={**edit.changes, **outside})


def _is_arg(p: Parse, item: int) -> bool:
    it = p.items[item]
    return isinstance(it, Instruction) and it.name == "ARG"


def references(
    doc: BuildDoc,
    pos: lsp.Position,
    include_declaration: bool,
    text_of: Callable[[str], str | None],
    caps: ClientCaps,
) -> list[lsp.Location] | None:
    """From a ``target`` value or an ``args`` key: the stage's or ARG's occurrences in the
    Dockerfile and its Compose/Bake sites."""
    found = _declaration(doc, pos, caps)
    if found is None:
        return None
    build, key, path, df, decl = found
    inside: list[lsp.Location] = []
    if decl is not None:
        inside = [
            lsp.Location(df.uri, occ_range(df.parse, o, caps))
            for o in _entity_at(df, decl.range.start, caps)
            if include_declaration or o.role != DECLARATION
        ]
    kind, name = (STAGE, build.target or "") if key is None else (VARIABLE, key)
    return inside + build_sites(path, kind, name, doc.builds, text_of, caps)


def _entity_at(df: Dockerfile, pos: lsp.Position, caps: ClientCaps) -> list[Occurrence]:
    found = occurrence_at(df.parse, df.model, pos, caps)
    if found is None:
        return []
    idx, k = found
    return idx.same_entity(k)


def _yaml_keys(lines: list[str], line: int, indent: int) -> list[str]:
    """The keys enclosing a YAML line indented by ``indent`` (by indentation, so a file
    being typed, not yet valid YAML, still has them)."""
    stack: list[tuple[int, str]] = []
    for text in lines[:line]:
        m = _YAML_KEY.match(text)
        if m is None:
            continue
        depth = len(m.group(1))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        stack.append((depth, m.group(2)))
    return [key for depth, key in stack if depth < indent]


def _context(doc: BuildDoc, line: int, prefix: str) -> tuple[str | None, str | None]:
    """The build the cursor is in (its name), and where in it: ``build`` (its own keys, a
    Bake target's attributes), ``args`` or ``contexts`` (the named contexts' keys)."""
    inner: list[str] | None
    if is_bake_file(doc.path):
        located = locate(doc.text)
        starts = located.line_starts
        offset = (starts[line] if line < len(starts) else len(doc.text)) + len(prefix)
        keys = keys_at(located, offset)
        owner = f"bake:{keys[1]}" if len(keys) >= 2 and keys[0] == "target" else None
        inner = keys[2:] if owner is not None else None
    else:
        indent = len(prefix) - len(prefix.lstrip())
        keys = _yaml_keys(doc.lines(), line, indent)
        owner = f"compose:{keys[1]}" if len(keys) >= 2 and keys[0] == "services" else None
        inner = keys[3:] if keys[2:3] == ["build"] else None
    return owner, _SECTIONS.get(tuple(inner)) if inner is not None else None


# where in a build the cursor is, by the keys after its own (Compose: after ``build``)
_SECTIONS = {
    (): "build",
    ("args",): "args",
    ("additional_contexts",): "contexts",
    ("contexts",): "contexts",
}


def _builds_named(doc: BuildDoc, owner: str | None) -> list[Build]:
    """The builds called ``owner``, read now or recently (while the file doesn't parse)."""
    return [b for b in doc.builds + doc.recent if b.name == owner]


def _models_for(doc: BuildDoc, owner: str | None) -> list[Model]:
    """The Dockerfiles the build ``owner`` uses (every build's when it isn't one: a Bake
    target only others inherit from)."""
    builds = doc.builds if any(b.name == owner for b in doc.builds) else doc.recent
    named = [b for b in builds if b.name == owner] or doc.mine()
    found = (doc.dockerfile(b) for b in named)
    return list({id(f.model): f.model for f in found if f is not None}.values())


def completion(
    doc: BuildDoc,
    pos: lsp.Position,
    caps: ClientCaps,
    lister: Callable[[str], ListDir] | None = None,
) -> lsp.CompletionList | None:
    """Stage names after ``target``, ARG names as ``args`` keys, what the Dockerfile names
    that a named context could stand for as the named contexts' keys, and after
    ``dockerfile`` the Dockerfiles and folders of the build's context
    (``lister(context_dir)`` lists one)."""
    lines = doc.lines()
    line, col = _cursor(doc, pos, caps)
    prefix = (lines[line] if line < len(lines) else "")[:col]
    owner, section = _context(doc, line, prefix)
    in_build = section == "build"
    path = _DOCKERFILE_VALUE.match(prefix) if in_build and lister is not None else None
    if path is not None and lister is not None:
        return _dockerfile_items(doc, owner, path.group(1), line, col, caps, lister)
    target = _TARGET_VALUE.match(prefix) if in_build else None
    key = _ARG_KEY.match(prefix) if section == "args" else None
    named = _CONTEXT_KEY.match(prefix) if section == "contexts" else None
    found = target or key or named
    if found is None:
        return None
    word = found.group(1)
    rng = lines_range(lines, line, col - len(word), line, col, caps.encoding)
    if named is not None:  # a named context's key: as each of the owner's builds runs its file
        with_files = ((b, doc.dockerfile(b)) for b in _builds_named(doc, owner))
        lists = [context_names(df.model, b) for b, df in with_files if df is not None]
        kind, detail = lsp.CompletionItemKind.Reference, "read by FROM or --from"
    elif target is not None:
        lists = [[s.name for s in m.stages if s.name] for m in _models_for(doc, owner)]
        kind, detail = lsp.CompletionItemKind.Reference, "stage"
    else:
        lists = [arg_names(m) for m in _models_for(doc, owner)]
        kind, detail = lsp.CompletionItemKind.Variable, "ARG"
    items: dict[str, lsp.CompletionItem] = {}
    for name in (name for names in lists for name in names):
        edit = lsp.TextEdit(rng, name)
        items.setdefault(name, lsp.CompletionItem(name, kind=kind, detail=detail, text_edit=edit))
    return lsp.CompletionList(is_incomplete=False, items=list(items.values()))


def _dockerfile_items(
    doc: BuildDoc,
    owner: str | None,
    typed: str,
    line: int,
    col: int,
    caps: ClientCaps,
    lister: Callable[[str], ListDir],
) -> lsp.CompletionList:
    """The ``dockerfile`` value being typed: the files named like Dockerfiles and the
    folders in the folder it names so far, inside the build's context (the build file's
    folder when the build names none)."""
    builds = _builds_named(doc, owner)
    root = next((b.context for b in builds if b.context), None) or str(Path(doc.path).parent)
    folder, _, partial = typed.rpartition("/")
    rng = lines_range(doc.lines(), line, col - len(partial), line, col, caps.encoding)
    items = []
    for name, is_dir in sorted(lister(root)(folder)):
        if is_dir:
            label, kind, rank = f"{name}/", lsp.CompletionItemKind.Folder, "1"
        elif is_dockerfile_name(name):
            label, kind, rank = name, lsp.CompletionItemKind.File, "0"
        else:
            continue
        edit = lsp.TextEdit(rng, label)
        items.append(lsp.CompletionItem(label, kind=kind, sort_text=rank + name, text_edit=edit))
    return lsp.CompletionList(is_incomplete=False, items=items)


def document_links(
    doc: BuildDoc, caps: ClientCaps, exists: Callable[[Path], bool]
) -> list[lsp.DocumentLink]:
    """``dockerfile:`` values to the files they name."""
    out = []
    lines = doc.lines()
    for build in doc.mine():
        origin = build.dockerfile_origin
        if origin is None or not doc.here(origin) or build.dockerfile is None:
            continue
        path = Path(build.dockerfile)
        try:
            if not exists(path):
                continue
        except OSError:
            continue
        where = (origin.line, origin.col, origin.end_line, origin.end_col)
        out.append(
            lsp.DocumentLink(lines_range(lines, *where, caps.encoding), target=path.as_uri())
        )
    return out

"""Hover and completion documentation, stored once as Markdown package data.

Pages live next to this module (``instructions/RUN.md``, ``flags/RUN--mount.md``,
``mounts/cache.md``, ``directives/check.md``) and are addressed by keys:

==========================  ================================================
``instruction:RUN``         ``instructions/RUN.md``
``flag:RUN:mount``          ``flags/RUN--mount.md``
``mount:cache``             ``mounts/cache.md``
``mountkey:cache:sharing``  the ``### sharing`` section of ``mounts/cache.md``
``directive:check``         ``directives/check.md``
``arg:TARGETPLATFORM``      built from :data:`dockerls.syntax.spec.PREDEFINED_ARGS`
==========================  ================================================

The first line of every page is a one-line summary (used as a completion
item's ``detail``).  Plain text for clients without Markdown support is derived
mechanically by :func:`to_plain_text`; there is no second hand-written copy.
Reads are cached; nothing here touches the network.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from dockerls.syntax import spec

__all__ = ["all_keys", "markdown", "plain_text", "summary", "to_plain_text"]

_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

_DIRS: dict[str, str] = {
    "instruction": "instructions",
    "flag": "flags",
    "mount": "mounts",
    "directive": "directives",
}


def _file_for(key: str) -> tuple[str, str] | None:
    """Map a page key to ``(directory, file name)``; ``None`` if malformed."""
    kind, _, rest = key.partition(":")
    parts = rest.split(":")
    if kind == "flag" and len(parts) == 2:
        parts[1] = parts[1].lstrip("-")
    if kind not in _DIRS or not all(_SAFE.match(p) for p in parts):
        return None
    if kind == "flag":
        if len(parts) != 2:
            return None
        return _DIRS[kind], f"{parts[0].upper()}--{parts[1]}.md"
    if len(parts) != 1:
        return None
    name = parts[0]
    if kind == "instruction":
        name = name.upper()
    elif kind in ("mount", "directive"):
        name = name.lower()
    return _DIRS[kind], f"{name}.md"


@lru_cache(maxsize=1024)
def _read(directory: str, name: str) -> str | None:
    res = resources.files(__name__).joinpath(directory).joinpath(name)
    if not res.is_file():
        return None
    return res.read_text(encoding="utf-8").strip() + "\n"


_KEY_HEADING = re.compile(r"^###\s+(.+?)\s*$")


@lru_cache(maxsize=1024)
def _mount_key_sections(mount: str) -> dict[str, str]:
    """``{key or alias: section body}`` from the ``## Keys`` part of a mount page."""
    page = _read("mounts", f"{mount}.md")
    if page is None:
        return {}
    _, sep, keys_part = page.partition("\n## Keys\n")
    if not sep:
        return {}
    sections: dict[str, str] = {}
    names: list[str] = []
    body: list[str] = []

    def flush() -> None:
        text = "\n".join(body).strip()
        if names and text:
            for n in names:
                sections[n] = text + "\n"

    for line in keys_part.splitlines():
        m = _KEY_HEADING.match(line)
        if m:
            flush()
            names = [n.strip().strip("`").lower() for n in m.group(1).split(",")]
            body = []
        else:
            body.append(line)
    flush()
    return sections


def _arg_page(name: str) -> str | None:
    arg = spec.predefined_arg(name)
    if arg is None:
        return None
    if arg.category == "platform":
        how = (
            f"BuildKit sets it automatically. It is visible in `FROM` lines; inside a stage, "
            f"declare `ARG {arg.name}` (without a value) before using it."
        )
    elif arg.category == "proxy":
        how = (
            "Pass it with `--build-arg`; it can be used without an `ARG` line and, unless "
            "declared with `ARG`, it is left out of the image history."
        )
    else:
        how = f"Pass it with `--build-arg {arg.name}=...` to change how BuildKit builds the image."
    example = f'ARG {arg.name}\nRUN echo "{arg.name}=${arg.name}"'
    return f"{arg.description}\n\n{how}\n\n```dockerfile\n{example}\n```\n"


@lru_cache(maxsize=1024)
def markdown(key: str) -> str | None:
    """The Markdown page for ``key``, or ``None`` when there is none."""
    kind, _, rest = key.partition(":")
    if kind == "arg":
        return _arg_page(rest)
    if kind == "mountkey":
        mount, _, name = rest.partition(":")
        if not _SAFE.match(mount):
            return None
        return _mount_key_sections(mount.lower()).get(name.lower())
    loc = _file_for(key)
    return None if loc is None else _read(*loc)


@lru_cache(maxsize=1024)
def plain_text(key: str) -> str | None:
    """The page for ``key`` with all Markdown syntax removed."""
    md = markdown(key)
    return None if md is None else to_plain_text(md)


def summary(key: str) -> str | None:
    """The one-line summary (first line) of the page for ``key``, as plain text."""
    text = plain_text(key)
    if text is None:
        return None
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def all_keys() -> tuple[str, ...]:
    """Keys of every stored page file (``mountkey`` and ``arg`` keys excluded)."""
    root = resources.files(__name__)
    keys: list[str] = []
    for kind, directory in _DIRS.items():
        folder = root.joinpath(directory)
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".md"):
                continue
            stem = entry.name[: -len(".md")]
            if kind == "flag":
                inst, _, flag_name = stem.partition("--")
                keys.append(f"flag:{inst}:{flag_name}")
            else:
                keys.append(f"{kind}:{stem}")
    return tuple(keys)


# --------------------------------------------------------------------------
# Markdown -> plain text
# --------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_INLINE_CODE = re.compile(r"(`+)\s?(.+?)\s?\1")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_HRULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def _link_text(m: re.Match[str]) -> str:
    text, url = m.group(1), m.group(2)
    return url if text == url else f"{text} ({url})"


def _inline(text: str) -> str:
    codes: list[str] = []

    def keep(m: re.Match[str]) -> str:
        codes.append(m.group(2))
        return f"\x00{len(codes) - 1}\x00"

    def keep_escaped(m: re.Match[str]) -> str:
        codes.append(m.group(1))
        return f"\x00{len(codes) - 1}\x00"

    text = _INLINE_CODE.sub(keep, text)
    text = _ESCAPED.sub(keep_escaped, text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(_link_text, text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _STRONG.sub(lambda m: m.group(2), text)
    text = _EM_STAR.sub(lambda m: m.group(1), text)
    text = _EM_UNDERSCORE.sub(lambda m: m.group(1), text)
    return _PLACEHOLDER.sub(lambda m: codes[int(m.group(1))], text)


def to_plain_text(md: str) -> str:
    """Strip Markdown syntax: code fences become indented blocks, headings plain
    lines, links ``text (url)``, and emphasis and inline-code markers vanish."""
    out: list[str] = []
    in_code = False
    for line in md.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            out.append("    " + line if line else "")
            continue
        if _HRULE.match(line):
            out.append("")
            continue
        h = _HEADING.match(line)
        if h:
            out.append(_inline(h.group(1)))
            continue
        if line.lstrip().startswith(">"):
            line = line.lstrip()[1:].lstrip()
        out.append(_inline(line))
    return "\n".join(out).strip() + "\n"

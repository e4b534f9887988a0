"""Every spec entry has a page, pages follow their templates, plain text is clean."""

from __future__ import annotations

import glob
import inspect
import re
from pathlib import Path

import pytest

from dockerls import docs
from dockerls.analysis.rules import BY_CODE
from dockerls.features.hover import doc_markdown
from dockerls.syntax import spec

PACKAGE_DIR = Path(docs.__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_DIR.parent


@pytest.mark.parametrize("key", spec.all_doc_keys())
def test_every_spec_entry_has_a_doc_with_summary(key: str) -> None:
    md = docs.markdown(key)
    assert md is not None, f"no documentation for {key}"
    summary = docs.summary(key)
    assert summary, key
    assert summary == docs.to_plain_text(md.splitlines()[0]).strip()
    assert len(summary) <= 140, f"{key}: summary too long for a completion detail"
    assert not summary.startswith("#"), key


def test_no_orphan_pages() -> None:
    expected = set(spec.all_doc_keys())
    stored = set(docs.all_keys())
    assert stored, "no page files found as package resources"
    assert stored <= expected, f"pages with no spec entry: {sorted(stored - expected)}"
    # and the other direction for file-backed kinds
    file_kinds = ("instruction:", "flag:", "mount:", "directive:")
    assert {k for k in expected if k.startswith(file_kinds)} == stored


@pytest.mark.parametrize("inst", spec.INSTRUCTIONS, ids=lambda i: i.name)
def test_instruction_page_template(inst: spec.InstructionSpec) -> None:
    md = docs.markdown(inst.doc_key)
    assert md is not None
    lines = md.splitlines()
    assert lines[0] and not lines[0].startswith("#") and lines[1] == ""
    assert "\n## Forms\n" in md
    assert "\n## Example\n\n```dockerfile\n" in md
    assert f"]({inst.reference_url})" in md, "missing or wrong reference link"
    if inst.flags:
        assert "\n## Flags\n" in md
        flag_section = md.split("\n## Flags\n", 1)[1].split("\n## ", 1)[0]
        for f in inst.flags:
            assert f"`{f.label}" in flag_section, f"{f.label} not listed on {inst.name} page"
    else:
        assert "\n## Flags\n" not in md
    if inst.deprecated:
        assert lines[0].lower().startswith("deprecated")


@pytest.mark.parametrize("f", spec.ALL_FLAGS, ids=lambda f: f.doc_key)
def test_flag_page_shows_the_flag(f: spec.FlagSpec) -> None:
    md = docs.markdown(f.doc_key)
    assert md is not None
    example = md.split("```dockerfile\n", 1)[1].split("```", 1)[0]
    assert f"{f.instruction} " in example and f.label in example
    if f.kind is spec.ValueKind.ENUM:
        for v in f.values:
            assert f"`{v}`" in md, f"{f.doc_key} does not explain {v}"
    if f.experimental:
        assert "xperimental" in md


@pytest.mark.parametrize("check", spec.BUILD_CHECKS, ids=lambda c: c.name)
def test_build_check_page_is_its_rules_documentation(check: spec.BuildCheck) -> None:
    """One source: a check's hover page is its rule's docstring (whose example
    tests/rules/test_documented_examples.py runs), linked to Docker's page."""
    rule = BY_CODE[check.name]
    md = doc_markdown(check.doc_key)
    assert md is not None
    assert inspect.cleandoc(rule.doc) in md
    assert f"(https://docs.docker.com/go/dockerfile/rule/{spec.kebab(check.name)}/)" in md
    assert rule.experimental == check.experimental


def test_kebab_names_match_dockers_pages() -> None:
    assert spec.kebab("FromPlatformFlagConstDisallowed") == "from-platform-flag-const-disallowed"
    assert spec.kebab("SecretsUsedInArgOrEnv") == "secrets-used-in-arg-or-env"
    assert spec.kebab("UndefinedVar") == "undefined-var"
    for check in spec.BUILD_CHECKS:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", spec.kebab(check.name)), check.name


@pytest.mark.parametrize("mount", spec.MOUNT_TYPES, ids=lambda m: m.name)
def test_mount_pages_document_each_key(mount: spec.MountType) -> None:
    md = docs.markdown(mount.doc_key)
    assert md is not None
    assert f"type={mount.name}" in md or mount.name == spec.DEFAULT_MOUNT_TYPE
    for key in mount.keys:
        for name in key.names:
            page = docs.markdown(f"mountkey:{mount.name}:{name}")
            assert page, f"{mount.name}: no section for key {name}"
            assert page == docs.markdown(f"mountkey:{mount.name}:{key.name}")
        if key.required:
            assert docs.summary(f"mountkey:{mount.name}:{key.name}").startswith("Required")  # type: ignore[union-attr]
        if not key.buildkit:
            assert "BuildKit does not accept it" in page  # type: ignore[operator]
        if key.kind is spec.ValueKind.ENUM and key.name != "type":
            for v in key.values:
                assert f"`{v}`" in page  # type: ignore[operator]
    headings = re.findall(r"^### (.+)$", md, flags=re.M)
    documented = {n.strip() for h in headings for n in h.split(",")}
    known = {n for k in mount.keys for n in k.names}
    assert documented == known, f"{mount.name}: docs and spec keys differ"


def test_mount_key_lookup() -> None:
    sharing = docs.markdown("mountkey:cache:sharing")
    assert sharing is not None and "`locked`" in sharing
    assert "###" not in sharing
    assert docs.markdown("mountkey:cache:DST") == docs.markdown("mountkey:cache:target")
    assert docs.markdown("mountkey:tmpfs:sharing") is None
    assert docs.markdown("mountkey:volume:target") is None


def test_directive_check_page_lists_keys() -> None:
    md = docs.markdown("directive:check")
    assert md is not None
    for key in spec.CHECK_KEYS:
        assert f"`{key}`" in md


def test_arg_pages_come_from_spec() -> None:
    for arg in spec.PREDEFINED_ARGS:
        assert docs.summary(arg.doc_key) == arg.description
        md = docs.markdown(arg.doc_key)
        assert md is not None and f"ARG {arg.name}" in md
    assert docs.markdown("arg:MY_OWN_ARG") is None


def test_keys_are_normalised_and_unknown_keys_give_none() -> None:
    assert docs.markdown("instruction:run") == docs.markdown("instruction:RUN")
    assert docs.markdown("flag:copy:from") == docs.markdown("flag:COPY:from")
    assert docs.markdown("flag:COPY:--from") == docs.markdown("flag:COPY:from")
    assert docs.markdown("mount:CACHE") == docs.markdown("mount:cache")
    for bad in (
        "instruction:NOPE",
        "flag:COPY:checksum",
        "flag:COPY",
        "check:undefinedvar",
        "nonsense",
        "",
        "instruction:../__init__",
        "check:../instructions/RUN",
        "mountkey:../mounts/cache:sharing",
    ):
        assert docs.markdown(bad) is None, bad
        assert docs.plain_text(bad) is None
        assert docs.summary(bad) is None


def test_reads_are_cached() -> None:
    assert docs.markdown("instruction:RUN") is docs.markdown("instruction:RUN")
    assert docs.plain_text("flag:RUN:mount") is docs.plain_text("flag:RUN:mount")


# ---------------------------------------------------------------- plain text

_LEFTOVER = {
    "code fence": re.compile(r"```|~~~"),
    "heading": re.compile(r"^#{1,6}\s"),
    "inline code": re.compile(r"`[^`\n]+`"),
    "link": re.compile(r"\]\(|\[[^\]]+\]\("),
    "strong": re.compile(r"(\*\*|__)\w[^*\n]*\w\1"),
    "emphasis": re.compile(r"(?<![\w*])\*[A-Za-z][^*\n]*[A-Za-z]\*(?![\w*])"),
    "escape": re.compile(r"\\[`*_\[\]#]"),
}


def _prose_lines(text: str) -> list[str]:
    """Plain-text lines that are not (indented) code."""
    return [line for line in text.splitlines() if not line.startswith("    ")]


@pytest.mark.parametrize("key", spec.all_doc_keys())
def test_plain_text_has_no_markdown_left(key: str) -> None:
    text = docs.plain_text(key)
    assert text is not None
    for line in _prose_lines(text):
        for what, pattern in _LEFTOVER.items():
            assert not pattern.search(line), f"{key}: {what} left in {line!r}"
    # the code examples survive, indented
    md = docs.markdown(key)
    assert md is not None
    if "```dockerfile" in md:
        first_code = md.split("```dockerfile\n", 1)[1].splitlines()[0]
        assert "    " + first_code in text.splitlines()


def test_to_plain_text_conversion() -> None:
    md = (
        "Use **bold**, *em*, _also em_ and `code *not em*` here.\n"
        "\n"
        "## Heading\n"
        "\n"
        "See [the reference](https://example.com/ref) or <https://example.com/auto>.\n"
        "Keep snake_case_names, TARGET_PLATFORM, 2*3*4 and a \\*literal\\* star.\n"
        "Double ``code with ` tick`` works.\n"
        "> quoted\n"
        "\n"
        "```dockerfile\n"
        "RUN echo **not bold** # comment\n"
        "\n"
        "```\n"
        "---\n"
        "- item with [x](https://x.test)\n"
    )
    assert docs.to_plain_text(md) == (
        "Use bold, em, also em and code *not em* here.\n"
        "\n"
        "Heading\n"
        "\n"
        "See the reference (https://example.com/ref) or https://example.com/auto.\n"
        "Keep snake_case_names, TARGET_PLATFORM, 2*3*4 and a *literal* star.\n"
        "Double code with ` tick works.\n"
        "quoted\n"
        "\n"
        "    RUN echo **not bold** # comment\n"
        "\n"
        "\n"
        "- item with x (https://x.test)\n"
    )


def test_link_whose_text_is_the_url() -> None:
    assert docs.to_plain_text("[https://a.test](https://a.test)") == "https://a.test\n"


def test_summary_is_plain_first_line() -> None:
    assert docs.summary("instruction:SHELL") == (
        "Replace the shell that runs the shell form of RUN, CMD and ENTRYPOINT."
    )
    assert docs.summary(
        "instruction:MAINTAINER",
    ).startswith("Deprecated")  # type: ignore[union-attr]


# ---------------------------------------------------------------- packaging


def test_package_data_glob_ships_every_page() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(
        r"^\[tool\.setuptools\.package-data\]\s*\ndockerls\s*=\s*\[(.*?)\]", pyproject, re.M | re.S
    )
    assert m, "pyproject has no package-data entry for dockerls"
    patterns = re.findall(r'"([^"]+)"', m.group(1))
    shipped: set[str] = set()
    for pattern in patterns:
        shipped |= set(glob.glob(pattern, root_dir=PACKAGE_DIR, recursive=True))
    pages = {p.relative_to(PACKAGE_DIR).as_posix() for p in (PACKAGE_DIR / "docs").rglob("*.md")}
    assert len(pages) >= len(spec.INSTRUCTIONS) + len(spec.ALL_FLAGS)
    assert pages <= shipped, f"not shipped: {sorted(pages - shipped)}"

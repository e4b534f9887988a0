"""Rename never changes what the build does.

It renames only the references that really read the variable: what BuildKit
expands, and in RUN scripts the ``$NAME`` reads the shell takes from the
environment (not those the script set itself); it refuses a name whose value
comes from BuildKit or the shell, a read that may be either variable, and any
new name after which a reference would resolve to something else.  Renames are
reversible (a property test over the corpus and generated files)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp

from dockerls.analysis.model import build_model
from dockerls.features.caps import ClientCaps
from dockerls.features.references import VARIABLE, definitions_of, index
from dockerls.features.rename import RenameError, prepare_rename, rename
from dockerls.syntax.parser import Parse, parse
from tests.features.helpers import parsed, position_at
from tests.features.test_rename import URI, apply, do
from tests.support import corpus_files

CAPS = ClientCaps()


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        # the shell set it first: its own variable from there on
        (
            "FROM a\nARG F$0OO=1\nRUN FOO=2; echo $FOO\n",
            "FROM a\nARG NEW=1\nRUN FOO=2; echo $FOO\n",
        ),
        (
            "FROM a\nARG F$0OO=1\nRUN echo $FOO; FOO=2; echo ${FOO}\n",
            "FROM a\nARG NEW=1\nRUN echo $NEW; FOO=2; echo ${FOO}\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN export FOO=x && echo $FOO\n",
            "FROM a\nARG NEW\nRUN export FOO=x && echo $FOO\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN read -r FOO < /f; echo $FOO\n",
            "FROM a\nARG NEW\nRUN read -r FOO < /f; echo $FOO\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN for FOO in a b; do echo $FOO; done\n",
            "FROM a\nARG NEW\nRUN for FOO in a b; do echo $FOO; done\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN f() { local FOO=1; echo $FOO; }; f; echo $FOO\n",
            "FROM a\nARG NEW\nRUN f() { local FOO=1; echo $FOO; }; f; echo $NEW\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN unset FOO; echo ${FOO:-d}\n",
            "FROM a\nARG NEW\nRUN unset FOO; echo ${FOO:-d}\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN echo $((FOO + 1)); FOO=$((FOO * 2)); echo $FOO\n",
            "FROM a\nARG NEW\nRUN echo $((NEW + 1)); FOO=$((NEW * 2)); echo $FOO\n",
        ),
        # not set by the shell where the read happens: the build's variable
        (
            "FROM a\nARG F$0OO\nRUN (FOO=1); echo x | read FOO; FOO=2 env; echo $FOO\n",
            "FROM a\nARG NEW\nRUN (FOO=1); echo x | read FOO; FOO=2 env; echo $NEW\n",
        ),
        (
            "FROM a\nARG F$0OO\nRUN export FOO; echo $FOO\n",
            "FROM a\nARG NEW\nRUN export FOO; echo $NEW\n",
        ),
        # sh -c strings read the environment too; `'...'` at the top level does not
        (
            "FROM a\nARG F$0OO\nRUN sh -c 'echo $FOO' && echo '$FOO'\n",
            "FROM a\nARG NEW\nRUN sh -c 'echo $NEW' && echo '$FOO'\n",
        ),
        (
            'FROM a\nARG F$0OO\nRUN ["sh", "-c", "echo $FOO"]\nRUN ["echo", "$FOO"]\n',
            'FROM a\nARG NEW\nRUN ["sh", "-c", "echo $NEW"]\nRUN ["echo", "$FOO"]\n',
        ),
        # the shell of a heredoc command line expands an unquoted body
        (
            "FROM a\nARG F$0OO\nRUN FOO=1; cat <<EOF\n$FOO\nEOF\n",
            "FROM a\nARG NEW\nRUN FOO=1; cat <<EOF\n$FOO\nEOF\n",
        ),
        # BuildKit expands RUN flags
        (
            "FROM a\nARG F$0OO\nRUN --mount=type=cache,id=$FOO,target=/c FOO=1; echo $FOO\n",
            "FROM a\nARG NEW\nRUN --mount=type=cache,id=$NEW,target=/c FOO=1; echo $FOO\n",
        ),
        # CMD/ENTRYPOINT run in the container: no ARG is left there, ENV is
        (
            "FROM a\nARG F$0OO\nCMD echo $FOO\n",
            "FROM a\nARG NEW\nCMD echo $FOO\n",
        ),
        (
            "FROM a\nENV F$0OO=1\nCMD echo $FOO\n",
            "FROM a\nENV NEW=1\nCMD echo $NEW\n",
        ),
        # PowerShell reads the environment as $env:NAME; $NAME is its own variable
        (
            'FROM a\nSHELL ["powershell", "-Command"]\nARG F$0OO\nRUN Write-Host $env:FOO $FOO\n',
            'FROM a\nSHELL ["powershell", "-Command"]\nARG NEW\nRUN Write-Host $env:NEW $FOO\n',
        ),
    ],
)
def test_rename_follows_what_the_shell_reads(src: str, expected: str) -> None:
    assert do(src, "NEW") == expected


@pytest.mark.parametrize(
    "src",
    [
        # set on one path only, or again in a loop: a read may see either value
        "FROM a\nARG F$0OO\nRUN if [ -f x ]; then FOO=1; fi; echo $FOO\n",
        "FROM a\nARG F$0OO\nRUN true && FOO=1; echo $FOO\n",
        "FROM a\nARG F$0OO\nRUN while true; do echo $FOO; FOO=2; done\n",
        "FROM a\nARG F$0OO\nRUN f() { echo $FOO; }; FOO=1; f\n",
        'FROM a\nARG F$0OO\nRUN eval "FOO=1"; echo $FOO\n',
        "FROM a\nARG F$0OO\nRUN echo ${FOO:=x}; echo $FOO\n",
        # read and set by one word
        "FROM a\nARG F$0OO\nRUN ((FOO++))\n",
        "FROM a\nARG F$0OO\nRUN FOO+=x\n",
        # split by a line continuation: cannot be edited in place
        "FROM a\nARG F$0OO\nRUN echo $FO\\\nO\n",
    ],
)
def test_unsure_reads_refuse_the_rename(src: str) -> None:
    p, m, pos = parsed(src)
    with pytest.raises(RenameError, match="rename by hand"):
        prepare_rename(p, m, pos, CAPS)
    with pytest.raises(RenameError):
        rename(p, m, pos, "NEW", CAPS, URI)


@pytest.mark.parametrize(
    "name",
    [
        "TARGETARCH",
        "TARGETOS",
        "TARGETPLATFORM",
        "BUILDPLATFORM",
        "HTTP_PROXY",
        "no_proxy",
        "BUILDKIT_INLINE_CACHE",
        "SOURCE_DATE_EPOCH",
        "PATH",
    ],
)
def test_names_with_a_meaning_are_neither_renamed_nor_taken(name: str) -> None:
    src = f"FROM a\nARG {name[0]}$0{name[1:]}\nRUN echo ${name}\n"
    p, m, pos = parsed(src)
    with pytest.raises(RenameError, match="cannot be renamed"):
        prepare_rename(p, m, pos, CAPS)
    with pytest.raises(RenameError, match="cannot be renamed"):
        rename(p, m, pos, "ARCH", CAPS, URI)
    p, m, pos = parsed("FROM a\nARG V$0\nRUN echo $V\n")
    with pytest.raises(RenameError, match="cannot rename to"):
        rename(p, m, pos, name, CAPS, URI)


def test_conflicts_are_per_stage() -> None:
    # B lives in another stage: no conflict, and the rename can be undone
    src = "FROM a\nARG A$0=1\nRUN echo $A\nFROM b\nARG B=2\nRUN echo $B\n"
    renamed = do(src, "B")
    assert renamed == "FROM a\nARG B=1\nRUN echo $B\nFROM b\nARG B=2\nRUN echo $B\n"
    assert do(renamed.replace("ARG B=1", "ARG B$0=1"), "A") == src.replace("$0", "")
    # in the same stage it is refused
    with pytest.raises(RenameError, match="already declared in this stage"):
        do("FROM a\nARG A$0=1\nARG B=2\nRUN echo $A $B\n", "B")


@pytest.mark.parametrize(
    "src",
    [
        # the shell's own B would take the read over
        "FROM a\nARG A$0\nRUN B=1; echo $A\n",
        # an undeclared $B (from the base image) would start reading the ARG
        "FROM a\nARG A$0\nRUN echo $A $B\n",
        # a bare `ARG B` in a stage imports the global B
        "ARG B=1\nFROM a\nARG A$0\nRUN echo $A\n",
        # `--from=b` names an image until a stage is called b
        "FROM a AS bu$0ild\nFROM c\nCOPY --from=b /x /y\n",
    ],
)
def test_names_that_would_capture_a_reference_are_refused(src: str) -> None:
    p, m, pos = parsed(src)
    new = "b" if "bu$0ild" in src else "B"
    with pytest.raises(RenameError):
        rename(p, m, pos, new, CAPS, URI)


# -- the property: renames keep every resolution and can be undone ---------


def _resolutions(p: Parse) -> set[tuple[int, tuple[int, ...]]]:
    """(position, positions of its definitions) of every variable/stage
    occurrence, plus the doubtful reads."""
    idx = index(p, build_model(p))
    occ = idx.occurrences
    out = {
        (
            p.starts[o.item] + o.span.start,
            tuple(
                sorted(p.starts[occ[j].item] + occ[j].span.start for j in definitions_of(idx, k))
            ),
        )
        for k, o in enumerate(occ)
    }
    out |= {(p.starts[i] + sp.start, (-1,)) for i, sp, _d in idx.doubtful}
    return out


def _try_rename(text: str, offset: int, new: str) -> str | None:
    p = parse(text)
    try:
        edit = rename(p, build_model(p), position_at(text, offset), new, CAPS, URI)
    except RenameError:
        return None
    assert edit is not None
    return apply(text, edit)


def _check_rename(text: str, offset: int, old: str, new: str) -> bool:
    """Rename at ``offset`` to ``new``; when it is accepted, check that no
    resolution changed (same-length names keep positions) and that renaming
    back gives the original text.  True if the rename was accepted."""
    renamed = _try_rename(text, offset, new)
    if renamed is None:
        return False
    if len(new) == len(old):
        assert _resolutions(parse(renamed)) == _resolutions(parse(text)), (old, new)
    back = _try_rename(renamed, offset, old)
    assert back == text, f"renaming {old}->{new} could not be undone"
    return True


def _declarations(text: str) -> list[tuple[int, str]]:
    p = parse(text)
    idx = index(p, build_model(p))
    return [
        (p.starts[o.item] + o.span.start, o.name)
        for o in idx.occurrences
        if o.kind == VARIABLE and o.role == "declaration" and "\n" not in o.name
    ]


@pytest.mark.corpus
def test_random_renames_on_the_corpus_keep_meaning_and_reverse() -> None:
    rnd = random.Random(16)
    files = corpus_files()
    accepted = tried = 0
    for path in rnd.sample(files, 120):
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        if "\r" in text:
            continue
        decls = _declarations(text)
        names = sorted({n for _o, n in decls})
        for off, old in rnd.sample(decls, min(3, len(decls))):
            # a fresh name, and a name the file already uses (to meet conflicts)
            fresh = "Z" + "".join(rnd.choice("QXJ") for _ in range(len(old) - 1))
            for new in (fresh, rnd.choice(names)):
                if new == old or not re.fullmatch(r"[A-Za-z_]\w*", new):
                    continue
                tried += 1
                accepted += _check_rename(text, off, old, new)
    assert tried > 150
    assert accepted > tried // 3  # refusing everything would be no rename at all


_NAMES = ("A", "B", "C")
_LINE = st.one_of(
    st.builds(lambda n, v: f"ARG {n}={v}", st.sampled_from(_NAMES), st.integers(0, 9)),
    st.builds(lambda n: f"ARG {n}", st.sampled_from(_NAMES)),
    st.builds(lambda n, m: f"ENV {n}=${m}", st.sampled_from(_NAMES), st.sampled_from(_NAMES)),
    st.builds(lambda n: f"RUN echo ${n}", st.sampled_from(_NAMES)),
    st.builds(
        lambda n, m: f"RUN {n}=1; echo ${m} ${n}", st.sampled_from(_NAMES), st.sampled_from(_NAMES)
    ),
    st.builds(
        lambda n, m: f"RUN for {n} in x; do echo ${m}; done",
        st.sampled_from(_NAMES),
        st.sampled_from(_NAMES),
    ),
    st.builds(lambda n: f"COPY ${n} /d/", st.sampled_from(_NAMES)),
    st.builds(lambda n: f"CMD echo ${n}", st.sampled_from(_NAMES)),
    st.builds(lambda k: f"FROM s{k}", st.integers(0, 2)),
    st.builds(lambda k: f"FROM img AS s{k}", st.integers(0, 2)),
)
_FILES = st.lists(_LINE, min_size=1, max_size=12).map(
    lambda ls: "\n".join(["FROM img", *ls]) + "\n"
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_FILES, st.data())
def test_random_renames_on_generated_files_keep_meaning_and_reverse(
    text: str, data: st.DataObject
) -> None:
    decls = _declarations(text)
    if not decls:
        return
    off, old = data.draw(st.sampled_from(decls))
    new = data.draw(st.sampled_from(("A", "B", "C", "D")))
    if new != old:
        _check_rename(text, off, old, new)


def test_prepare_rename_on_a_refused_name_reports_why() -> None:
    p, m, pos = parsed("ARG TARGET$0ARCH\nFROM a\n")
    with pytest.raises(RenameError, match="BuildKit"):
        prepare_rename(p, m, pos, CAPS)
    res = prepare_rename(*parsed("FROM a\nARG V$0\n"), CAPS)
    assert isinstance(res, lsp.PrepareRenamePlaceholder)

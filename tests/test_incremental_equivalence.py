"""After any sequence of edits, an incremental build gives what a build from scratch gives,
and an incremental check what a check from scratch finds.

Edits that move titles and references around (retitle, point a manager or a substitute at
another position or at a plain text equal to a title, add and delete positions, reword a
text), and edits of shared blocks and of how positions use them (reword, add, remove and
reorder block items — used or not —, a block file that comes, a comment; a position that names
a block item, leaves out, rewords or adds to a shared list, takes a standard task) are drawn at
random; after each one the incremental build in build/ is compared with a clean build: the
same files, byte for byte, the same warnings, or the same errors; so is a second incremental
build that resolves the positions an edit reaches where it renders them (the way of edits that
reach many) and lists its outputs while the sources are read (the way of many to read); and
``check``, which reuses the state of the last check or build (and takes
that way at every other step), must find the same problems.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ametigen.build
import ametigen.check
import ametigen.hashcache
import ametigen.resolve.affected
from ametigen.build import build
from ametigen.check import check
from ametigen.errors import SourceErrors
from ametigen.incremental import STATE_FILE
from tests.support import REPO, copy_project, edit_docx_part

TITLES = ("Ekspert", "Juhataja", "Nõunik")
IDS = ("a/p0", "a/p1", "b/p2", "b/p3", "b/p4")
PEOPLE = ("vahetu_juht", "asendaja", "asendab", "alluvad")
UNITS = ("Osakond", "Osakond, talitus", "Muu", "Muu, talitus", "Kolmas")
"""A title written as text is a warning only nearby: the same unit, above or below, or the
chain of managers; so units vary too."""
BLOCKS = ("tekstid", "oigused", "ulesanded", "uus")  # uus.yaml is not there at the start
ITEMS = ("ulevaatamine", "toovahendid", "info", "kaugtoo", "koostoo", "a", "b")
"""Items of the blocks: tekstid.ulevaatamine is every position's default amendment clause,
oigused every position's default rights; a and b are in no block at the start."""
WORDS = ("Üks tekst.", "Teine tekst.", "Kolmas tekst.", "VIGA")
"""A block item's words; in ulesanded, the task that each gives (see ``TASKS``); VIGA breaks
the item: a list where a text belongs, a key a task does not have."""
TASKS = {
    WORDS[0]: {"ülesanne": WORDS[0], "tulemused": ["Tehtud."]},
    WORDS[1]: {"ülesanne": WORDS[0], "tulemused": [WORDS[1]]},  # only the results differ
    WORDS[2]: {"ülesanne": WORDS[2], "tulemused": ["Tehtud."]},  # only the task's text differs
    WORDS[3]: {"ülesanne": WORDS[0], "tulemused": ["Tehtud."], "vale": "x"},  # only an error
}
OWN = {  # what a position's standard task rewords: nothing, the results, or every part
    None: {},
    "tulemused": {"tulemused": ["Oma tulemus."]},
    "kõik": {"ülesanne": "Oma ülesanne.", "alapunktid": ["Oma."], "tulemused": ["Oma tulemus."]},
}


def position(title: str, layout: str, unit: str = UNITS[0]) -> dict[str, Any]:
    return {
        "kujundus": layout,
        "ametinimetus": title,
        "struktuuriüksus": unit,
        "eesmärk": "Eesmärk.",
        "ülesanded": [{"ülesanne": "Esimene.", "tulemused": ["Tehtud."]}],
    }


def write(root: Path, ident: str, data: dict[str, Any]) -> None:
    path = root / "positions" / f"{ident}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def read(root: Path, ident: str) -> dict[str, Any] | None:
    path = root / "positions" / f"{ident}.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


person = st.one_of(
    st.sampled_from(IDS).map(lambda ident: {"ametikoht": ident}),
    st.sampled_from(TITLES),
    st.none(),
)
rights = st.sampled_from(
    (
        None,  # the default of ametigen.yaml: {plokk: oigused}
        [],
        {"plokk": "oigused", "jäta_välja": ["info"]},
        {"plokk": "oigused", "muuda": {"kaugtoo": "teha kaugtööd;"}},
        {"plokk": "uus", "lisa": [{"tekst": "lisatud;", "pärast": "a"}, "lõpus;"]},
        {"plokk": "tekstid", "sissejuhatus": "Õigused:"},
    )
)
edits = st.one_of(
    st.tuples(st.just("title"), st.sampled_from(IDS), st.sampled_from(TITLES)),
    st.tuples(st.just("person"), st.sampled_from(IDS), st.sampled_from(PEOPLE), person),
    st.tuples(st.just("purpose"), st.sampled_from(IDS), st.sampled_from(("Uus.", "Eesmärk."))),
    st.tuples(st.just("unit"), st.sampled_from(IDS), st.sampled_from(UNITS)),
    st.tuples(st.just("delete"), st.sampled_from(IDS)),
    # blocks: an item reworded, added or (None) removed; the first item moved last; a comment
    st.tuples(
        st.just("item"),
        st.sampled_from(BLOCKS),
        st.sampled_from(ITEMS),
        st.sampled_from(WORDS) | st.none(),
    ),
    st.tuples(st.just("reorder"), st.sampled_from(BLOCKS)),
    st.tuples(st.just("comment"), st.sampled_from(BLOCKS)),
    # how positions use them: töövahendid from a block item, õigused, a standard task
    st.tuples(
        st.just("tools"),
        st.sampled_from(IDS),
        st.sampled_from(("tekstid.toovahendid", "tekstid.a", "uus.a", "oigused.info")) | st.none(),
    ),
    st.tuples(st.just("rights"), st.sampled_from(IDS), rights),
    st.tuples(
        st.just("task"),
        st.sampled_from(IDS),
        st.sampled_from(("koostoo", "a")) | st.none(),
        st.sampled_from(tuple(OWN)),
    ),
)


def edit_block(root: Path, edit: tuple[Any, ...]) -> None:
    """Change a block file as ``edit`` says (see ``edits``)."""
    kind, name, *rest = edit
    path = root / "templates" / "blocks" / f"{name}.yaml"
    if kind == "comment":
        if path.exists():
            path.write_text(f"{path.read_text('utf-8')}# märkus\n", "utf-8")
        return
    items: dict[str, Any] = yaml.safe_load(path.read_text("utf-8")) if path.exists() else {}
    if kind == "reorder":
        if not items:
            return
        first = next(iter(items))
        items[first] = items.pop(first)
    else:
        item, words = rest
        if words is None:
            items.pop(item, None)
        elif name == "ulesanded":
            items[item] = TASKS[words]
        else:
            items[item] = [words] if words == WORDS[3] else words
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), "utf-8")


def apply(root: Path, edit: tuple[Any, ...]) -> None:
    kind, ident, *rest = edit
    if kind in ("item", "reorder", "comment"):
        edit_block(root, edit)
        return
    data = read(root, ident)
    if kind == "delete":
        if data is not None:
            (root / "positions" / f"{ident}.yaml").unlink()
        return
    if data is None:  # editing a deleted (or never made) position makes it anew
        data = position(TITLES[0], "nummerdatud")
    if kind == "title":
        data["ametinimetus"] = rest[0]
    elif kind == "purpose":
        data["eesmärk"] = rest[0]
    elif kind == "unit":
        data["struktuuriüksus"] = rest[0]
    elif kind in ("tools", "rights", "task"):
        key = {"tools": "töövahendid", "rights": "õigused", "task": "ülesanded"}[kind]
        value = rest[0]
        if kind == "tools" and value is not None:
            value = {"plokk": value}
        elif kind == "task":
            own = [{"plokk": f"ulesanded.{value}", **OWN[rest[1]]}] if value else []
            value = [*data["ülesanded"][:1], *own]
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    else:
        key, value = rest
        if value is None:
            data.pop(key, None)
        else:
            data[key] = [value] if key == "alluvad" else value
    write(root, ident, data)


def outcome(root: Path, out: Path, beside: bool = True) -> tuple[str, Any]:
    """What a build into ``out`` gave: its files and warnings, or its problems. ``beside``: in
    the ways of many positions, with second processes (see ametigen.parallel.Background): the
    sources and outputs surveyed beside its imports, and where it resolves every position, the
    templates prepared beside that; else all in this process, as for few."""
    with pytest.MonkeyPatch.context() as patch:
        if beside:
            patch.setattr(ametigen.build, "SURVEY_BESIDE_FROM", 0)
            patch.setattr(ametigen.build, "PREPARE_BESIDE_FROM", 0)
        try:
            report = build(root, out=out, epoch=1_700_000_000)
        except SourceErrors as error:
            return "errors", sorted(str(problem) for problem in error.problems)
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.suffix in (".md", ".docx")
    }
    return "built", (files, sorted(str(problem) for problem in report.warnings))


def widely(root: Path, out: Path) -> tuple[str, Any]:
    """``outcome`` of a build that resolves the positions an edit reaches where it renders
    them, as it does when they are many (see ametigen.build.WIDE_FROM), however few; and
    lists its outputs while the survey reads the sources, as it does when many are to be read
    (see ametigen.build.LIST_BESIDE_FROM)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ametigen.build, "WIDE_FROM", 0)
        patch.setattr(ametigen.build, "LIST_BESIDE_FROM", 0)
        return outcome(root, out)


def checked(root: Path, everywhere: bool = False) -> tuple[str, Any]:
    """What ``check`` found: its warnings, or its problems; ``everywhere``: resolving the
    positions an edit reaches on every core, as it does when they are many (see
    ametigen.check.EVERYWHERE_FROM), however few."""
    with pytest.MonkeyPatch.context() as patch:
        if everywhere:
            patch.setattr(ametigen.check, "EVERYWHERE_FROM", 0)
        try:
            report = check(root)
        except SourceErrors as error:
            return "errors", sorted(str(problem) for problem in error.problems)
    return "built", sorted(str(problem) for problem in report.problems)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("equivalence")
    root = folder / "project"
    root.mkdir()
    copy_project(root)
    # teenistuskoht never prints töövahendid, so a position of it that sets them is warned
    # ("väli … ei ilmu kujunduses"), and whether it is must come out the same on every way.
    layout = root / "templates" / "layouts" / "teenistuskoht"
    markdown = layout / "ametijuhend.md.j2"
    text = markdown.read_text("utf-8")
    assert "{% if doc.tools %}" in text
    markdown.write_text(text.replace("{% if doc.tools %}", "{% if false %}", 1), "utf-8")
    edit_docx_part(layout / "ametijuhend.docx", b"{%p if doc.tools %}", b"{%p if false %}")
    with pytest.MonkeyPatch.context() as patch:
        # Five positions are few: reading them all would often be simpler than reading those
        # an edit reaches; here the partial way is taken whenever it can be.
        patch.setattr(ametigen.resolve.affected, "PARTIAL_SHARE", 1.0)
        # Checks from scratch take the way of many positions: positions loaded ahead. (Builds
        # take the ways of many where ``outcome`` says.)
        patch.setattr(ametigen.check, "AHEAD_FROM", 0)
        # Files here are seconds old at most: with the usual margin no hash would be kept
        # beside its stat (ametigen/hashcache.py), and the edits would never meet a kept one.
        # Without it the rule that remains — nothing edited since the reading began is kept —
        # must be enough on this file system, edits in the same clock tick included.
        patch.setattr(ametigen.hashcache, "MARGIN", 0)
        yield folder


def start(root: Path) -> None:
    """Five positions; p1 and p2 report to p0 by reference, p3 names p0's title in plain text;
    the blocks of the repository."""
    shutil.rmtree(root / "positions")
    shutil.rmtree(root / "templates" / "blocks")
    shutil.copytree(REPO / "templates" / "blocks", root / "templates" / "blocks")
    for index, ident in enumerate(IDS):
        layout = ("teenistuskoht", "nummerdatud")[index % 2]
        write(root, ident, position(TITLES[index % len(TITLES)], layout, UNITS[index]))
    head = read(root, "a/p0")
    assert head is not None
    head["alluvad"] = [{"ametikoht": "a/p1"}, {"ametikoht": "b/p2"}]
    write(root, "a/p0", head)
    apply(root, ("person", "a/p1", "vahetu_juht", {"ametikoht": "a/p0"}))
    apply(root, ("person", "b/p2", "vahetu_juht", {"ametikoht": "a/p0"}))
    apply(root, ("person", "b/p3", "asendaja", TITLES[0]))


def from_scratch(out: Path) -> None:
    """Remove what a build left in ``out`` except the prepared templates (keyed by content)."""
    shutil.rmtree(out / "md", ignore_errors=True)
    shutil.rmtree(out / "docx", ignore_errors=True)
    (out / STATE_FILE).unlink(missing_ok=True)


def built_at_start(folder: Path, *outs: Path) -> None:
    """Give each of ``outs`` what a build from scratch of the start (see ``start``) leaves. That
    is the same build every time: it is made once, in every way of many positions, and copied,
    as a CI cache restores build/ (the copies' stats differ: the next build reads every file
    they list again, see ametigen/hashcache.py)."""
    first = folder / "start"
    if not first.exists():
        widely(folder / "project", first)
    for out in outs:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(first, out)


CASES = [
    # The cases that matter most, every time: a referenced title changes (the referring
    # documents print it; the plain text that equalled it no longer does), a position that
    # others refer to or that a text names goes, a text starts or stops naming a title, a
    # position comes back.
    pytest.param([("title", "a/p0", TITLES[1]), ("title", "a/p0", TITLES[0])], id="retitled"),
    pytest.param(
        [("person", "b/p3", "asendaja", None), ("person", "b/p4", "asendab", TITLES[2])],
        id="named-in-text",
    ),
    pytest.param(
        [("delete", "b/p3"), ("delete", "a/p0"), ("title", "a/p0", TITLES[2])], id="deleted"
    ),
    pytest.param(
        [("person", "a/p1", "vahetu_juht", TITLES[1]), ("title", "b/p4", TITLES[0])],
        id="manager-as-text",
    ),
    pytest.param(
        [("person", "b/p3", "asendab", TITLES[1]), ("unit", "b/p1", UNITS[3])], id="new-position"
    ),
    pytest.param(  # p3 (under p2, under p0) names p4's title: near once p0 reports to p4
        [
            ("person", "b/p3", "vahetu_juht", {"ametikoht": "b/p2"}),
            ("person", "b/p3", "asendaja", TITLES[1]),
            ("person", "a/p0", "vahetu_juht", {"ametikoht": "b/p4"}),
        ],
        id="chain-of-managers",
    ),
    # Blocks: an item one position uses is reworded, one no position uses comes; every
    # position's default clause is reworded; a position names an item of a block that is not
    # there (an error), which then comes and goes; a shared list: an item left out, one added,
    # the order changed, the left-out one removed (an error); a standard task: its text, its
    # results (which a position that rewords them does not print), a key a task does not have
    # (an error even where a position rewords every part).
    pytest.param(
        [("tools", "a/p1", "tekstid.toovahendid"), ("item", "tekstid", "toovahendid", WORDS[0])],
        id="item-used-once",
    ),
    pytest.param(
        [("item", "tekstid", "a", WORDS[0]), ("item", "tekstid", "ulevaatamine", WORDS[1])],
        id="default-clause",
    ),
    pytest.param(
        [("tools", "b/p2", "uus.a"), ("item", "uus", "a", WORDS[0]), ("item", "uus", "a", None)],
        id="block-comes-and-goes",
    ),
    pytest.param(
        [
            ("rights", "a/p0", {"plokk": "oigused", "jäta_välja": ["info"]}),
            ("item", "oigused", "b", WORDS[0]),
            ("reorder", "oigused"),
            ("comment", "oigused"),
            ("item", "oigused", "info", None),
        ],
        id="shared-list",
    ),
    # A field the layout never prints: set on a teenistuskoht position (p0) and on one that
    # prints it (p1), then taken from p0 again.
    pytest.param(
        [
            ("tools", "a/p0", "tekstid.toovahendid"),
            ("tools", "a/p1", "tekstid.toovahendid"),
            ("tools", "a/p0", None),
        ],
        id="unprinted-field",
    ),
    pytest.param(
        [("task", "b/p3", "koostoo", None), ("item", "ulesanded", "koostoo", WORDS[1])],
        id="standard-task",
    ),
    pytest.param(
        [
            ("task", "a/p1", "koostoo", "tulemused"),
            ("task", "b/p2", "koostoo", None),
            ("item", "ulesanded", "koostoo", WORDS[0]),
            ("item", "ulesanded", "koostoo", WORDS[1]),
            ("item", "ulesanded", "koostoo", WORDS[2]),
        ],
        id="standard-task-reworded",
    ),
    pytest.param(
        [
            ("task", "b/p3", "koostoo", "kõik"),
            ("item", "ulesanded", "koostoo", WORDS[0]),
            ("item", "ulesanded", "koostoo", WORDS[3]),
            ("item", "ulesanded", "koostoo", WORDS[0]),
        ],
        id="standard-task-broken",
    ),
]
"""Sequences of edits tried every time (each its own test, so that they run on every core)."""


def equivalent(folder: Path, steps: list[Any]) -> None:
    """From the same start, after each of ``steps``: the incremental build, the wide one and the
    check give what a clean build gives."""
    root, clean = folder / "project", folder / "clean"
    incremental, wide = root / "build", folder / "wide"
    start(root)
    built_at_start(folder, incremental, wide)
    for index, step in enumerate(steps):
        apply(root, step)
        # Before the build: from the state of the last check or build; every other step, the
        # way of edits that reach many.
        found = checked(root, everywhere=index % 2 == 1)
        # The clean build, the reference, and the incremental one take in turn the ways of few
        # positions (all in this process, as most projects build) and those of many, never the
        # same at one step (the clean build every way of many: that of an edit reaching many
        # does not apply to a build from scratch).
        from_scratch(clean)
        expected = widely(root, clean) if index % 2 else outcome(root, clean, beside=False)
        assert outcome(root, incremental, beside=index % 2 == 0) == expected, step
        assert widely(root, wide) == expected, step
        kind, result = expected
        assert found == (kind, result[1] if kind == "built" else result), step


@pytest.mark.parametrize("steps", CASES)
def test_incremental_build_equals_a_clean_build_in_cases_that_matter(
    folder: Path, steps: list[Any]
) -> None:
    equivalent(folder, steps)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(edits, min_size=1, max_size=5))
def test_incremental_build_equals_a_clean_build(folder: Path, steps: list[Any]) -> None:
    equivalent(folder, steps)

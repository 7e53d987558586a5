"""The state file of a build (ametigen/incremental.py): what is written is what is read back;
a state of another format, or damaged in its shape, is not trusted (everything is built)."""

from __future__ import annotations

import json
from pathlib import Path

from ametigen.errors import Mark, Problem
from ametigen.incremental import (
    FORMAT,
    STATE_FILE,
    BlockEntries,
    Entry,
    State,
    Summary,
    encode_state,
    load_state,
)

STATE = State(
    context="c",
    epoch=7,
    entries={
        "a/x": Entry(
            "s1", "f1", Summary("X", "Üksus", (("vahetu_juht", "b/y", None),), "", ("t.a",))
        ),
        "b/y": Entry(
            "s2", "f2", Summary("Y", "Üksus", (("alluvad", None, "X"),), "1|2|3", ("t.a",))
        ),
        "b/z": Entry("", "", Summary("Z", "Muu", (), "", ("oigused/", "t.b"))),
    },
    warnings=[
        Problem(Path("positions/a/x.yaml"), "sama teade", Mark(1, 1), "allkirjastaja", True),
        Problem(Path("positions/b/y.yaml"), "sama teade", Mark(1, 1), "allkirjastaja", True),
        Problem(Path("ametigen.yaml"), "muu teade", None, "", True),
    ],
    blocks=BlockEntries("b", {"t.a": "h1", "t.b": "h2"}),
)


def test_a_state_reads_back_as_it_was_written(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_bytes(encode_state(STATE))
    found = load_state(tmp_path)
    assert (found.context, found.epoch, found.blocks) == (STATE.context, STATE.epoch, STATE.blocks)
    assert found.warnings == STATE.warnings
    assert dict(found.entries) == STATE.entries
    assert {i: e.summary.blocks for i, e in found.entries.items()} == {
        i: e.summary.blocks for i, e in STATE.entries.items()
    }
    head, *lines = encode_state(STATE).decode("utf-8").split("\n")
    assert json.loads(head)["messages"] == ["sama teade", "muu teade"]  # each message once
    assert len(lines) == len(STATE.entries) + 1 and lines[-1] == ""  # a line per position


def test_entries_read_unchanged_are_written_as_they_were_read(tmp_path: Path) -> None:
    """After an edit, only the entries that changed are encoded again; the rest are the lines
    they were read from, and the whole reads back as the state it stands for."""
    (tmp_path / STATE_FILE).write_bytes(encode_state(STATE))
    before = load_state(tmp_path)
    lines = (tmp_path / STATE_FILE).read_text("utf-8").split("\n")
    entries = dict(before.entries)
    entries["b/y"] = Entry("s3", "f3", Summary("Y2", "Üksus", (), "", ("t.c",)))  # a new list
    entries["c/w"] = Entry("s4", "f4", Summary("W", "Muu", (), "", ("t.a",)))
    del entries["b/z"]
    after = State("c2", None, entries, [], BlockEntries("b2", {"t.c": "h3"}))
    written = encode_state(after, before.entries)
    (tmp_path / STATE_FILE).write_bytes(written)
    found = load_state(tmp_path)
    assert dict(found.entries) == entries
    assert {i: e.summary.blocks for i, e in found.entries.items()} == {
        i: e.summary.blocks for i, e in entries.items()
    }
    assert lines[1] in written.decode("utf-8").split("\n")  # a/x, as it was read
    assert written != encode_state(after)  # (its lists keep their numbers: b/y's is the third)
    again = State("c2", None, dict(found.entries), [], BlockEntries("b2", {"t.c": "h3"}))
    assert encode_state(again, found.entries) == written  # read back, unchanged: as it was
    assert encode_state(after, {**found.entries}) == encode_state(after)  # no lines: anew


def test_entries_read_in_any_way_are_the_same_objects_in_the_files_order(tmp_path: Path) -> None:
    """An edit reads every entry several times (items, values, one by one): each is decoded
    once, all ways give the same entry, in the file's order, and an entry read any way is
    still written back as the line it was read from."""
    (tmp_path / STATE_FILE).write_bytes(encode_state(STATE))
    entries = load_state(tmp_path).entries
    first = entries["b/y"]  # one decoded before the rest
    assert list(entries.items()) == list(STATE.entries.items())
    assert [ident for ident, _ in entries.items()] == list(entries) == ["a/x", "b/y", "b/z"]
    assert list(entries.values()) == [entries[ident] for ident in entries]
    assert all(entry is entries[ident] for ident, entry in entries.items())
    assert entries.get("b/y") is first and entries.get("c/w") is None
    again = State("c", 7, dict(entries.items()), [], STATE.blocks)
    lines = (tmp_path / STATE_FILE).read_bytes().split(b"\n")[1:]
    assert encode_state(again, entries).split(b"\n")[1:] == lines


def test_a_state_of_another_format_or_damaged_is_not_trusted(tmp_path: Path) -> None:
    head, *lines, _ = encode_state(STATE).decode("utf-8").split("\n")
    raw = json.loads(head)
    last = json.loads(lines[-1])  # b/z
    assert last[0] == "b/z"

    def text(head: dict[str, object], *entries: object) -> str:
        return "".join(f"{json.dumps(part)}\n" for part in (head, *entries))

    assert load_state(tmp_path) == State()  # none
    for damaged in (
        text({**raw, "format": FORMAT - 1}, *map(json.loads, lines)),
        text(raw, *map(json.loads, lines[:-1]), last[:7]),
        text(raw, *map(json.loads, lines[:-1]), [*last[:7], 5]),
        text(raw, *map(json.loads, lines[:-1]), [*last[:7], "0"]),
        text(raw, *map(json.loads, lines[:-1]), [*last[:5], "x", 0, 0]),
        text(raw, *map(json.loads, lines[:-1]), [*last[:5], [[1]], 0, 0]),
        text(raw, *map(json.loads, lines[:-1]), [7, *last[1:]]),
        text(raw, *map(json.loads, lines), last),  # b/z twice
        text({**raw, "warnings": [[*raw["warnings"][0][:1], 9, *raw["warnings"][0][2:]]]}),
        text(raw, *map(json.loads, lines))[:-1],  # cut short
        text(raw, *map(json.loads, lines)) + "[]\n",
    ):
        (tmp_path / STATE_FILE).write_text(damaged, "utf-8")
        assert load_state(tmp_path) == State()
    (tmp_path / STATE_FILE).write_text(text(raw, *map(json.loads, lines)), "utf-8")
    assert dict(load_state(tmp_path).entries) == STATE.entries  # (the same, undamaged)

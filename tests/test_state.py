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
    raw = json.loads(encode_state(STATE))
    assert raw["messages"] == ["sama teade", "muu teade"]  # each message once


def test_a_state_of_another_format_or_damaged_is_not_trusted(tmp_path: Path) -> None:
    raw = json.loads(encode_state(STATE))
    for damaged in (
        {**raw, "format": FORMAT - 1},
        {**raw, "entries": {**raw["entries"], "b/z": raw["entries"]["b/z"][:6]}},
        {**raw, "entries": {**raw["entries"], "b/z": [*raw["entries"]["b/z"][:6], 5]}},
        {**raw, "entries": {**raw["entries"], "b/z": [*raw["entries"]["b/z"][:6], "0"]}},
        {**raw, "entries": {**raw["entries"], "b/z": [*raw["entries"]["b/z"][:4], "x", 0, 0]}},
        {**raw, "entries": {**raw["entries"], "b/z": [*raw["entries"]["b/z"][:4], [[1]], 0, 0]}},
        {**raw, "warnings": [[*raw["warnings"][0][:1], 9, *raw["warnings"][0][2:]]]},
    ):
        (tmp_path / STATE_FILE).write_text(json.dumps(damaged), "utf-8")
        assert load_state(tmp_path) == State()

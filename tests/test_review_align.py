"""The alignment's short cuts give exactly what difflib gives (the diff's output depends on it)."""

from __future__ import annotations

import difflib

from hypothesis import example, given
from hypothesis import strategies as st

from ametigen.review.align import PAIR_SIMILARITY, opcodes, similar, similarity

# few distinct elements: repeated lines, periodic runs and shifted matches are common
LINES = st.lists(st.sampled_from("abcdef"), max_size=12)
RUNS = st.lists(st.sampled_from("ab"), max_size=8)


def difflib_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


@given(LINES, LINES)
def test_opcodes_are_difflibs(a: list[str], b: list[str]) -> None:
    assert opcodes(a, b) == difflib_opcodes(a, b)


@given(RUNS, RUNS, RUNS, st.lists(st.sampled_from("xyz"), min_size=1, max_size=4))
@example(["r"], ["r", "r"], [], ["Y"])  # difflib pairs the first r r with the end
def test_one_edited_stretch_is_difflibs(
    start: list[str], end: list[str], old: list[str], new: list[str]
) -> None:
    """The short cut's own case: a common start and end around one changed stretch."""
    a, b = start + old + end, start + new + end
    assert opcodes(a, b) == difflib_opcodes(a, b)
    assert opcodes(b, a) == difflib_opcodes(b, a)


def test_one_edited_line_takes_the_short_cut() -> None:
    a = ["# Title", "", "text 1", "", "| a | b |", ""]
    b = ["# Title", "", "text 2", "", "| a | b |", ""]
    assert opcodes(a, b) == [("equal", 0, 2, 0, 2), ("replace", 2, 3, 2, 3), ("equal", 3, 6, 3, 6)]


@given(st.text("abc ", max_size=20), st.text("abc ", max_size=20), st.sampled_from([0.5, 0.9]))
def test_similar_is_similarity_above_floor(a: str, b: str, floor: float) -> None:
    assert similar(a, b, floor) == (similarity(a, b, floor) >= floor)


def test_similar_decides_a_reworded_sentence() -> None:
    old = "Ametijuhend vaadatakse üle kord aastas vahetu juhiga."
    new = "Ametijuhend vaadatakse üle vähemalt kord aastas vahetu juhiga."
    assert similar(old, new, PAIR_SIMILARITY)
    assert not similar("Pädevuse piires", "Järelevalve korraldamine", PAIR_SIMILARITY)

"""Section numbers: a layout lists its sections in order; those a position has get 1, 2, 3 …"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

OPTIONAL = ("tools", "rights", "responsibilities", "rights_responsibilities", "amendment")
"""Sections a position may lack (the others are always there)."""


@dataclass(frozen=True)
class SectionNumbers:
    by_key: dict[str, int]
    extra: tuple[int, ...]


def number_sections(
    sections: Sequence[str], present: Mapping[str, bool], extra: int
) -> SectionNumbers:
    """Number ``sections`` in order, skipping those that ``present`` marks absent.

    A section not named in ``present`` is always there; ``extra`` takes one number for each of
    the position's extra sections (after all others when the layout does not place it).
    """
    by_key: dict[str, int] = {}
    extra_numbers: tuple[int, ...] = ()
    number = 0
    for key in [*sections, *([] if "extra" in sections else ["extra"])]:
        if key == "extra":
            extra_numbers = tuple(range(number + 1, number + 1 + extra))
            number += extra
        elif present.get(key, True):
            number += 1
            by_key[key] = number
    return SectionNumbers(by_key, extra_numbers)

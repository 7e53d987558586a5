"""Word fidelity: how much of one text's words another text holds (recall and precision).

Used by the seed tests (the built documents against the reference texts) and by ``import``'s
report (the rebuilt document against the imported source). Words are letters only, case-folded,
counted as a multiset: order, numbering, punctuation and line breaks do not count.
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> collections.Counter[str]:
    """Letters-only words, case-folded, as a multiset."""
    return collections.Counter(_WORD.findall(text.casefold()))


def word_list(text: str) -> list[str]:
    """Letters-only words, case-folded, in order."""
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class Fidelity:
    """``recall``: share of the source's words the result holds; ``precision``: share of the
    result's words the source holds. ``missing`` and ``extra`` are the words that differ."""

    recall: float
    precision: float
    missing: collections.Counter[str]
    extra: collections.Counter[str]


def fidelity(source: str, result: str) -> Fidelity:
    expected, got = words(source), words(result)
    common = sum((expected & got).values())
    return Fidelity(
        recall=common / sum(expected.values()) if expected else 1.0,
        precision=common / sum(got.values()) if got else 1.0,
        missing=expected - got,
        extra=got - expected,
    )

"""Template filters that both output formats share (values in, text out; escaping follows).

``{{ order.date | date_genitive }}`` → „13. detsembri 2024“; ``{{ numbers | join_and }}`` →
„4, 5 ja 7“. See :mod:`ametigen.dates` for the date forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ametigen import dates


def join_and(items: Iterable[Any]) -> str:
    """„4“, „4 ja 5“, „4, 5 ja 7“: a list as an Estonian sentence writes it."""
    texts = [str(item) for item in items]
    if len(texts) <= 1:
        return "".join(texts)
    return ", ".join(texts[:-1]) + " ja " + texts[-1]


FILTERS: dict[str, Callable[..., str]] = {
    "date": dates.numeric,
    "date_long": dates.long,
    "date_genitive": dates.genitive,
    "month_year": dates.month_year,
    "join_and": join_and,
}

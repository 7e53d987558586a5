"""The order as its templates see it: ``order`` (English names, like ``doc`` of a layout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ametigen.dates import numeric

Kind = Literal["approval", "amendment"]
"""``approval``: "Ametijuhendite kinnitamine", annexes 1…N; ``amendment``: "Ametijuhendi
muutmine", one changed job description as the one annex, without a number."""


@dataclass(frozen=True)
class Annex:
    """One job description annexed to the order."""

    number: int
    id: str
    title: str
    """The title as the job description writes it."""
    name: str
    """The title as the order's list writes it (lower case by default: „ekspert“)."""
    unit: str
    unit_genitive: str | None
    """The unit in the genitive, when ametigen.yaml gives it („… osakonna … talituse“)."""
    new: bool
    """The position was added since BASE (else it was changed)."""
    file: str
    """The annex's file name without extension: „Lisa 1 - Ekspert“."""


@dataclass(frozen=True)
class Repealed:
    """An earlier version that this order repeals: the annex of an earlier order."""

    id: str
    title: str
    annex: str | None
    removed: bool
    """The position itself was removed (not replaced by a new version)."""


@dataclass(frozen=True)
class Repeal:
    """The annexes of one earlier order that this order repeals."""

    approver: str | None
    date: dt.date | None
    number: str | None
    annexes: tuple[Repealed, ...]

    @property
    def date_text(self) -> str | None:
        return numeric(self.date) if self.date else None

    @property
    def annex_numbers(self) -> tuple[str, ...]:
        return tuple(item.annex for item in self.annexes if item.annex)


@dataclass(frozen=True)
class Signer:
    name: str
    title: str
    acting: str | None = None
    """Whose duties the signer performs: „peadirektori“ (printed „peadirektori ülesannetes“)."""
    mandate: str | None = None
    """The basis of that, added to the legal basis."""


@dataclass(frozen=True)
class Order:
    kind: Kind
    title: str
    agency: str
    approver: str | None
    """The approver's words in the annexes' KINNITATUD header."""
    place: str | None
    date: dt.date | None
    number: str | None
    legal_basis: str | None
    signer: Signer | None
    entry_into_force: str | None
    """The entry-into-force clause (text), when no date is given."""
    in_force_date: dt.date | None
    """The date the order enters into force („Käskkiri jõustub 01.01.2026.“)."""
    appeal: str | None
    annexes: tuple[Annex, ...]
    repeals: tuple[Repeal, ...]

    @property
    def date_text(self) -> str | None:
        return numeric(self.date) if self.date else None

    @property
    def annex_range(self) -> str:
        """„1“ or „1–3“: the annexes' numbers as the order's text cites them."""
        count = len(self.annexes)
        return "1" if count == 1 else f"1–{count}"

    @property
    def unit_genitive(self) -> str | None:
        """The annexes' one unit in the genitive, when they share one and it is known."""
        units = {annex.unit_genitive for annex in self.annexes}
        if len(units) == 1:
            return units.pop()
        return None

"""What every reader gives the recogniser: the document as a flat sequence of text units."""

from __future__ import annotations

from dataclasses import dataclass

from ametigen.errors import AmetigenError


@dataclass(frozen=True)
class Unit:
    """A paragraph of the source, or one paragraph of a table cell.

    ``level`` is 0 for plain text, 1 for a bullet, 2 for a bullet under a bullet. A unit in a
    table has the table row's number in the document (``row``) and its cell's column (``col``).
    """

    text: str
    level: int = 0
    row: int | None = None
    col: int = 0
    wrapped: bool = False
    """A visual line of extracted text: it may continue the paragraph above."""
    gap: bool = False
    """An empty line came before it."""

    @property
    def cell(self) -> tuple[int, int] | None:
        return None if self.row is None else (self.row, self.col)


@dataclass(frozen=True)
class Source:
    """A read input file: its units, and what the reader could not read (said in the report)."""

    units: tuple[Unit, ...]
    text: str
    """The source's text as read: what the report measures the rebuilt document against."""
    damage: str | None = None


class ImportProblem(AmetigenError):
    """An input file that cannot be read at all."""

    exit_code = 1

"""The resolved document: what the templates see as ``doc``.

Plain frozen dataclasses with English names. Everything is already decided here — blocks merged,
references replaced by titles, numbers assigned — so a template only lays text out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ametigen.dates import numeric

EMPTY = "-"
"""What the documents print for an empty value."""


@dataclass(frozen=True)
class Row:
    label: str
    text: str


@dataclass(frozen=True)
class Item:
    text: str
    subitems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    number: str
    text: str
    subitems: tuple[str, ...]
    results: tuple[Item, ...]


@dataclass(frozen=True)
class Requirements:
    education: str | None = None
    experience: str | None = None
    languages: str | None = None
    knowledge: str | None = None
    computer_skills: str | None = None
    personal_qualities: str | None = None
    extra: tuple[Row, ...] = ()

    def __bool__(self) -> bool:
        """False when there is no requirement at all: a template leaves the section out."""
        return any(
            (
                self.education,
                self.experience,
                self.languages,
                self.knowledge,
                self.computer_skills,
                self.personal_qualities,
                self.extra,
            )
        )


@dataclass(frozen=True)
class Competence:
    """A competence: ``name`` with a ``description`` text, or with ``bullets``; or plain text."""

    name: str | None
    description: str | None = None
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Competences:
    core: tuple[Competence, ...] = ()
    additional: tuple[Competence, ...] = ()


@dataclass(frozen=True)
class ListBlock:
    intro: str | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    text: str | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class Approval:
    date: dt.date | None
    order: str | None
    annex: str | None

    @property
    def date_text(self) -> str | None:
        """The date as the documents write it: 13.12.2024."""
        return numeric(self.date) if self.date else None


@dataclass(frozen=True)
class Signer:
    name: str
    title: str


@dataclass(frozen=True)
class Declared:
    """A field the layout declares (layout.yaml ``fields``): ``doc.fields.KEY`` in templates.

    ``text`` is the value as one text (a list's items on lines of their own); ``items`` the
    list's items (a text is a list of one).
    """

    key: str
    label: str
    text: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Numbers:
    """Section numbers of a layout; ``doc.nr.tasks`` in templates."""

    by_key: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, key: str) -> int:
        if key.startswith("__") or key == "by_key":  # copying, pickling: not a section
            raise AttributeError(key)
        try:
            return self.by_key[key]
        except KeyError:
            raise AttributeError(f"the layout does not number a section {key!r}") from None


@dataclass(frozen=True)
class Titles:
    """Section titles a layout lets a position choose; ``doc.titles.tasks`` in templates."""

    by_key: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, key: str) -> str:
        if key.startswith("__") or key == "by_key":  # copying, pickling: not a section
            raise AttributeError(key)
        try:
            return self.by_key[key]
        except KeyError:
            raise AttributeError(
                f"the layout names no titles for section {key!r} (titles: in layout.yaml)"
            ) from None


@dataclass(frozen=True)
class Document:
    id: str
    layout: str
    agency: str
    approver: str | None
    title: str
    unit: str
    manager: str
    subordinates: str
    substitutes_for: str
    substituted_by: str
    purpose: str
    projects: str | None
    group: str | None
    special_conditions: str | None
    state_secret: str | None
    national_defence: str | None
    general_extra: tuple[Row, ...]
    nr: Numbers
    tasks: tuple[Task, ...]
    requirements: Requirements
    competences: Competences | None
    rights: ListBlock | None
    responsibilities: ListBlock | None
    tools: str | None
    extra_sections: tuple[Section, ...]
    amendment: tuple[str, ...]
    approval: Approval | None
    signer: Signer | None
    fields: dict[str, Declared | None] = field(default_factory=dict)
    """The layout's declared fields by key; None where a position leaves one out."""
    headings: tuple[str, ...] = ()
    """Heading lines above the title: declared fields with ``place: heading``."""
    titles: Titles = field(default_factory=Titles)

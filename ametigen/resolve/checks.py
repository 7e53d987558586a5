"""Organisation checks across positions.

References between positions (``{ametikoht: id}``) must agree: whoever names a manager is among
that manager's subordinates, substitutes are named on both sides, no one substitutes or manages
themselves, and the chain of command has no cycles. A plain text that is exactly (capitals
included) the title of a position nearby — the same unit, a unit above or below it, or the chain
of managers — is only a warning: it may be that post. Titles of other units
("Talituse juhataja" exists in every department) are not suggested; ametigen.yaml
``kontrollid: {nimetus_tekstina: ei}`` turns the warning off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from ametigen.errors import Problem
from ametigen.incremental import Summary
from ametigen.resolve.resolve import Origins, Resolved
from ametigen.resolve.where import Where
from ametigen.schema import Position, PositionRef, declared_name

# Pairs of fields that must name each other: (field, its counterpart in the other position).
_MIRRORS = (
    ("alluvad", "vahetu_juht"),
    ("vahetu_juht", "alluvad"),
    ("asendab", "asendaja"),
    ("asendaja", "asendab"),
)
_COUNTERPARTS = dict(_MIRRORS)
_LISTS = frozenset({"alluvad", "asendab", "asendaja"})
"""The people fields that hold a list; the others (``vahetu_juht``, a layout's declared
reference fields) hold one person."""


class Mention(NamedTuple):
    """One entry of a people field: a reference or a text, and where it was written (None for
    a position known from the last build's state and not read now). (Tuples: an edit makes
    them for every position the state keeps.)"""

    field: str
    target: str | None  # position id, for a reference
    text: str | None  # the words, for plain text
    where: Where | None = None


class Person(NamedTuple):
    """What the checks read from one position."""

    title: str
    unit: str
    mentions: list[Mention]

    @classmethod
    def of(cls, summary: Summary) -> Person:
        """A position known from the state of the last build."""
        return cls(summary.title, summary.unit, [Mention(*link) for link in summary.links])

    @classmethod
    def located(cls, summary: Summary, origins: Origins) -> Person:
        """A position from its summary (see :func:`summary_of`), its mentions located in its
        file."""
        counts: dict[str, int] = {}
        mentions = []
        for key, target, text in summary.links:
            where = origins.where(key)
            if key in _LISTS:  # a list: each entry at its place
                counts[key] = counts.get(key, -1) + 1
                where = where.at(counts[key])
            mentions.append(Mention(key, target, text, where))
        return cls(summary.title, summary.unit, mentions)


def summary_of(model: Position, blocks: tuple[str, ...] = ()) -> Summary:
    """What the state keeps of a position read now, and what the checks read of it (see
    ``Person.located``): its people fields' entries, its approval's annex and ``blocks``, the
    block entries its resolution used."""
    links = tuple(
        (key, entry.position, None) if isinstance(entry, PositionRef) else (key, None, entry)
        for key, entries in _people(model)
        for entry in entries
    )
    approval = model.approval
    annex = ""
    if approval is not None and approval.order is not None and approval.annex is not None:
        annex = f"{approval.date}\0{approval.order}\0{approval.annex}"
    return Summary(model.title, model.unit, links, annex, blocks)


class CycleFound(Exception):
    """A cycle of managers starts at a position known only from the state: read them all."""


def check_organisation(resolved: Resolved) -> list[Problem]:
    """Errors and warnings about how the positions refer to each other."""
    people = read_people(resolved)
    return check_people(people, people, resolved)


def read_people(resolved: Resolved) -> dict[str, Person]:
    """What the checks read from every position of ``resolved`` (kept in its summaries too);
    a position resolved elsewhere is read from its summary."""
    people = {}
    for ident, model in resolved.positions.items():
        summary = summary_of(model, resolved.uses.get(ident, ()))
        resolved.summaries[ident] = summary
        people[ident] = Person.located(summary, resolved.origins[ident])
    for ident, summary in resolved.summaries.items():
        if ident not in people:
            people[ident] = Person.located(summary, resolved.origins[ident])
    return people


def check_people(
    people: Mapping[str, Person], only: Iterable[str], resolved: Resolved
) -> list[Problem]:
    """The problems of the positions ``only`` (read now, in ``resolved``), given ``people``,
    every position of the project; cycles of managers are looked for everywhere.

    Raises CycleFound for a cycle whose first position was not read now.
    """
    managers = _managers(people)
    by_title: dict[str, list[str]] = {}
    if resolved.checks.title_as_text:
        for other, person in people.items():
            by_title.setdefault(person.title, []).append(other)
    problems = []
    for ident in only:
        for mention in people[ident].mentions:
            where = mention.where
            assert where is not None
            if mention.target == ident:
                problems.append(where.problem("ametikoht ei saa viidata iseendale"))
            elif mention.target is not None and mention.target in people:
                if mention.field not in _COUNTERPARTS:
                    continue  # a declared reference field: nothing names it back
                problems += _mirror(ident, mention, where, people[mention.target].mentions)
            elif mention.text is not None and mention.text in by_title:
                near = sorted(
                    (o for o in by_title[mention.text] if _near(people, managers, ident, o)),
                    key=lambda other: other.split("/"),  # the order of the files
                )
                problems += _looks_like_reference(ident, mention, where, near)
    problems += _cycles(resolved, managers)
    return problems


def _managers(people: Mapping[str, Person]) -> dict[str, str]:
    """Position → its manager, where the manager is a reference to another known position."""
    return {
        ident: m.target
        for ident, person in people.items()
        for m in person.mentions
        if m.field == "vahetu_juht"
        and m.target is not None
        and m.target in people
        and m.target != ident
    }


def chain(managers: Mapping[str, str], ident: str) -> list[str]:
    """The managers above ``ident``, nearest first (a cycle is cut where it closes)."""
    chain: list[str] = []
    while (nxt := managers.get(chain[-1] if chain else ident)) is not None and nxt not in chain:
        chain.append(nxt)
    return chain


def _near(people: Mapping[str, Person], managers: dict[str, str], ident: str, other: str) -> bool:
    """Whether ``other`` works close to ``ident``, so that its title written as text may mean it:
    the same unit, a unit above or below (by ``struktuuriüksus``), or the chain of managers."""
    unit, other_unit = (_unit(people[i].unit) for i in (ident, other))
    return (
        _within(unit, other_unit)
        or _within(other_unit, unit)
        or other in chain(managers, ident)
        or ident in chain(managers, other)
    )


def _unit(text: str) -> str:
    """A unit's parts ("Osakond, talitus"), spaces and line breaks evened out."""
    return ", ".join(" ".join(part.split()) for part in text.split(",") if part.strip())


def _within(inner: str, outer: str) -> bool:
    """``inner`` is ``outer`` or a part of it: "Osakond, talitus" within "Osakond"."""
    return inner == outer or inner.startswith(outer + ",")


def _people(model: Position) -> Iterator[tuple[str, list[str | PositionRef]]]:
    """Each people field with its entries (a field that holds one person: none or one)."""
    yield "vahetu_juht", [] if model.manager is None else [model.manager]
    yield "alluvad", list(model.subordinates)
    yield "asendab", list(model.substitutes_for)
    yield "asendaja", list(model.substituted_by)
    for key in model.references:
        value = getattr(model, declared_name(key), None)
        yield key, [] if value is None else [value]


def _mirror(ident: str, mention: Mention, where: Where, other: list[Mention]) -> list[Problem]:
    """``mention`` in ``ident`` names another position: it must name ``ident`` back."""
    counterpart = _COUNTERPARTS[mention.field]
    back = [m for m in other if m.field == counterpart]
    if any(m.target == ident for m in back):
        return []
    target = mention.target
    if all(m.target is None for m in back):
        # The other side names no position here (empty, or text only): it may be unfinished.
        return [
            where.problem(
                f"ametikoha „{target}“ väljal „{counterpart}“ ei ole viidet siia "
                f"({{ametikoht: {ident}}}); lisa see sinna",
                warning=True,
            )
        ]
    return [
        where.problem(
            f"„{target}“ väli „{counterpart}“ ei nimeta seda ametikohta; "
            f"lisa sinna {{ametikoht: {ident}}} või paranda see viide"
        )
    ]


def _looks_like_reference(
    ident: str, mention: Mention, where: Where, near: list[str]
) -> list[Problem]:
    """A warning if the text is the title of positions ``near`` (and not of ``ident`` itself)."""
    if not near or ident in near:
        return []
    options = " või ".join(f"{{ametikoht: {other}}}" for other in near)
    return [
        where.problem(
            f"„{mention.text}“ on ametikoha nimetus; kui mõtled seda ametikohta, "
            f"kirjuta {options} (hoiatuse lülitab välja ametigen.yaml "
            "„kontrollid: {nimetus_tekstina: ei}“)",
            warning=True,
        )
    ]


def _cycles(resolved: Resolved, manager: dict[str, str]) -> list[Problem]:
    """Each cycle in the chain of managers, reported once, at its first position."""
    problems = []
    reported: set[str] = set()
    for start in sorted(manager):
        chain = [start]
        while (nxt := manager.get(chain[-1])) is not None and nxt not in chain:
            chain.append(nxt)
        if nxt is None or nxt != start or start in reported:
            continue
        reported |= set(chain)
        loop = " → ".join([*chain, start])
        if start not in resolved.origins:
            raise CycleFound(start)
        where = resolved.origins[start].where("vahetu_juht")
        problems.append(where.problem(f"alluvusahel on ring: {loop}; paranda vahetu juht"))
    return problems


def check_annex_numbers(resolved: Resolved) -> list[Problem]:
    """Positions whose ``kinnitatud`` names the same order (number and date) and annex number.

    One order gives each annex its own number: two job descriptions stamped as the same annex of
    the same order are an error (a copied header, or a stamp of the wrong order). Reads the
    positions' summaries (see ``read_people``).
    """
    by_annex: dict[str, list[str]] = {}
    for ident, summary in resolved.summaries.items():
        if summary.annex:
            by_annex.setdefault(summary.annex, []).append(ident)
    problems = []
    for key, idents in by_annex.items():
        if len(idents) < 2:
            continue
        _, order, annex = key.split("\0")
        for ident in idents:
            others = _some_of([other for other in idents if other != ident])
            where = resolved.origins[ident].where("kinnitatud")
            problems.append(
                where.problem(
                    f"käskkirja nr {order} lisa {annex} on ka {others}; ühe käskkirja igal lisal "
                    "on oma number"
                )
            )
    return problems


NAMED_AT_MOST = 3
"""How many other positions a message names; the rest are counted (one message per position,
so naming every other one would grow with the square of their number)."""


def _some_of(idents: list[str]) -> str:
    named = ", ".join(f"„{ident}“" for ident in idents[:NAMED_AT_MOST])
    rest = len(idents) - NAMED_AT_MOST
    return f"{named} ja veel {rest} ametijuhendit" if rest > 0 else named

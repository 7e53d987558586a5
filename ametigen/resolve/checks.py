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

from collections.abc import Iterator
from dataclasses import dataclass

from ametigen.errors import Problem
from ametigen.resolve.resolve import Resolved
from ametigen.resolve.where import Where
from ametigen.schema import Position, PositionRef

# Pairs of fields that must name each other: (field, its counterpart in the other position).
_MIRRORS = (
    ("alluvad", "vahetu_juht"),
    ("vahetu_juht", "alluvad"),
    ("asendab", "asendaja"),
    ("asendaja", "asendab"),
)
_PEOPLE = ("vahetu_juht", "alluvad", "asendab", "asendaja")


@dataclass(frozen=True)
class Mention:
    """One entry of a people field: a reference or a text, and where it was written."""

    field: str
    target: str | None  # position id, for a reference
    text: str | None  # the words, for plain text
    where: Where


def check_organisation(resolved: Resolved) -> list[Problem]:
    """Errors and warnings about how the positions refer to each other."""
    mentions = {ident: list(_mentions(resolved, ident)) for ident in resolved.positions}
    managers = _managers(mentions)
    by_title: dict[str, list[str]] = {}
    if resolved.checks.title_as_text:
        for other, model in resolved.positions.items():
            by_title.setdefault(model.title, []).append(other)
    problems = []
    for ident, found in mentions.items():
        for mention in found:
            if mention.target == ident:
                problems.append(mention.where.problem("ametikoht ei saa viidata iseendale"))
            elif mention.target is not None and mention.target in mentions:
                problems += _mirror(ident, mention, mentions[mention.target])
            elif mention.text is not None and mention.text in by_title:
                near = [
                    other
                    for other in by_title[mention.text]
                    if _near(resolved, managers, ident, other)
                ]
                problems += _looks_like_reference(ident, mention, near)
    problems += _cycles(resolved, managers)
    return problems


def _managers(mentions: dict[str, list[Mention]]) -> dict[str, str]:
    """Position → its manager, where the manager is a reference to another known position."""
    return {
        ident: m.target
        for ident, found in mentions.items()
        for m in found
        if m.field == "vahetu_juht" and m.target in mentions and m.target != ident
    }


def _chain(managers: dict[str, str], ident: str) -> list[str]:
    """The managers above ``ident``, nearest first (a cycle is cut where it closes)."""
    chain: list[str] = []
    while (nxt := managers.get(chain[-1] if chain else ident)) is not None and nxt not in chain:
        chain.append(nxt)
    return chain


def _near(resolved: Resolved, managers: dict[str, str], ident: str, other: str) -> bool:
    """Whether ``other`` works close to ``ident``, so that its title written as text may mean it:
    the same unit, a unit above or below (by ``struktuuriüksus``), or the chain of managers."""
    unit, other_unit = (_unit(resolved.positions[i].unit) for i in (ident, other))
    return (
        _within(unit, other_unit)
        or _within(other_unit, unit)
        or other in _chain(managers, ident)
        or ident in _chain(managers, other)
    )


def _unit(text: str) -> str:
    """A unit's parts ("Osakond, talitus"), spaces and line breaks evened out."""
    return ", ".join(" ".join(part.split()) for part in text.split(",") if part.strip())


def _within(inner: str, outer: str) -> bool:
    """``inner`` is ``outer`` or a part of it: "Osakond, talitus" within "Osakond"."""
    return inner == outer or inner.startswith(outer + ",")


def _mentions(resolved: Resolved, ident: str) -> Iterator[Mention]:
    model = resolved.positions[ident]
    origins = resolved.origins[ident]
    for key in _PEOPLE:
        where = origins.where(key)
        if key == "vahetu_juht":
            entries = [] if model.manager is None else [model.manager]
            places = [where] * len(entries)
        else:
            entries = list(_people(model, key))
            places = [where.at(index) for index in range(len(entries))]
        for entry, place in zip(entries, places, strict=True):
            if isinstance(entry, PositionRef):
                yield Mention(key, entry.position, None, place)
            else:
                yield Mention(key, None, entry, place)


def _people(model: Position, key: str) -> list[str | PositionRef]:
    return {
        "alluvad": model.subordinates,
        "asendab": model.substitutes_for,
        "asendaja": model.substituted_by,
    }[key]


def _mirror(ident: str, mention: Mention, other: list[Mention]) -> list[Problem]:
    """``mention`` in ``ident`` names another position: it must name ``ident`` back."""
    counterpart = dict(_MIRRORS)[mention.field]
    back = [m for m in other if m.field == counterpart]
    if any(m.target == ident for m in back):
        return []
    target = mention.target
    if all(m.target is None for m in back):
        # The other side names no position here (empty, or text only): it may be unfinished.
        return [
            mention.where.problem(
                f"ametikoha „{target}“ väljal „{counterpart}“ ei ole viidet siia "
                f"({{ametikoht: {ident}}}); lisa see sinna",
                warning=True,
            )
        ]
    return [
        mention.where.problem(
            f"„{target}“ väli „{counterpart}“ ei nimeta seda ametikohta; "
            f"lisa sinna {{ametikoht: {ident}}} või paranda see viide"
        )
    ]


def _looks_like_reference(ident: str, mention: Mention, near: list[str]) -> list[Problem]:
    """A warning if the text is the title of positions ``near`` (and not of ``ident`` itself)."""
    if not near or ident in near:
        return []
    options = " või ".join(f"{{ametikoht: {other}}}" for other in near)
    return [
        mention.where.problem(
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
        where = resolved.origins[start].where("vahetu_juht")
        problems.append(where.problem(f"alluvusahel on ring: {loop}; paranda vahetu juht"))
    return problems

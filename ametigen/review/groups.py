"""Changes grouped by cause: what many positions changed alike is shown once.

A block item, the organisation file or a referenced title changes the same lines in every
position that uses it. Each changed line (as the reader sees it, numbers left out) is an item;
the items that the same positions share form one group — shown once with the positions it
reaches — and each position keeps only what is its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ametigen.review.align import without_numbers
from ametigen.review.compare import LABELS, SUBSTANCE, Change

GROUP_FROM = 2
"""Positions that must share a change for it to be shown once for all of them."""


@dataclass(frozen=True)
class Group:
    items: tuple[str, ...]
    """The changed lines, as the first of the positions shows them."""
    positions: tuple[str, ...]
    fields: tuple[str, ...]
    """The parts of the documents that all its positions changed."""
    substance: bool

    @property
    def labels(self) -> list[str]:
        return [LABELS.get(name, name) for name in self.fields]


@dataclass(frozen=True)
class Grouping:
    groups: list[Group]
    own: dict[str, list[str]]
    """Each changed position's items that no group holds."""

    def own_part(self, ident: str) -> list[str] | None:
        """The position's own items when some group holds the rest; None when it is in none."""
        if any(ident in shared.positions for shared in self.groups):
            return self.own.get(ident)
        return None

    def covered(self, change: Change) -> bool:
        """Whether a group shows everything this position changed (it needs no section)."""
        return (
            change.status == "changed" and change.ident in self.own and not self.own[change.ident]
        )


def group(changes: Sequence[Change], items_of: Callable[[Change], list[str]]) -> Grouping:
    """Group the items of the changed positions by the set of positions that share them."""
    items: dict[str, list[str]] = {}
    reach: dict[str, list[str]] = {}
    for change in changes:
        if change.status != "changed" or change.word is not None:
            continue
        items[change.ident] = items_of(change)
        for key in dict.fromkeys(without_numbers(item) for item in items[change.ident]):
            reach.setdefault(key, []).append(change.ident)
    by_reach: dict[tuple[str, ...], list[str]] = {}
    for key, reached in reach.items():
        if len(reached) >= GROUP_FROM:
            by_reach.setdefault(tuple(reached), []).append(key)
    changes_by_id = {change.ident: change for change in changes}
    groups = []
    grouped: set[str] = set()
    for shared, keys in sorted(by_reach.items(), key=lambda entry: (-len(entry[0]), entry[0])):
        wanted = set(keys)
        shown = tuple(i for i in items[shared[0]] if without_numbers(i) in wanted)
        members = [changes_by_id[ident] for ident in shared]
        fields = tuple(f for f in members[0].fields if all(f in m.fields for m in members))
        substance = any(f in SUBSTANCE for f in fields)
        groups.append(Group(shown, shared, fields, substance))
        grouped.update(keys)
    own = {
        ident: [i for i in found if without_numbers(i) not in grouped]
        for ident, found in items.items()
    }
    return Grouping(groups, own)

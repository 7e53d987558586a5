"""Changes grouped by cause: what many positions changed alike is shown once.

A block item, the organisation file or a referenced title changes the same lines in every
position that uses it. Each changed line (as the reader sees it, numbers left out) is an item;
the items that the same positions share are shared changes. Each is attributed to the cause
(:mod:`ametigen.review.causes`) that reaches those positions and whose words explain it; the
items of one cause form one group — shown once with where it comes from and the positions it
reaches — and what no cause explains stays grouped by the positions that share it. Each
position keeps only what is its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ametigen.review.align import without_numbers
from ametigen.review.causes import Cause, covering, explaining, touched
from ametigen.review.compare import LABELS, SUBSTANCE, Change
from ametigen.review.words import Segment

WORD = "word_template"
"""The part a Word template's own change of the DOCX text is counted in."""

GROUP_FROM = 2
"""Positions that must share a change for it to be shown once for all of them."""


@dataclass(frozen=True)
class Item:
    """One changed line as the reader sees it, and the words it lost and gained."""

    text: str
    segments: tuple[Segment, ...] = ()
    """Deleted ("-") and inserted ("+") words (kept ones too); empty when only numbers shifted."""
    source: Cause | None = None
    """Its cause when known without reading its words (a Word template's own change)."""
    word: bool = False
    """A line of the DOCX text that the Word template alone changed (not of the Markdown)."""


@dataclass(frozen=True)
class Group:
    items: tuple[str, ...]
    """The changed lines, as the first of the positions shows them."""
    positions: tuple[str, ...]
    fields: tuple[str, ...]
    """The parts of the documents that all its positions changed."""
    substance: bool
    cause: Cause | None = None
    """Where the change comes from; None when no one source explains it."""
    formatting: bool = False
    """A Word template that changed only the formatting of these positions (no items)."""

    @property
    def labels(self) -> list[str]:
        return [LABELS.get(name, name) for name in self.fields]


@dataclass(frozen=True)
class Grouping:
    groups: list[Group]
    own: dict[str, list[Item]]
    """Each changed position's items that no group holds."""

    def own_part(self, ident: str) -> list[Item] | None:
        """The position's own items when some group holds the rest; None when it is in none."""
        if any(ident in shared.positions for shared in self.groups):
            return self.own.get(ident)
        return None

    def covered(self, change: Change) -> bool:
        """Whether a group shows everything this position changed (it needs no section)."""
        return (
            change.status == "changed" and change.ident in self.own and not self.own[change.ident]
        )


Key = tuple[object, ...]
"""What makes two positions' changed lines the same change: the line without its numbers, or
the cause and the words it changed."""


@dataclass
class _Bucket:
    """The items of one group in the making: by cause, or by the positions that share them."""

    cause: Cause | None
    positions: dict[str, None]
    items: dict[Key, str]
    fields: dict[str, None]


def group(
    changes: Sequence[Change],
    items_of: Callable[[Change], list[Item]],
    causes: Sequence[Cause] = (),
) -> Grouping:
    """Group the items of the changed positions by cause (else by the positions sharing them).

    An item a cause explains is matched across positions by the words it changed, so that a
    title printed in rows that differ from position to position is still one change.
    """
    items: dict[str, list[Item]] = {}
    keys: dict[str, list[Key]] = {}
    reach: dict[Key, list[str]] = {}
    for change in changes:
        if change.status != "changed":
            continue
        items[change.ident] = items_of(change)
        keys[change.ident] = [_key(item, change.ident, causes) for item in items[change.ident]]
        for key in dict.fromkeys(keys[change.ident]):
            reach.setdefault(key, []).append(change.ident)
    by_reach: dict[tuple[str, ...], list[Key]] = {}
    for key, reached in reach.items():
        if len(reached) >= GROUP_FROM:
            by_reach.setdefault(tuple(reached), []).append(key)
    changes_by_id = {change.ident: change for change in changes}
    buckets: dict[object, _Bucket] = {}
    grouped: set[Key] = set()
    for shared, found in sorted(by_reach.items(), key=lambda entry: (-len(entry[0]), entry[0])):
        wanted = set(found)
        first: dict[Key, Item] = {}
        for ident in shared:
            for item, key in zip(items[ident], keys[ident], strict=True):
                if key in wanted:
                    first.setdefault(key, item)
        members = [changes_by_id[ident] for ident in shared]
        fields = [f for f in members[0].fields if all(f in m.fields for m in members)]
        docs = [side.doc for side in (members[0].old, members[0].new) if side is not None]
        for key, cause in _attributed(shared, found, causes):
            bucket = buckets.setdefault(
                id(cause) if cause is not None else shared, _Bucket(cause, {}, {}, {})
            )
            bucket.positions.update(dict.fromkeys(shared))
            bucket.items.setdefault(key, first[key].text)
            word = first[key].word  # the Word template's own change, or the Markdown's
            parts = [f for f in fields if (f == WORD) == word]
            bucket.fields.update(dict.fromkeys(touched(cause, docs, parts)))
        grouped.update(found)
    groups = []
    for bucket in buckets.values():
        positions = tuple(sorted(bucket.positions))
        ranked = {key: n for n, key in enumerate(keys.get(positions[0], []))}
        shown = sorted(bucket.items, key=lambda key: ranked.get(key, len(ranked)))
        substance = any(f in SUBSTANCE for f in bucket.fields)
        groups.append(
            Group(
                tuple(bucket.items[key] for key in shown),
                positions,
                tuple(bucket.fields),
                substance,
                bucket.cause,
            )
        )
    groups.sort(key=lambda shared: (-len(shared.positions), shared.positions))
    own = {
        ident: [item for item, key in zip(found, keys[ident], strict=True) if key not in grouped]
        for ident, found in items.items()
    }
    return Grouping(groups, own)


def _key(item: Item, ident: str, causes: Sequence[Cause]) -> Key:
    cause = item.source or explaining(causes, (ident,), item.segments)
    if cause is None:
        return ("line", item.word, without_numbers(item.text))
    changed = tuple(segment for segment in item.segments if segment[0] != "=")
    return ("cause", id(cause), cause, changed)


def _attributed(
    positions: Sequence[str], found: list[Key], causes: Sequence[Cause]
) -> list[tuple[Key, Cause | None]]:
    """Each shared item's cause. An item whose words no cause explains (a section heading that a
    new default brings, numbers that shift) goes with the cause of the others when that is the
    only cause reaching these positions."""
    by_item = [key[2] if key[0] == "cause" else None for key in found]
    named = {id(cause): cause for cause in by_item if isinstance(cause, Cause)}
    reaching = covering(causes, positions)
    only = next(iter(named.values())) if len(named) == 1 and len(reaching) == 1 else None
    return [
        (key, cause if isinstance(cause, Cause) else only)
        for key, cause in zip(found, by_item, strict=True)
    ]

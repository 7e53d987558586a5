"""What an edit of positions or blocks reaches: the positions an incremental build or check
reads again.

The state of the last build (see :mod:`ametigen.incremental`) keeps, for every position, its
title, its links (the entries of its people fields) and the block entries its resolution used,
and a hash of every block entry. From them, when positions were edited, added or removed, or
blocks edited, and everything else (templates, the organisation file) is as before:

- a position that uses a block entry whose content changed, or that went, is read again, as if
  it had been edited (an entry that came is used by no position the last build resolved: one
  naming it had an error then, so its file is still edited since); a standard task that a
  position partly rewords counts only with the parts it keeps (and one of its users is read
  again whenever the item changed at all, so that the item is validated again);

- a position whose title changed is printed by the positions that refer to it: they are
  resolved again (and rendered again only if their text changed);
- a position whose title, unit or links changed may change the organisation checks of the
  positions that refer to it (do they name each other?) and of those whose plain text equals
  its old or new title (the "looks like a reference" warning, which also depends on units and
  on the chain of managers: where a chain changed, the positions above and below are read
  again too);
- every other position is as the last build left it: its title and links come from the state,
  and so do its warnings.

Errors always lead to a full resolution, so that every error of the project is reported, as a
build from scratch would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ametigen.errors import Problem
from ametigen.incremental import Changes, State, Summary
from ametigen.load.project import POSITIONS, position_file

if TYPE_CHECKING:  # resolving imports the schema (pydantic): not for a build with no changes
    from ametigen.load.project import Sources
    from ametigen.resolve.document import Document
    from ametigen.resolve.resolve import Resolved

PARTIAL_SHARE = 1.0
"""Above this share of all positions to read again, they are all read (a full resolution).
Many positions reached are resolved where they are rendered (see ``build.WIDE_FROM``), keeping
no documents here, once each, where a full build resolves every position twice: so the partial
way is the cheaper at any share (see BENCHMARKS.md, eighth round). It was 0.5 while the partial
way resolved in this process and held its documents."""


@dataclass
class Resolution:
    """The documents this run resolved (all, or only the affected ones) and the warnings."""

    resolved: Resolved
    warnings: list[Problem]
    complete: bool  # every position was resolved
    summaries: dict[str, Summary]  # of every position


def resolve_all(root: Path) -> Resolution:
    """Every position of the project, with the organisation checks (no documents kept: the
    build resolves each again where it renders it)."""
    from ametigen.pipeline import resolve_everything

    resolved = resolve_everything(root)
    return Resolution(resolved, ordered(resolved.problems), True, dict(resolved.summaries))


@dataclass
class Reach:
    """What edits reach, found by reading the edited positions (``first``): the positions to
    read again (``positions``, the edited ones among them) and what the state knows of every
    position but the removed ones (``known``)."""

    first: Resolved
    positions: set[str]
    known: dict[str, Summary]

    def beyond(self) -> int:
        """How many positions are reached besides the edited ones."""
        return len(self.positions - set(self.first.positions))

    def titles(self) -> dict[str, str]:
        """Every position's title: from the state, and of the edited positions as read now (a
        position reached but not edited has the title the state keeps)."""
        titles = {ident: summary.title for ident, summary in self.known.items()}
        titles.update((ident, model.title) for ident, model in self.first.positions.items())
        return titles


def resolve_changed(
    root: Path, state: State, changes: Changes, *, everywhere_from: int | None = None
) -> Resolution | None:
    """Resolve the positions ``changes`` reach (see the module's description); None when that
    is not enough: an error anywhere (a full resolution reports them all), or a warning of the
    last build that no position file holds (several positions may have caused it).

    With ``everywhere_from``: when at least so many positions are reached besides the edited
    ones, they are resolved on every core, keeping no documents (see ``resolve_everywhere``).
    """
    found = reach(root, state, changes)
    if found is None:
        return None
    if everywhere_from is not None and found.beyond() >= everywhere_from:
        from ametigen.collector import collector_paused
        from ametigen.load.project import load_sources

        with collector_paused():
            sources = load_sources(root, only=())
        resolution, _ = resolve_everywhere(sources, state, changes, found)
        return resolution
    return resolve_reached(root, state, changes, found)


def resolve_everywhere(
    sources: Sources,
    state: State,
    changes: Changes,
    found: Reach,
    then: Callable[[Document], Any] | None = None,
    *,
    per_worker: int | None = None,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda items: items,
) -> tuple[Resolution | None, dict[str, Any]]:
    """``resolve_reached`` on every core (``sources``: read without positions): each position
    reached is resolved in a worker, which hands its document to ``then`` there (see
    :func:`ametigen.resolve.each.resolve_each`); only summaries and problems come back, and the
    checks between positions run here. Returns the resolution (None on any error) and what
    ``then`` made of each document."""
    from ametigen.resolve.each import PER_WORKER, resolve_each

    resolved, made = resolve_each(
        sources,
        found.positions,
        found.titles(),
        then,
        per_worker=per_worker or PER_WORKER,
        progress=progress,
    )
    if any(not problem.warning for problem in resolved.problems):
        return None, made
    return conclude(state, changes, found.known, resolved), made


def resolve_reached(root: Path, state: State, changes: Changes, found: Reach) -> Resolution | None:
    """``resolve_changed`` once the reach is ``found``: the positions reached are resolved in
    this process, with their documents."""
    from ametigen.collector import collector_paused

    with collector_paused():  # (as a full resolution: many objects, all kept, no cycles)
        resolved: Resolved | None = found.first
        if found.positions - set(found.first.positions):
            resolved = _resolve(root, found.positions, found.known)
        if resolved is None:
            return None
        return conclude(state, changes, found.known, resolved)


def reach(root: Path, state: State, changes: Changes) -> Reach | None:
    """The edited positions read, and the positions ``changes`` reach; None when a full
    resolution is needed (see ``resolve_changed``), or reading them all is as cheap."""
    if any(not _is_position_file(problem.path) for problem in state.warnings):
        return None
    from ametigen.collector import collector_paused

    with collector_paused():
        known = {i: e.summary for i, e in state.entries.items() if i not in changes.removed}
        resolved = _resolve(root, changes.edited, known)
        if resolved is None:
            return None
        old = {ident: entry.summary for ident, entry in state.entries.items()}
        found = reached(changes, old, resolved)
        if changes.blocks:
            found |= block_users(state, resolved.block_entries) - changes.removed
    if len(found) > PARTIAL_SHARE * max(len(known), 1):
        return None
    return Reach(resolved, found, known)


def conclude(
    state: State, changes: Changes, known: Mapping[str, Summary], resolved: Resolved
) -> Resolution | None:
    """The positions an edit reached, resolved (``resolved``: their summaries, origins and
    problems), checked against every other position (``known``); None on any error."""
    from ametigen.collector import collector_paused

    with collector_paused():
        problems = _organisation(resolved, known)
    if problems is None or any(not problem.warning for problem in problems):
        return None
    summaries = {**known, **resolved.summaries}
    again = {position_file(ident) for ident in (*resolved.summaries, *changes.removed)}
    kept = [problem for problem in state.warnings if _name(problem.path) not in again]
    warnings = ordered([*kept, *problems, *resolved.problems])
    return Resolution(resolved, warnings, False, summaries)


def _resolve(root: Path, only: Collection[str], known: Mapping[str, Summary]) -> Resolved | None:
    """The positions ``only``, resolved without organisation checks; None on any error."""
    from ametigen.pipeline import resolve_some
    from ametigen.resolve.checks import read_people

    titles = {ident: summary.title for ident, summary in known.items() if ident not in only}
    resolved = resolve_some(root, only, titles)
    if any(not problem.warning for problem in resolved.problems):
        return None
    if set(only) - set(resolved.positions):
        return None  # could not be read (an error was reported)
    read_people(resolved)
    return resolved


def block_users(state: State, now: Mapping[str, str]) -> set[str]:
    """The positions of ``state`` that used a block entry whose hash is not as in ``now``;
    and, for an item that changed where positions use only some of its parts, one of those (if
    none is already reached): reading it validates the whole item again, as a full build
    would (an error there is an error however few print the part)."""
    from ametigen.resolve.blocks import part_of

    changed = state.blocks.changed(dict(now))
    parted: dict[tuple[str, ...], set[str]] = {}  # the items of whose parts each list names
    for entry in state.entries.values():
        used = entry.summary.blocks
        if used not in parted:
            parted[used] = {item for key in used if (item := part_of(key)) is not None}
    users = {
        ident
        for ident, entry in state.entries.items()
        if not changed.isdisjoint(entry.summary.blocks)
    }
    unchecked = set().union(*parted.values()) & changed
    for ident in users:
        unchecked -= parted[state.entries[ident].summary.blocks]
    for ident, entry in state.entries.items():
        if not unchecked:
            break
        items = parted[entry.summary.blocks] & unchecked
        if items:
            users.add(ident)
            unchecked -= items
    return users


def reached(changes: Changes, old: Mapping[str, Summary], new: Resolved) -> set[str]:
    """The positions to read again: the edited ones; those that refer to a position whose
    title, unit or links changed; those whose plain text is such a position's title, old or
    new; and, where a chain of managers changed, the positions above and below the change."""
    moved: set[str] = set(changes.removed)
    titles = {old[ident].title for ident in changes.removed}
    rechained: set[str] = set(changes.removed)
    for ident, summary in new.summaries.items():
        before = old.get(ident)
        if before == summary:
            continue
        moved.add(ident)
        titles.add(summary.title)
        if before is not None:
            titles.add(before.title)
        if before is None or _manager(before) != _manager(summary):
            rechained.add(ident)
    reach = set(changes.edited)
    for ident, summary in old.items():
        if ident in changes.removed:
            continue
        for _, target, text in summary.links:
            if target in moved or (text is not None and text in titles):
                reach.add(ident)
                break
    if rechained:
        reach |= _chained(rechained, old, new.summaries)
    return reach - changes.removed


def _manager(summary: Summary) -> str | None:
    return next((t for f, t, _ in summary.links if f == "vahetu_juht" and t is not None), None)


def _chained(changed: set[str], old: Mapping[str, Summary], new: Mapping[str, Summary]) -> set[str]:
    """The positions with plain-text mentions above or below ``changed`` in the chain of
    managers, before or after: whether a text names someone "nearby" may have changed."""
    from ametigen.resolve.checks import chain

    found: set[str] = set()
    for people in (old, {**old, **new}):
        managers = {i: m for i, s in people.items() if (m := _manager(s)) is not None}
        below: dict[str, list[str]] = {}
        for ident, manager in managers.items():
            below.setdefault(manager, []).append(ident)
        for ident in changed:
            found.update(chain(managers, ident))
            stack = [ident]
            while stack:
                for child in below.get(stack.pop(), ()):
                    if child not in found:
                        found.add(child)
                        stack.append(child)
    return {
        ident
        for ident in found
        if ident in old and any(text is not None for _, _, text in old[ident].links)
    }


def _organisation(resolved: Resolved, known: Mapping[str, Summary]) -> list[Problem] | None:
    """The organisation checks of the positions in ``resolved``, the others read from the state;
    None if a cycle of managers needs positions that were not read."""
    from ametigen.resolve.checks import CycleFound, Person, check_people, read_people

    fresh = read_people(resolved)
    people = {i: Person.of(s) for i, s in known.items() if i not in fresh}
    people.update(fresh)
    try:
        return check_people(people, fresh, resolved)
    except CycleFound:
        return None


def _is_position_file(path: Path | str) -> bool:
    return _name(path).startswith(f"{POSITIONS}/")


def _name(path: Path | str) -> str:
    """A problem's file as ids name it, with "/" (its path has "\\" on Windows; one read
    from the state is the text it was printed as)."""
    if isinstance(path, PurePath):
        return path.as_posix()
    return path.replace(os.sep, "/") if os.sep != "/" else path


def ordered(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in the order of files and lines (the same however it was found)."""
    return sorted(dict.fromkeys(problems), key=Problem.sort_key)

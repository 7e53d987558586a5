"""``ametigen check``: every source and template validated, reusing what was validated before.

Like the build (see :mod:`ametigen.incremental`), a check decides from content: it hashes the
sources and compares them with the state the last successful check (``build/.ametigen-check
.json``) or build (``build/.ametigen-state.json``) left. With nothing changed it only hashes;
after edits of positions or blocks it reads just the positions the edits reach
(:mod:`ametigen.resolve.affected`) and takes everything else — titles, references, warnings —
from that state; when anything else changed (a template, the organisation file, the
generator) it checks everything. A check that finds no error leaves its state for the next.

When no state can be used (none there, or the templates, organisation file or generator
changed), the position files are not hashed first: each is hashed from the very bytes a worker
reads to check it, so it is read once, and the state left is bound to exactly what was checked.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ametigen.collector import collector_paused, settle, settling
from ametigen.errors import Problem, raise_errors
from ametigen.hashcache import Hashes
from ametigen.incremental import (
    STATE_FILE,
    BlockEntries,
    Changes,
    Entry,
    Scan,
    State,
    decode_every,
    encode_state,
    load_state,
    scan_others,
    scan_positions,
)
from ametigen.load.ahead import Ahead
from ametigen.load.project import POSITIONS, find_root, in_order, position_file
from ametigen.resolve.affected import Resolution, ordered, resolve_changed

CHECK_STATE = ".ametigen-check.json"
EVERYWHERE_FROM = 200
"""Positions an edit reaches besides the edited ones from which they are resolved on every
core (as many as go to two workers: see ``resolve.each.PER_WORKER``)."""


@dataclass
class CheckReport:
    positions: int  # how many were found in order
    problems: list[Problem]  # warnings


def check(project: Path, *, strict: bool = False) -> CheckReport:
    """Check the project in ``project``; raise SourceErrors listing every error (with
    ``strict``, every warning too) of every file."""
    root = find_root(project)
    out = root / "build"
    with settling():
        return _check(root, out, strict)


def _check(root: Path, out: Path, strict: bool) -> CheckReport:
    with collector_paused():  # (what a run reads first and keeps to its end: set aside)
        hashes = Hashes(root, out)
        listed = hashes.files(root / POSITIONS, ".yaml")
        now = Scan({}, scan_others(root, hashes))
        states = [load_state(out, name) for name in (CHECK_STATE, STATE_FILE)]
        state, changes = State(), None
        if any(state.applies(now.context, None) for state in states):
            now = Scan(scan_positions(listed, hashes), now.others)
            hashes.save()
            state, changes = _last(states, now)
            if changes:
                decode_every(state.entries)  # (an edit reads every entry: see resolve.affected)
        settle()
    with collector_paused():  # (as above: what the check makes, it keeps to its end)
        if changes is not None and not changes:
            problems = state.warnings
        else:
            resolution = None
            if changes is not None:
                resolution = resolve_changed(root, state, changes, everywhere_from=EVERYWHERE_FROM)
            if resolution is not None and _annexes_repeat(resolution):
                resolution = None  # an error: the full check reports it where it is
            if resolution is not None:
                warnings = [*resolution.warnings, *_probed(root, resolution, now)]
                resolution.warnings = ordered(warnings)
            else:
                resolution = _everything(root, now, listed)
                now = _read(now, resolution, hashes)
            problems = resolution.warnings
            if not any(not problem.warning for problem in problems):
                entries = _entries(state, now, resolution)
                blocks = BlockEntries(now.blocks, resolution.resolved.block_entries)
                _save(out, State(now.context, None, entries, problems, blocks), state)
        settle()  # (else the collector's next round, as the warnings are printed, scans it all)
    raise_errors(problems, strict=strict)
    return CheckReport(len(listed), problems)


def _last(states: list[State], now: Scan) -> tuple[State, Changes | None]:
    """Of the states of the last check and of the last build, the one with fewer changes
    since."""
    found = []
    for state in states:
        changes = state.changed(now, state.epoch)
        if changes is not None:
            found.append((len(changes.edited) + len(changes.removed), state, changes))
    if not found:
        return State(), None
    _, state, changes = min(found, key=lambda item: item[0])
    return state, changes


def _entries(state: State, now: Scan, resolution: Resolution) -> dict[str, Entry]:
    """What the next check needs of every position: the entry of ``state`` where it holds the
    same (then it is written back as it was read: see ``encode_state``; a build's entry keeps
    its fingerprint, which no check reads), else a new one."""
    old, summaries = state.entries, resolution.summaries
    entries = {}
    for ident, source in now.positions.items():
        summary = summaries[ident]
        entry = old.get(ident)
        if entry is None or entry.source != source or entry.summary is not summary:
            entry = Entry(source, "", summary)
        entries[ident] = entry
    return entries


def _annexes_repeat(resolution: Resolution) -> bool:
    """Whether two positions are stamped as the same annex of one order (see
    ``check_annex_numbers``, which only the full check runs: it needs every position)."""
    annexes = [summary.annex for summary in resolution.summaries.values() if summary.annex]
    return len(annexes) != len(set(annexes))


AHEAD_FROM = 100
"""Positions from which a check with nothing to reuse loads them ahead in a second process
(:mod:`ametigen.load.ahead`); fewer load faster than a process starts."""


def _everything(root: Path, now: Scan, listed: Collection[str]) -> Resolution:
    """Every position (``listed``) checked; the positions' files are hashed as they are read
    for it (see :func:`_read`), unless ``now`` has their hashes already."""
    keys = {name: now.layout(name) for name in now.layouts()}
    hashed = not now.positions
    early = hashed and len(listed) >= AHEAD_FROM
    order = in_order(listed) if early else ()
    with Ahead(root, order) as ahead:  # (while this process imports: see load.ahead)
        from ametigen.pipeline import checked

        ahead.take()
        resolved = checked(root, keys, listed, hashed=hashed)  # (listed once)
    return Resolution(resolved, ordered(resolved.problems), True, dict(resolved.summaries))


def _read(now: Scan, resolution: Resolution, hashes: Hashes) -> Scan:
    """``now`` with the hashes of the positions' files as they were read to be checked, where
    it has none: a state made of it is bound to exactly the bytes that were checked. (A
    position with an error has none: no state is kept then.) Those files' hashes are kept for
    the next run as if it had read them here (see :mod:`ametigen.hashcache`)."""
    if now.positions:
        return now
    read = resolution.resolved.sources
    for ident in sorted(read):
        hashes.keep(position_file(ident), read[ident])
    hashes.save()
    return Scan({ident: read[ident].digest for ident in sorted(read)}, now.others)


def _probed(root: Path, resolution: Resolution, now: Scan) -> list[Problem]:
    """The probe of every layout (read back: the templates are as the last check found them)
    and the fields of the positions read now that their layouts never print."""
    from ametigen.pipeline import probe_templates
    from ametigen.render.probe import template_problems, unprinted_fields

    layouts = resolution.resolved.layouts
    keys = {name: now.layout(name) for name in layouts}
    probes = probe_templates(layouts, root / "build", keys)
    return template_problems(probes) + unprinted_fields(resolution.resolved, probes)


def _save(out: Path, state: State, previous: State) -> None:
    """Keep the state for the next check (``previous``: the one it follows); where it cannot
    be kept, the next one does it all."""
    import contextlib

    from ametigen.write import write_atomic

    with contextlib.suppress(OSError):
        out.mkdir(exist_ok=True)
        write_atomic(out / CHECK_STATE, encode_state(state, previous.entries))

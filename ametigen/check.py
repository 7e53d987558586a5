"""``ametigen check``: every source and template validated, reusing what was validated before.

Like the build (see :mod:`ametigen.incremental`), a check decides from content: it hashes the
sources and compares them with the state the last successful check (``build/.ametigen-check
.json``) or build (``build/.ametigen-state.json``) left. With nothing changed it only hashes;
after edits of positions or blocks it reads just the positions the edits reach
(:mod:`ametigen.resolve.affected`) and takes everything else — titles, references, warnings —
from that state; when anything else changed (a template, the organisation file, the
generator) it checks everything. A check that finds no error leaves its state for the next.
"""

from __future__ import annotations

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
    encode_state,
    load_state,
    scan,
)
from ametigen.load.project import find_root
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
        now = scan(root, hashes)
        hashes.save()
        state, changes = _last(out, now)
        if changes:
            dict(state.entries)  # (an edit reads every entry: see resolve.affected)
        settle()
    if changes is not None and not changes:
        problems = state.warnings
    else:
        resolution = None
        if changes is not None:
            resolution = resolve_changed(root, state, changes, everywhere_from=EVERYWHERE_FROM)
        if resolution is not None and _annexes_repeat(resolution):
            resolution = None  # an error: the full check reports it where it is
        if resolution is not None:
            resolution.warnings = ordered([*resolution.warnings, *_probed(root, resolution, now)])
        else:
            resolution = _everything(root, now)
        problems = resolution.warnings
        if not any(not problem.warning for problem in problems):
            with collector_paused():  # (it would scan every resolved position again)
                entries = {
                    ident: Entry(source, "", resolution.summaries[ident])
                    for ident, source in now.positions.items()
                }
                blocks = BlockEntries(now.blocks, resolution.resolved.block_entries)
                _save(out, State(now.context, None, entries, problems, blocks))
    raise_errors(problems, strict=strict)
    return CheckReport(len(now.positions), problems)


def _last(out: Path, now: Scan) -> tuple[State, Changes | None]:
    """The state of the last check or of the last build, whichever has fewer changes since."""
    found = []
    for name in (CHECK_STATE, STATE_FILE):
        state = load_state(out, name)
        changes = state.changed(now, state.epoch)
        if changes is not None:
            found.append((len(changes.edited) + len(changes.removed), state, changes))
    if not found:
        return State(), None
    _, state, changes = min(found, key=lambda item: item[0])
    return state, changes


def _annexes_repeat(resolution: Resolution) -> bool:
    """Whether two positions are stamped as the same annex of one order (see
    ``check_annex_numbers``, which only the full check runs: it needs every position)."""
    annexes = [summary.annex for summary in resolution.summaries.values() if summary.annex]
    return len(annexes) != len(set(annexes))


def _everything(root: Path, now: Scan) -> Resolution:
    from ametigen.pipeline import checked

    keys = {name: now.layout(name) for name in now.layouts()}
    resolved = checked(root, keys, now.positions)  # (the positions hashed: listed once)
    return Resolution(resolved, ordered(resolved.problems), True, dict(resolved.summaries))


def _probed(root: Path, resolution: Resolution, now: Scan) -> list[Problem]:
    """The probe of every layout (read back: the templates are as the last check found them)
    and the fields of the positions read now that their layouts never print."""
    from ametigen.pipeline import probe_templates
    from ametigen.render.probe import template_problems, unprinted_fields

    layouts = resolution.resolved.layouts
    keys = {name: now.layout(name) for name in layouts}
    probes = probe_templates(layouts, root / "build", keys)
    return template_problems(probes) + unprinted_fields(resolution.resolved, probes)


def _save(out: Path, state: State) -> None:
    """Keep the state for the next check; where it cannot be kept, the next one does it all."""
    import contextlib

    from ametigen.write import write_atomic

    with contextlib.suppress(OSError):
        out.mkdir(exist_ok=True)
        write_atomic(out / CHECK_STATE, encode_state(state))

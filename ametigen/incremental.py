"""Incremental builds: what the last build saw, so that the next one does only what changed.

Every decision comes from content — the sha256 of each source file's bytes and of the resolved
document — never from modification times, so a git checkout that rewrites files costs nothing
(a file's stat only spares reading a file whose hash is kept beside it: :mod:`ametigen.hashcache`).
The state is one file in the output folder, a line of JSON per position after one for the rest
(an edit writes again only the lines of what changed); a missing, foreign or damaged state is
simply ignored (the build then does everything). Shared blocks are tracked by entry, not by
file: the state keeps a hash of each block entry and, for each position, the entries its
resolution used, so that a block edit reaches only the positions that use what changed. This
module imports nothing heavy: a build with nothing changed reads the sources' bytes, compares
hashes and stops.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ametigen import __version__
from ametigen.errors import Mark, Problem
from ametigen.hashcache import Hashes, file_hash
from ametigen.load.project import BLOCKS, LAYOUTS, ORG_FILE, POSITIONS, position_file

STATE_FILE = ".ametigen-state.json"
FORMAT = 7
TEMPLATES = "templates"
MACROS = "macros"


@dataclass(frozen=True)
class Scan:
    """The hashes of a project's sources, as they are now."""

    positions: dict[str, str]  # position id → sha256 of its file
    others: dict[str, str]  # every other source (org file, templates) by path → sha256

    @property
    def context(self) -> str:
        """What every document depends on besides its own file and the blocks it uses: the
        generator and the rest."""
        return digest(
            generator_fingerprint(),
            *(f"{k}\0{v}" for k, v in self.others.items() if not is_block_file(k)),
        )

    @property
    def blocks(self) -> str:
        """The block files' bytes (which entries changed, only reading them tells)."""
        return digest(*(f"{k}\0{v}" for k, v in self.others.items() if is_block_file(k)))

    def layouts(self) -> set[str]:
        """The names of the layout folders."""
        prefix = f"{LAYOUTS.as_posix()}/"
        return {k[len(prefix) :].split("/")[0] for k in self.others if k.startswith(prefix)}

    def layout(self, name: str) -> str:
        """A layout's templates (its folder and the shared macros), for its documents' prints."""
        prefixes = (f"{LAYOUTS.as_posix()}/{name}/", f"{TEMPLATES}/{MACROS}/")
        return digest(*(f"{k}\0{v}" for k, v in self.others.items() if k.startswith(prefixes)))


def scan(root: Path, hashes: Hashes | None = None) -> Scan:
    """Hash every source file of the project at ``root``; with ``hashes``, read again only the
    files that changed since a run that kept them (see :mod:`ametigen.hashcache`)."""
    return Scanning(root, hashes or Hashes(root, None)).finish()


class Scanning:
    """:func:`scan` in steps: the position files are listed, then those whose hash is kept
    found by their stat, in order, as far as asked (see :meth:`reads`); :meth:`finish` finds
    the rest and reads those whose hash is not kept."""

    def __init__(self, root: Path, hashes: Hashes) -> None:
        self.root, self.hashes = root, hashes
        self.found = hashes.files(root / POSITIONS, ".yaml")
        self.order = sorted(self.found)
        self.positions: dict[str, str | os.stat_result | None] = {}  # (see Hashes.kept_hash)
        self.unread = 0  # of those in positions

    def reads(self, count: int) -> bool:
        """Whether at least ``count`` position files are to be read (stats files only until it
        knows)."""
        self._stat(count)
        return self.unread >= count

    def finish(self) -> Scan:
        self._stat(len(self.order) + 1)
        read, found = self.hashes.read_file, self.found
        positions = {
            ident: known
            if isinstance(known, str)
            else read(position_file(ident), found[ident], known)
            for ident, known in self.positions.items()
        }
        return Scan(positions, scan_others(self.root, self.hashes))

    def _stat(self, until: int) -> None:
        """Find the kept hashes of the files not looked at yet, until ``until`` are to be read."""
        kept_hash, found, positions = self.hashes.kept_hash, self.found, self.positions
        for ident in self.order[len(positions) :]:
            known = positions[ident] = kept_hash(position_file(ident), found[ident])
            if not isinstance(known, str):
                self.unread += 1
                if self.unread >= until:
                    return


def scan_positions(found: dict[str, str], hashes: Hashes) -> dict[str, str]:
    """The hashes of the position files ``found`` (id → file), by id in order."""
    return {ident: hashes(position_file(ident), found[ident]) for ident in sorted(found)}


def scan_others(root: Path, hashes: Hashes) -> dict[str, str]:
    """The hashes of the sources besides the positions (see :attr:`Scan.others`)."""
    others = {ORG_FILE: hashes(ORG_FILE, str(root / ORG_FILE))}
    templates = root / TEMPLATES
    for path in sorted(templates.rglob("*")) if templates.is_dir() else []:
        if path.is_file():
            key = path.relative_to(root).as_posix()
            others[key] = hashes(key, str(path))
    return others


def is_block_file(path: str) -> bool:
    """Whether ``path`` (relative to the project, with /) is a block file the loader reads."""
    return path.startswith(f"{BLOCKS.as_posix()}/") and path.endswith(".yaml")


Link = tuple[str, str | None, str | None]
"""One entry of a people field: (field, referenced position id or None, plain text or None)."""


@dataclass(frozen=True)
class Summary:
    """What references to a position and the organisation checks read from it, and which
    block entries its resolution used (not compared: no other position reads them)."""

    title: str
    unit: str
    links: tuple[Link, ...]  # its people fields, in order
    annex: str = ""  # the order's date, number and annex number of its KINNITATUD header
    blocks: tuple[str, ...] = field(default=(), compare=False)  # see blocks.entry_key


@dataclass(frozen=True)
class BlockEntries:
    """The shared blocks as the last build read them."""

    files: str = ""  # Scan.blocks: the block files' bytes
    hashes: dict[str, str] = field(default_factory=dict)  # entry key → hash of its content

    def changed(self, now: dict[str, str]) -> set[str]:
        """The entries whose content changed, came or went, against ``now``'s hashes."""
        before = self.hashes
        return {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}


@dataclass(frozen=True)
class Entry:
    """What the last build knew of one position."""

    source: str  # sha256 of its file when its outputs were last made or checked; "" = unknown
    fingerprint: str  # of everything its outputs' bytes depend on
    summary: Summary


@dataclass
class Changes:
    """Positions added or edited since the last build, positions removed, and whether a block
    file changed (which of its entries, and so which positions that reaches, is found when
    the blocks are read: see :func:`ametigen.resolve.affected.resolve_changed`)."""

    edited: set[str]
    removed: set[str]
    blocks: bool = False

    def __bool__(self) -> bool:
        return bool(self.edited or self.removed or self.blocks)


class Entries(Mapping[str, Entry]):
    """The entries of a state read from its file, each decoded when first asked for: a build
    with nothing changed needs only their sources' hashes (:meth:`sources`). Each keeps its
    line of the file: an entry written back unchanged is written as it was read (see
    :func:`encode_state`)."""

    def __init__(
        self, raw: dict[str, list[Any]], lines: dict[str, bytes], uses: list[tuple[str, ...]]
    ) -> None:
        self._raw = raw  # id → [id, source, fingerprint, title, unit, links, annex, uses]
        self._lines = lines
        self.uses = uses
        self._decoded: dict[str, Entry] = {}
        self._every: dict[str, Entry] | None = None  # every entry decoded, in the file's order

    def __getitem__(self, ident: str) -> Entry:
        entry = self._decoded.get(ident)
        if entry is None:
            entry = self._decoded[ident] = _entry(self._raw[ident], self.uses)
        return entry

    def every(self) -> dict[str, Entry]:
        """Every entry, decoded (once), in the file's order: an edit reads them all, several
        times over (see :mod:`ametigen.resolve.affected`)."""
        if self._every is None:
            self._every = {ident: self[ident] for ident in self._raw}
        return self._every

    def items(self) -> ItemsView[str, Entry]:
        return self.every().items()

    def values(self) -> ValuesView[Entry]:
        return self.every().values()

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, ident: object) -> bool:
        return ident in self._raw

    def sources(self) -> dict[str, str]:
        return {ident: raw[1] for ident, raw in self._raw.items()}

    def line(self, ident: str, entry: Entry) -> tuple[bytes, int] | None:
        """The line ``entry`` was read from and the number of its block entries' list in
        :attr:`uses`, if it is the entry read from this state for ``ident``."""
        if self._decoded.get(ident) is not entry:
            return None
        return self._lines[ident], self._raw[ident][7]


def decode_every(entries: Mapping[str, Entry]) -> None:
    """Decode every entry of a state read from its file now (see :meth:`Entries.every`)."""
    if isinstance(entries, Entries):
        entries.every()


@dataclass
class State:
    """The outcome of the last successful build into one output folder."""

    context: str = ""
    epoch: int | None = None
    entries: Mapping[str, Entry] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    blocks: BlockEntries = field(default_factory=BlockEntries)

    def applies(self, context: str, epoch: int | None) -> bool:
        """Whether what the positions' entries say holds for ``context`` and ``epoch`` (else
        every position is resolved again)."""
        return self.context == context and self.epoch == epoch

    def changed(self, now: Scan, epoch: int | None) -> Changes | None:
        """Positions whose files changed, came or went, and whether blocks did; None if
        anything else did (then resolve them all)."""
        if not self.applies(now.context, epoch):
            return None
        entries = self.entries
        if isinstance(entries, Entries):
            sources = entries.sources()
        else:
            sources = {ident: entry.source for ident, entry in entries.items()}
        edited = {ident for ident, source in now.positions.items() if sources.get(ident) != source}
        removed = {ident for ident in sources if ident not in now.positions}
        return Changes(edited, removed, self.blocks.files != now.blocks)


def load_state(out: Path, name: str = STATE_FILE) -> State:
    """The state saved in ``out`` (in the file ``name``), or an empty one if there is none to
    trust (another format or version, or any damage to its shape)."""
    try:
        head, *lines = (out / name).read_bytes().split(b"\n")  # (lines kept as they are)
        raw = json.loads(head)
        if raw.get("format") != FORMAT or raw.get("version") != __version__:
            return State()
        if lines.pop() != b"":  # (the file ends with a line break: a cut one does not)
            return State()
        uses = [tuple(map(str, used)) for used in raw["uses"]]
        parsed = json.loads(b"[" + b",".join(lines) + b"]")  # (one parse for all: far faster)
        count = len(uses)
        if len(parsed) != len(lines) or not all(
            type(entry) is list
            and len(entry) == 8
            and type(entry[0]) is str
            and type(entry[1]) is str
            and type(entry[7]) is int
            and 0 <= entry[7] < count
            and type(entry[5]) is list
            and all(type(link) is list and len(link) == 3 for link in entry[5])
            for entry in parsed
        ):  # (what decoding an entry later could stumble on: it is decoded when asked for)
            return State()
        entries = {entry[0]: entry for entry in parsed}
        if len(entries) != len(parsed):
            return State()
        messages = [str(message) for message in raw["messages"]]
        return State(
            context=str(raw["context"]),
            epoch=raw["epoch"],
            entries=Entries(entries, dict(zip(entries, lines, strict=True)), uses),
            warnings=[_problem(item, messages) for item in raw["warnings"]],
            blocks=BlockEntries(
                str(raw["blocks"]), {str(k): str(v) for k, v in raw["block_entries"].items()}
            ),
        )
    except Exception:  # any damage at all: build everything, as if there were no state
        return State()


def encode_state(state: State, previous: Mapping[str, Entry] | None = None) -> bytes:
    """The state as the bytes of its file: a line of what is not per position, then a line
    per position.

    The block entries positions use are listed once per distinct list (positions made alike
    use the same), each position naming its list by number; so are the warnings' messages
    (thousands of positions may have the same warning). An entry as read from ``previous``
    (the state this one follows) is written as the line it was read from, its list keeping its
    number: after an edit, only the entries that changed are encoded again.
    """
    uses: list[tuple[str, ...]] = []
    reused: dict[str, tuple[bytes, int]] = {}
    if isinstance(previous, Entries):
        for ident, entry in state.entries.items():
            found = previous.line(ident, entry)
            if found is not None:
                reused[ident] = found
        if reused:
            uses = list(previous.uses)
            kept = {number for _, number in reused.values()}
            if len(kept) * 2 < len(uses):  # (lists no one uses: number them all anew)
                uses, reused = [], {}
    numbers = {used: number for number, used in enumerate(uses)}
    lines: list[bytes] = []
    encode = _ENCODER.encode
    for ident, entry in sorted(state.entries.items()):
        found = reused.get(ident)
        if found is not None:
            lines.append(found[0])
            continue
        used = entry.summary.blocks
        if used not in numbers:
            numbers[used] = len(uses)
            uses.append(used)
        lines.append(encode(_raw_entry(ident, entry, numbers[used])).encode("utf-8"))
    messages: dict[str, int] = {}
    warnings = [_raw_problem(problem, messages) for problem in state.warnings]
    head = {
        "format": FORMAT,
        "version": __version__,
        "context": state.context,
        "epoch": state.epoch,
        "messages": list(messages),
        "warnings": warnings,
        "blocks": state.blocks.files,
        "block_entries": dict(sorted(state.blocks.hashes.items())),
        "uses": uses,
    }
    return b"\n".join([encode(head).encode("utf-8"), *lines, b""])


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@cache
def generator_fingerprint() -> str:
    """The version and the code of ametigen itself: a changed generator rebuilds everything."""
    package = Path(__file__).parent
    return digest(__version__, *(file_hash(path) for path in sorted(package.rglob("*.py"))))


def digest(*parts: str) -> str:
    """sha256 of ``parts`` joined by newlines."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _raw_entry(ident: str, entry: Entry, uses: int) -> list[Any]:
    summary = entry.summary
    return [
        ident,
        entry.source,
        entry.fingerprint,
        summary.title,
        summary.unit,
        summary.links,
        summary.annex,
        uses,
    ]


def _entry(raw: list[Any], uses: list[tuple[str, ...]]) -> Entry:
    _, source, fingerprint, title, unit, links, annex, used = raw
    links = tuple([(str(f), t, x) for f, t, x in links])
    summary = Summary(str(title), str(unit), links, str(annex), uses[used])
    return Entry(str(source), str(fingerprint), summary)


def _raw_problem(problem: Problem, messages: dict[str, int]) -> list[Any]:
    mark = problem.mark
    return [
        str(problem.path),
        messages.setdefault(problem.message, len(messages)),
        [mark.line, mark.column] if mark else None,
        problem.field,
        problem.warning,
    ]


def _problem(raw: list[Any], messages: list[str]) -> Problem:
    path, message, mark, field, warning = raw
    return Problem(
        Path(path),
        messages[message],
        Mark(int(mark[0]), int(mark[1])) if mark else None,
        str(field),
        bool(warning),
    )

"""Load stage: find a project's files and read them, strictly, with every problem collected.

A project is a folder holding ``ametigen.yaml``, ``positions/`` and ``templates/``.
The schema (pydantic) is imported only when files are read, so that finding them stays cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ametigen.errors import AmetigenError, Mark, Problem, SourceErrors
from ametigen.parallel import map_parallel

if TYPE_CHECKING:
    from ametigen.load.yamlfile import LoadedYaml
    from ametigen.schema import Layout, Organisation, Position

ORG_FILE = "ametigen.yaml"
POSITIONS = "positions"
BLOCKS = Path("templates", "blocks")
LAYOUTS = Path("templates", "layouts")
LAYOUT_FILE = "layout.yaml"
DOCX_TEMPLATE = "ametijuhend.docx"
MD_TEMPLATE = "ametijuhend.md.j2"


def position_file(ident: str) -> str:
    """The file of position ``ident``, relative to the project's folder (``/`` between parts)."""
    return f"{POSITIONS}/{ident}.yaml"


class NotAProject(AmetigenError):
    """The folder holds no ametigen project."""

    exit_code = 2


@dataclass(frozen=True)
class LayoutSource:
    name: str
    folder: Path
    spec: Layout

    def __getstate__(self) -> dict[str, Any]:
        """Sent to another process without the position model made from it (a class made at
        run time does not pickle; the receiver makes it again when it needs it)."""
        return {key: value for key, value in self.__dict__.items() if key != "position_model"}

    @cached_property
    def position_model(self) -> type[Position]:
        """The model of this layout's positions: the common fields and the declared ones."""
        from ametigen.schema import position_model

        return position_model(self.spec.fields)

    @property
    def docx(self) -> Path:
        return self.folder / DOCX_TEMPLATE

    @property
    def markdown(self) -> Path:
        return self.folder / MD_TEMPLATE


@dataclass(frozen=True)
class Sources:
    """Every source file of a project, read and checked for syntax, not yet resolved."""

    root: Path
    org: Organisation
    org_file: LoadedYaml
    positions: dict[str, LoadedYaml]
    blocks: dict[str, LoadedYaml | None]
    """Block name → its file; None for a file that could not be read (its problem is known)."""
    layouts: dict[str, LayoutSource]
    problems: list[Problem]
    """What could not be read; the rest is still checked, so that all is reported at once."""


def find_root(start: Path) -> Path:
    """The project folder: ``start`` itself, which must hold ametigen.yaml."""
    root = start.resolve()
    if not (root / ORG_FILE).is_file():
        raise NotAProject(
            f"{root}: not an ametigen project (no {ORG_FILE}); "
            "run in the project folder or pass -C FOLDER"
        )
    return root


def position_files(root: Path) -> dict[str, Path]:
    """Position id (path under positions/ without .yaml, with /) → file, sorted by id."""
    return {ident: Path(name) for ident, name in position_names(root).items()}


def position_names(root: Path) -> dict[str, str]:
    """``position_files`` with the files' names as strings (no Path for each of thousands)."""
    found = files_by_id(root / POSITIONS, ".yaml")
    return {ident: found[ident] for ident in in_order(found)}


def in_order(idents: Iterable[str]) -> list[str]:
    """Position ids in the order of their files: folder by folder, as ``position_files``
    gives them."""
    return sorted(idents, key=lambda ident: ident.split("/"))


Listing = tuple[list[str], list[str], bool]
"""Of one folder: the names of its files with the suffix asked for, of its subfolders (linked
folders left out, as os.walk does), and whether it holds any symbolic link."""


def files_by_id(
    folder: Path, suffix: str, listed: Callable[[str, str, str], Listing | None] | None = None
) -> dict[str, str]:
    """Files ending in ``suffix`` under ``folder`` by their path without it (with /).

    ``listed(path, prefix, suffix)``: what :func:`list_folder` gives of the folder at ``path``
    (``prefix``: its path under ``folder``, with / at the end), perhaps without reading it (see
    :meth:`ametigen.hashcache.Hashes.listed`).
    """
    # os.scandir, as os.walk uses it, without os.walk's per-folder overhead (a third of the
    # time of a build with nothing changed at 10,000 positions); far faster than Path.rglob.
    found = {}
    cut = len(suffix)
    folders = [(os.fspath(folder), "")]
    while folders:
        path, prefix = folders.pop()
        listing = listed(path, prefix, suffix) if listed else list_folder(path, suffix)
        if listing is None:
            continue
        names, subfolders, _ = listing
        base = path if path.endswith(os.sep) else path + os.sep  # (os.path.join, faster)
        for name in names:
            found[prefix + name[:-cut]] = base + name
        for name in subfolders:
            folders.append((base + name, f"{prefix}{name}/"))
    return found


def list_folder(path: str, suffix: str) -> Listing | None:
    """The folder at ``path`` (see :data:`Listing`); None if it is gone or unreadable (as
    os.walk, skip it)."""
    names, subfolders, linked = [], [], False
    try:
        entries = os.scandir(path)
    except OSError:
        return None
    with entries:
        for entry in entries:
            try:
                is_folder = entry.is_dir()
                linked = linked or entry.is_symlink()
            except OSError:
                is_folder = False
            if is_folder:
                if not entry.is_symlink():  # as os.walk: a linked folder is not entered
                    subfolders.append(entry.name)
            elif entry.name.endswith(suffix):
                names.append(entry.name)
    return names, subfolders, linked


def position_id(name: str, root: Path) -> str:
    """The id meant by ``name``: ``positions/a/b.yaml``, ``a/b.yaml`` or ``a/b`` → ``a/b``."""
    path = Path(name)
    if path.suffix == ".yaml":
        path = path.with_suffix("")
    if path.is_absolute():
        path = path.relative_to(root) if path.is_relative_to(root) else path
    parts = path.parts
    if parts and parts[0] == POSITIONS:
        parts = parts[1:]
    return "/".join(parts)


class Reader:
    """Reads YAML files of one project, naming them relative to its root, collecting problems."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def read(self, path: Path, *, hashed: bool = False) -> LoadedYaml | None:
        """The file's mapping, or None after recording why it cannot be had; ``hashed``: with
        the hash and stat of the bytes it was loaded from (its ``source``)."""
        return self._keep(_load(self.root, path, hashed=hashed))

    def read_many(
        self, paths: Sequence[Path], contents: Sequence[bytes] | None = None
    ) -> list[LoadedYaml | None]:
        """``read`` of many files, on every core when there are many (within
        :func:`loaded_once`, only those whose content was not loaded before); ``contents``:
        theirs, when they are not on disk (a revision's, from git)."""
        if _LOADED is None:
            if contents is None:
                found = map_parallel(partial(_load, self.root), paths, per_worker=200)
            else:
                jobs = list(zip(paths, contents, strict=True))
                found = map_parallel(partial(_load_content, self.root), jobs, per_worker=200)
            return [self._keep(one) for one in found]
        return [self._keep(one) for one in _load_once(self.root, paths, _LOADED, contents)]

    def _keep(self, found: LoadedYaml | list[Problem]) -> LoadedYaml | None:
        if isinstance(found, list):
            self.problems += found
            return None
        return found


def _load(
    root: Path,
    path: Path,
    raw: bytes | None = None,
    *,
    hashed: bool = False,
    on_disk: bool = True,
) -> LoadedYaml | list[Problem]:
    """One file under ``root`` as a mapping (``raw``: its content, when read already; else,
    with ``hashed``, the loaded file has its ``source``), or the problems that stand in the
    way; ``on_disk`` False: the file is not on disk, ``raw`` is all there is of it."""
    from ametigen.load.yamlfile import load_yaml_text

    relative = path.relative_to(root) if path.is_absolute() else path
    full = os.path.join(root, relative)  # (a string: thousands of files a run)
    source = None
    try:
        if raw is None and hashed:
            from ametigen.hashcache import read_source

            raw, source = read_source(full)
        elif raw is None:
            with open(full, "rb") as stream:
                raw = stream.read()
        loaded = load_yaml_text(raw, relative, origin=full if on_disk else raw)
    except OSError as error:
        return [Problem(relative, f"faili ei saa lugeda: {error.strerror}")]
    except SourceErrors as error:
        return error.problems
    if not isinstance(loaded.data, dict):
        return [Problem(relative, "faili sisu peab olema väljad kujul „võti: väärtus“")]
    loaded.source = source
    return loaded


_LOADED: dict[bytes, tuple[Any, Mark | None]] | None = None
"""Within :func:`loaded_once`: the data and start of every file loaded, by its content's digest."""


@contextlib.contextmanager
def loaded_once() -> Iterator[dict[bytes, tuple[Any, Mark | None]]]:
    """Within, a position file whose content is that of one loaded before is not parsed again:
    it takes that one's data (read only, never changed). Two revisions of a project share most
    of their files; a process forked within keeps what was loaded before it started. Yields
    what is kept (a process that needs no more of it may clear it)."""
    global _LOADED
    outer = _LOADED
    kept = _LOADED = {} if outer is None else outer
    try:
        yield kept
    finally:
        _LOADED = outer


def _load_once(
    root: Path,
    paths: Sequence[Path],
    known: dict[bytes, tuple[Any, Mark | None]],
    contents: Sequence[bytes] | None = None,
) -> list[LoadedYaml | list[Problem]]:
    """``_load`` of every file (``contents``: theirs, when they are not on disk); a content in
    ``known`` is not parsed again, and what is parsed (on every core when there is much) is
    added to it."""
    from ametigen.load.yamlfile import LoadedYaml

    out: list[LoadedYaml | list[Problem]] = []
    todo: list[tuple[int, Path, bytes, bytes]] = []
    for number, path in enumerate(paths):
        relative = path.relative_to(root) if path.is_absolute() else path
        full = os.path.join(root, relative)
        if contents is not None:
            raw = contents[number]
        else:
            try:
                with open(full, "rb") as stream:
                    raw = stream.read()
            except OSError as error:
                out.append([Problem(relative, f"faili ei saa lugeda: {error.strerror}")])
                continue
        key = hashlib.sha256(raw).digest()
        if key in known:
            data, start = known[key]
            out.append(LoadedYaml(relative, data, None, full if contents is None else raw, start))
        else:
            todo.append((len(out), path, raw, key))
            out.append([])
    jobs = [(path, raw) for _, path, raw, _ in todo]
    load = _load_read if contents is None else _load_content
    for (index, *_, key), found in zip(
        todo, map_parallel(partial(load, root), jobs, per_worker=200), strict=True
    ):
        if isinstance(found, LoadedYaml):
            known[key] = (found.data, found.start)  # (not the file: validation drops its data)
        out[index] = found
    return out


def _load_read(root: Path, job: tuple[Path, bytes]) -> LoadedYaml | list[Problem]:
    return _load(root, *job)


def _load_content(root: Path, job: tuple[Path, bytes]) -> LoadedYaml | list[Problem]:
    return _load(root, *job, on_disk=False)


def read_organisation(reader: Reader, root: Path) -> tuple[LoadedYaml | None, Organisation | None]:
    """The organisation file of the project at ``root``, read and validated; its problems go to
    ``reader.problems`` and the model is None when it cannot be used."""
    from ametigen.schema import Organisation
    from ametigen.validate import validate

    loaded = reader.read(root / ORG_FILE)
    if loaded is None:
        return None, None
    org, found = validate(Organisation, loaded)
    reader.problems += found
    return loaded, org


def load_sources(
    root: Path, only: Collection[str] | None = None, contents: Mapping[str, bytes] | None = None
) -> Sources:
    """Read every source of the project at ``root``, keeping what cannot be read as problems.

    Only an unreadable organisation file stops here (every position depends on it). With
    ``only``, just those positions are read (an incremental build knows the others). With
    ``contents`` (each position file's path under ``positions/`` → its content: a revision's,
    from git), the positions are those and no position file is read from disk.
    """
    reader = Reader(root)
    org_file, org = read_organisation(reader, root)

    texts = None
    if contents is not None:
        found = {name[: -len(".yaml")]: name for name in contents if name.endswith(".yaml")}
        ordered = in_order(found)
        files = {ident: root / POSITIONS / found[ident] for ident in ordered}
        texts = [contents[found[ident]] for ident in ordered]
    elif only is None:
        files = position_files(root)
    else:
        files = {ident: root / position_file(ident) for ident in sorted(only)}
    loaded_files = reader.read_many(list(files.values()), texts)
    positions = {
        ident: loaded
        for ident, loaded in zip(files, loaded_files, strict=True)
        if loaded is not None
    }

    blocks: dict[str, LoadedYaml | None] = {}
    block_folder = root / BLOCKS
    for path in sorted(block_folder.rglob("*.yaml")) if block_folder.is_dir() else []:
        loaded = reader.read(path)
        if loaded is not None:
            reader.problems += check_item_ids(loaded)
        blocks[path.relative_to(block_folder).with_suffix("").as_posix()] = loaded

    layouts = load_layouts(reader)
    if org is None or org_file is None:
        raise SourceErrors(reader.problems)
    return Sources(root, org, org_file, positions, blocks, layouts, reader.problems)


def check_item_ids(loaded: LoadedYaml) -> list[Problem]:
    from ametigen.schema import ITEM_ID

    assert isinstance(loaded.data, dict)
    return [
        Problem(
            loaded.path,
            f"punkti tunnus „{key}“ võib sisaldada vaid väikesi ladina tähti, numbreid, - ja _",
            loaded.marks.get((key,)),
        )
        for key in loaded.data
        if not ITEM_ID.match(key)
    ]


def missing_layout(name: str, root: Path, layouts: Collection[str]) -> str:
    """Why layout ``name`` is not there: which folder was searched and what it holds."""
    folder = root / LAYOUTS
    searched = f"{LAYOUTS.as_posix()}/ ({folder})"
    what = f"kujundust „{name}“ ei ole" if name else "kujundus on valimata"
    if not folder.is_dir():
        return (
            f"{what}: kausta {searched} ei ole; "
            "loo uus projekt käsuga „ametigen init KAUST“ või kopeeri kujundus sinna"
        )
    entries = []
    for entry in sorted(folder.iterdir()):
        if entry.name in layouts:
            entries.append(entry.name)
        elif entry.is_dir():
            entries.append(f"{entry.name} (ilma failita {LAYOUT_FILE} või vigane)")
    if not entries:
        return f"{what}: kaust {searched} on tühi; lisa sinna kujunduse kaust"
    guess = ""
    if name:
        from ametigen.validate import closest

        near = closest(name, sorted(layouts))
        guess = f"; kas mõtlesid „{near}“?" if near else ""
    return f"{what}: otsisin kaustast {searched}, seal on: {', '.join(entries)}{guess}"


def project_layouts(project: Path) -> dict[str, LayoutSource]:
    """The valid layouts of the project in ``project`` (``check`` reports the others)."""
    return load_layouts(Reader(find_root(project)))


def load_layouts(reader: Reader) -> dict[str, LayoutSource]:
    from ametigen.load.layout import check_layout
    from ametigen.schema import Layout
    from ametigen.validate import validate

    layouts = {}
    folder = reader.root / LAYOUTS
    for spec_path in sorted(folder.glob(f"*/{LAYOUT_FILE}")) if folder.is_dir() else []:
        loaded = reader.read(spec_path)
        if loaded is None:
            continue
        spec, found = validate(Layout, loaded)
        reader.problems += found
        if spec is None:
            continue
        checked = check_layout(spec, loaded)
        reader.problems += checked
        if checked:
            continue
        layout = LayoutSource(spec_path.parent.name, spec_path.parent, spec)
        for template in (layout.docx, layout.markdown):
            if not template.is_file():
                reader.problems.append(
                    Problem(template.relative_to(reader.root), "kujunduse mall puudub")
                )
        layouts[layout.name] = layout
    return layouts

"""Import files into a project: read → recognise → match blocks → write → rebuild and measure."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ametigen.docxtext import docx_text
from ametigen.errors import AmetigenError
from ametigen.fidelity import Fidelity, fidelity
from ametigen.importer.blockmatch import BlockIndex, same
from ametigen.importer.layouts import LayoutKnowledge, learn
from ametigen.importer.model import Source
from ametigen.importer.readers import read
from ametigen.importer.recognise import Draft, Recogniser, detect
from ametigen.importer.yamlwrite import dump, position_data
from ametigen.load.project import POSITIONS, Sources, find_root, load_sources
from ametigen.scaffold import NEW_ID, BadPositionId, PositionExists
from ametigen.write import write_atomic

FLAG_BELOW = 0.98
"""Recall or precision under this is flagged in the report."""


class UnknownLayout(AmetigenError):
    exit_code = 2


@dataclass
class FileReport:
    """What import did with one file."""

    source: Path
    ident: str
    path: Path
    layout: str
    fields: list[str]
    blocks: list[str]
    unplaced: list[str]
    fidelity: Fidelity | None = None
    problems: list[str] = field(default_factory=list)
    damage: str | None = None

    @property
    def flagged(self) -> bool:
        measured = self.fidelity
        return measured is None or min(measured.recall, measured.precision) < FLAG_BELOW


def import_files(
    project: Path,
    files: list[Path],
    *,
    layout: str | None = None,
    ident: str | None = None,
    force: bool = False,
) -> list[FileReport]:
    """Import every file in ``files`` into the project; a report per file."""
    root = find_root(project)
    if ident is not None and len(files) != 1:
        raise BadPositionId(
            "--id käib ühe faili kohta; mitme faili korral tuleb tunnus failinimest"
        )
    sources = load_sources(root, only=())
    known = knowledge(sources)
    if layout is not None and layout not in known:
        raise UnknownLayout(
            f"kujundust „{layout}“ ei ole (templates/layouts/{layout}/); "
            f"olemas: {', '.join(sorted(known)) or 'mitte ühtegi'}"
        )
    reports = []
    for path in files:
        source = read(path)
        chosen = ident or default_id(path)
        if not NEW_ID.match(chosen):
            raise BadPositionId(
                f"„{chosen}“ ei sobi ametikoha tunnuseks: kasuta väikesi ladina tähti, numbreid, "
                "- ja _, kaustad eralda kaldkriipsuga (--id osakond/nimetus)"
            )
        target = root / POSITIONS / f"{chosen}.yaml"
        if target.exists() and not force:
            raise PositionExists(
                f"{target.relative_to(root)} on juba olemas (--force kirjutab üle)"
            )
        reports.append(import_source(root, sources, known, source, path, chosen, layout))
    return reports


def knowledge(sources: Sources) -> dict[str, LayoutKnowledge]:
    return {
        name: learn(layout, sources.org.agency, sources.org.approver)
        for name, layout in sources.layouts.items()
    }


def recognise(
    source: Source, sources: Sources, known: dict[str, LayoutKnowledge], layout: str | None
) -> Draft:
    chosen = known[layout] if layout else detect(source.units, known.values())
    index = BlockIndex.of(sources.blocks)
    recogniser = Recogniser(
        chosen,
        list(known.values()),
        sources.org.approver,
        {t: ref.split(".")[0] for t, ref in index.texts.items()},
    )
    return recogniser.run(source.units)


def import_source(
    root: Path,
    sources: Sources,
    known: dict[str, LayoutKnowledge],
    source: Source,
    path: Path,
    ident: str,
    layout: str | None,
) -> FileReport:
    draft = recognise(source, sources, known, layout)
    blocks = BlockIndex.of(sources.blocks)
    data = position_data(draft, blocks)
    target = root / POSITIONS / f"{ident}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, dump(data, draft.unplaced, path.name).encode("utf-8"))
    report = FileReport(
        source=path,
        ident=ident,
        path=target,
        layout=draft.layout,
        fields=[key for key, value in data.items() if value not in (None, [], {})],
        blocks=list(dict.fromkeys(blocks.used)),
        unplaced=draft.unplaced,
        damage=source.damage,
    )
    rebuilt, problems = rebuild(root, ident)
    report.problems = problems
    if rebuilt is not None:
        report.fidelity = fidelity(source.text, rebuilt)
    return report


def rebuild(root: Path, ident: str) -> tuple[str | None, list[str]]:
    """The text of the position's DOCX, built by the real pipeline; or what stops it."""
    from ametigen.pipeline import resolve_some
    from ametigen.render.renderer import Renderer

    resolved = resolve_some(root, [ident], {})
    errors = [str(problem) for problem in resolved.problems if not problem.warning]
    doc = resolved.documents.get(ident)
    if errors or doc is None:
        return None, errors or ["ei saanud ehitada"]
    try:
        renderer = Renderer(resolved.layouts[doc.layout])
        return docx_text(renderer.docx.render(doc, epoch=None)), []
    except AmetigenError as error:  # a layout's template that cannot print this position
        return None, [str(error)]


def default_id(path: Path) -> str:
    """An id from the file name: "Ekspert (järelevalve).docx" → "ekspert-jarelevalve"."""
    folded = unicodedata.normalize("NFKD", path.stem.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9_]+", "-", plain).strip("-") or "imporditud"


__all__ = ["FileReport", "import_files", "same"]

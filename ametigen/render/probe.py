"""The template probe: what a layout prints, and whether its templates can lose or break text.

Each layout's two templates are rendered against probe documents built from the definition of
``doc`` itself (:mod:`ametigen.resolve.document`): in the *full* one every text is a unique
marker and every optional part is there; in the *sparse* one every optional part is absent. A
layout fails (before any document of it is written) when

- a Word template uses a docxtpl feature that ametigen's renderer does not carry out, or a tag
  is broken (``{{ doc.purpose }``): found in the template's text, with the text near it;
- a template names something ``doc`` does not have, or prints an empty value unguarded;
- a rendered part is not well-formed XML, or still holds template syntax;
- a text one template prints is missing from the other: the Markdown that reviewers read and
  the DOCX that is signed must carry the same texts.

The markers both print are the fields the layout prints; a position that sets a field its
layout never prints gets a warning (:func:`unprinted_fields`). A probe costs a few renders;
a build keeps its outcome in the template cache, keyed by the templates' content.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import re
import types
import typing
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ametigen.errors import Problem, TemplateProblem
from ametigen.load.project import LAYOUT_FILE
from ametigen.recent import Recent
from ametigen.resolve import document as d
from ametigen.resolve.numbering import OPTIONAL, number_sections

if TYPE_CHECKING:
    from ametigen.load.project import LayoutSource
    from ametigen.render.cache import TemplateCache
    from ametigen.render.renderer import Renderer
    from ametigen.resolve.resolve import Resolved, SetFields

_TAGS = re.compile(r"<[^>]+>")
_DELIMITER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSES = {"{{": "}}", "{%": "%}", "{#": "#}"}
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_DOC_PR = re.compile(rb"<wp:docPr [^>]*\bid=\"(\d+)\"")
_RENDERED_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_UNSUPPORTED = [
    (re.compile(r"\{[{%]\s*tc\s"), "tabeli veeru silt {%tc … %}"),
    (re.compile(r"\{[{%]r\s"), "rikasteksti silt {{r … }}"),
    (re.compile(r"\{\{(p|tr)\s"), "alamdokumendi silt {{p … }}"),
    (re.compile(r"\{_[{%]|[}%]_\}"), "varjestatud silt {_{ … }_}"),
]
_PROPERTIES = "docProps/"


@dataclass(frozen=True)
class Probe:
    """The outcome for one layout: the fields it prints (paths in ``doc``, e.g.
    ``requirements.education``) and what is wrong with its templates."""

    printed: frozenset[str]
    problems: tuple[Problem, ...]

    def prints(self, path: str) -> bool:
        """Whether the layout prints ``path`` or anything inside it."""
        return path in self._covered

    @functools.cached_property
    def _covered(self) -> frozenset[str]:
        """Every printed path and every path above one (``a.b.c`` gives ``a``, ``a.b``,
        ``a.b.c``): a set lookup per question, asked for every field of every position."""
        return frozenset(
            ".".join(parts[:n])
            for parts in (p.split(".") for p in self.printed)
            for n in range(1, len(parts) + 1)
        )


# ---------------------------------------------------------------- probe documents


class _Marks:
    """Unique markers: letters and digits only, so that no escaping changes them."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}  # marker as printed → field path

    def text(self, path: str) -> str:
        marker = f"QZ{len(self.paths) + 1:04d}Q"
        self.paths[marker] = path
        return marker

    def date(self, path: str) -> dt.date:
        n = len(self.paths) + 1
        date = dt.date(1000 + n, 1 + n % 12, 1 + n % 28)
        self.paths[f"{date.day:02d}.{date.month:02d}.{date.year:04d}"] = path
        return date


class _Builder:
    """Fills a dataclass of ``doc`` from its type hints: markers, or absent parts."""

    def __init__(self, layout: LayoutSource, marks: _Marks, full: bool) -> None:
        self.layout = layout
        self.marks = marks
        self.full = full

    def fill(self, hint: Any, path: str, full: bool | None = None) -> Any:
        full = self.full if full is None else full
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint is str:
            return self.marks.text(path)
        if hint is int:
            return 1
        if hint is bool:
            return full
        if hint is dt.date:
            return self.marks.date(path)
        if origin in (typing.Union, types.UnionType):
            rest = [arg for arg in args if arg is not type(None)]
            if len(rest) < len(args) and not full:
                return None
            return self.fill(rest[0], path, full)
        if origin is tuple:
            if not full:
                return ()
            item = args[0]
            if item is d.Competence:
                return self.competences(path)
            if dataclasses.is_dataclass(item):  # one complete item, one with nothing optional
                return (self.fill(item, path, True), self.fill(item, path, False))
            return (self.fill(item, path), self.fill(item, path))
        if origin is dict:
            return {}
        if hint is d.Numbers:
            return self.numbers(full)
        if hint is d.Titles:  # the layout's section titles, each a marker
            return d.Titles(
                {key: self.marks.text(f"titles.{key}") for key in self.layout.spec.titles}
            )
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            hints = typing.get_type_hints(hint)
            values = {
                field.name: self.fill(hints[field.name], _join(path, field.name), full)
                for field in dataclasses.fields(hint)
                if field.init
            }
            return hint(**values)
        raise TypeError(f"the probe cannot fill {hint!r} at {path!r}")

    def competences(self, path: str) -> tuple[d.Competence, ...]:
        """The three shapes a competence has: with a description, text only, with bullets."""
        text = self.marks.text
        return (
            d.Competence(text(f"{path}.name"), text(f"{path}.description")),
            d.Competence(None, text(f"{path}.description")),
            d.Competence(text(f"{path}.name"), None, (text(f"{path}.bullets"),) * 2),
        )

    def numbers(self, full: bool) -> d.Numbers:
        present = {key: full for key in OPTIONAL}
        present.update({key: value is not None for key, value in self.declared().items()})
        sections = number_sections(self.layout.spec.sections, present, extra=2 if full else 0)
        return d.Numbers(sections.by_key)

    def declared(self) -> dict[str, d.Declared | None]:
        """The layout's declared fields (``doc.fields``): in the sparse document, only the
        required ones."""
        values: dict[str, d.Declared | None] = {}
        for entry in self.layout.spec.fields:
            path = f"fields.{entry.key}"
            if self.full or entry.required:
                items = (self.marks.text(f"{path}.items"), self.marks.text(f"{path}.items"))
                text = self.marks.text(f"{path}.text")
                values[entry.key] = d.Declared(entry.key, entry.label, text, items)
            else:
                values[entry.key] = None
        return values

    def document(self) -> d.Document:
        """The probe document; declared fields show where their layout places them."""
        doc: d.Document = self.fill(d.Document, "")
        fields = self.declared()
        rows: list[d.Row] = []
        headings: list[str] = []
        for entry in self.layout.spec.fields:
            value = fields[entry.key]
            if value is not None and entry.place == "row":
                rows.append(d.Row(value.label, value.text))
            elif value is not None and entry.place == "heading":
                headings += value.items
        return dataclasses.replace(
            doc,
            fields=fields,
            general_extra=(*rows, *doc.general_extra),
            headings=(*headings, *doc.headings),
        )


def probe_documents(layout: LayoutSource) -> tuple[d.Document, d.Document, _Marks]:
    """The full and the sparse probe document of ``layout``, and the full one's markers."""
    marks = _Marks()
    full = _Builder(layout, marks, True).document()
    sparse = _Builder(layout, _Marks(), False).document()
    return full, sparse, marks


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# ---------------------------------------------------------------- the probe


def probe(layout: LayoutSource, renderer: Callable[[], Renderer]) -> Probe:
    """Probe ``layout``; ``renderer`` prepares its templates (called only when needed)."""
    root = layout.folder.parent.parent.parent
    try:
        parts = _template_parts(layout.docx)
    except (OSError, zipfile.BadZipFile):
        parts = {}  # preparing the template says what is wrong with the file
    problems = _scan(layout.docx, parts)
    if problems:
        return Probe(frozenset(), tuple(p.problem(root) for p in problems))
    try:
        prepared = renderer()
        full, sparse, marks = probe_documents(layout)
        markdown, docx = prepared.render_probe(full, None)
        _check_outputs(layout, markdown, docx)
        printed, missing, seen = _markers(layout, parts, marks, markdown, docx)
        missing += _dropped(layout, seen)
    except TemplateProblem as problem:
        return Probe(frozenset(), (problem.problem(root),))
    try:
        _check_outputs(layout, *prepared.render_probe(sparse, None))
    except TemplateProblem as problem:
        message = f"{problem.message} (ametijuhendis, milles valikulisi osi ei ole)"
        return Probe(
            frozenset(), (TemplateProblem(message, problem.path, problem.where).problem(root),)
        )
    return Probe(printed, tuple(p.problem(root) for p in missing))


def _template_parts(path: Path) -> dict[str, str]:
    """The XML parts of a Word template that hold template tags, with XML tags removed."""
    found = {}
    with zipfile.ZipFile(path) as package:
        for info in package.infolist():
            if info.filename.endswith(".xml"):
                text = _TAGS.sub("", package.read(info).decode("utf-8", "replace"))
                if _DELIMITER.search(text) or "{_" in text or "_}" in text:
                    found[info.filename] = text
    return found


def _near(text: str, start: int, end: int) -> str:
    return " ".join(text[max(start - 50, 0) : end + 50].split())


def _scan(path: Path, parts: Mapping[str, str]) -> list[TemplateProblem]:
    """Tags the renderer would not carry out, and tags that are broken, in a Word template."""
    problems = []
    for name, text in parts.items():
        if name.startswith(_PROPERTIES) or not _RENDERED_PARTS.fullmatch(name):
            where = "dokumendi omadustes" if name.startswith(_PROPERTIES) else "selles osas"
            problems.append(
                TemplateProblem(
                    f"mallisilte {where} ametigen ei täida (ainult põhitekstis, päises ja "
                    "jaluses); eemalda need",
                    path,
                    f"{name} teksti «{_near(text, 0, 0)}» juures",
                )
            )
            continue
        for pattern, feature in _UNSUPPORTED:
            for match in pattern.finditer(text):
                problems.append(
                    TemplateProblem(
                        f"{feature}: seda docxtpl-i võimalust ametigen ei toeta",
                        path,
                        f"{name} teksti «{_near(text, match.start(), match.end())}» juures",
                    )
                )
        problems += _broken_tags(path, name, text)
    return problems


def _broken_tags(path: Path, name: str, text: str) -> list[TemplateProblem]:
    """Tags opened and not closed (``{{ doc.purpose }``) or closed and never opened."""
    problems = []
    opened: re.Match[str] | None = None
    for match in _DELIMITER.finditer(text):
        token = match.group()
        if token in _CLOSES:
            if opened is None:
                opened = match
                continue
            fault = opened
            message = f"silt „{opened.group()}“ jääb sulgemata (puudub „{_CLOSES[opened.group()]}“)"
            opened = match
        elif opened is not None:
            if token == _CLOSES[opened.group()]:
                opened = None
            continue
        else:
            fault = match
            message = f"sildil „{token}“ puudub algus"
        where = f"{name} teksti «{_near(text, fault.start(), fault.end())}» juures"
        problems.append(TemplateProblem(message, path, where))
    if opened is not None:
        message = f"silt „{opened.group()}“ jääb sulgemata (puudub „{_CLOSES[opened.group()]}“)"
        where = f"{name} teksti «{_near(text, opened.start(), opened.end())}» juures"
        problems.append(TemplateProblem(message, path, where))
    return problems


def _check_outputs(layout: LayoutSource, markdown: bytes, docx: bytes) -> None:
    """Raise TemplateProblem for template syntax left in the outputs or a broken Word part."""
    from ametigen.render.docx import well_formed

    text = markdown.decode("utf-8")
    for line in text.split("\n"):
        if match := _LEFTOVER.search(line):
            message = f"väljundisse jääb mallisüntaksit „{match.group()}“: «{line.strip()[:120]}»"
            raise TemplateProblem(message, layout.markdown)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for info in package.infolist():
            data = package.read(info)
            if not info.filename.endswith((".xml", ".rels")):
                continue
            well_formed(data, layout.docx, info.filename)
            plain = _TAGS.sub(" ", data.decode("utf-8"))
            if match := _LEFTOVER.search(plain):
                near = _near(plain, match.start(), match.end())
                message = f"väljundisse jääb mallisüntaksit „{match.group()}“"
                raise TemplateProblem(
                    message, layout.docx, f"{info.filename} teksti «{near}» juures"
                )
            ids = _DOC_PR.findall(data)
            if len(ids) != len(set(ids)):
                message = "pilt kordub (nt tsükli sees): seda docxtpl-i võimalust ametigen ei toeta"
                raise TemplateProblem(message, layout.docx, info.filename)


def _markers(
    layout: LayoutSource, parts: Mapping[str, str], marks: _Marks, markdown: bytes, docx: bytes
) -> tuple[frozenset[str], list[TemplateProblem], frozenset[str]]:
    """The fields both outputs print; a problem for each text only one of them prints; the
    fields either prints."""
    md_text = markdown.decode("utf-8").replace("\\", "").casefold()  # no escapes
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        word_text = "".join(
            package.read(name).decode("utf-8")
            for name in package.namelist()
            if _RENDERED_PARTS.fullmatch(name)
        ).casefold()
    in_md = {path for marker, path in marks.paths.items() if marker.casefold() in md_text}
    in_word = {path for marker, path in marks.paths.items() if marker.casefold() in word_text}
    problems = []
    for path in sorted(in_md - in_word):
        where = _where_named(parts, path)
        problems.append(
            TemplateProblem(
                f"Wordi mall ei trüki „doc.{path}“, mida Markdowni mall trükib: "
                "kas mõni silt on katki või kadunud?",
                layout.docx,
                where,
            )
        )
    for path in sorted(in_word - in_md):
        problems.append(
            TemplateProblem(
                f"Markdowni mall ei trüki „doc.{path}“, mida Wordi mall trükib",
                layout.markdown,
            )
        )
    return frozenset(in_md & in_word), problems, frozenset(in_md | in_word)


_SHOWN_BY = {"row": " (üldosa rea jaoks: doc.general_extra)", "heading": " (doc.headings)"}


def _dropped(layout: LayoutSource, seen: frozenset[str]) -> list[TemplateProblem]:
    """A problem for each field the layout declares that neither template prints: its words
    would never reach a document."""
    return [
        TemplateProblem(
            f"kujunduse väli „{entry.key}“ jääks dokumendist välja: kumbki mall ei trüki "
            f"„doc.fields.{entry.key}“{_SHOWN_BY.get(entry.place, '')}",
            layout.folder / LAYOUT_FILE,
        )
        for entry in layout.spec.fields
        if not Probe(seen, ()).prints(f"fields.{entry.key}")
    ]


def _where_named(parts: Mapping[str, str], path: str) -> str:
    """The first place of the Word template that names the field's last part, else ''."""
    name = path.rsplit(".", 1)[-1]
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for part, text in parts.items():
        if match := pattern.search(text):
            return f"{part} teksti «{_near(text, match.start(), match.end())}» juures"
    return ""


# ---------------------------------------------------------------- every layout, cached


def probe_layouts(
    layouts: Mapping[str, LayoutSource],
    renderer: Callable[[LayoutSource], Renderer],
    cache: TemplateCache | None = None,
    keys: Mapping[str, str] | None = None,
) -> dict[str, Probe]:
    """Probe every layout; with each layout's content key in ``keys``, a probe that passed
    before for the same templates is taken instead of run again: read back from a ``cache``,
    else from this process (see :data:`_PASSED`)."""
    probes = {}
    for name, layout in layouts.items():
        key = (keys or {}).get(name)
        found = _known(cache, key) if key else None
        if found is None:
            found = probe(layout, lambda layout=layout: renderer(layout))  # type: ignore[misc]
            if key and not found.problems:
                _store(cache, key, found)
        if key and not found.problems:
            _PASSED.keep(key, found)
        probes[name] = found
    return probes


_PASSED: Recent[str, Probe] = Recent(32)
"""The probes that passed in this process, by their layout's content key: a process that builds
several projects, or one project into several folders, with the same templates (ametigen used
as a library; the tests) probes them once. (A probe costs a few renders: some 20 ms a layout,
half of a small project's build.)"""


def _known(cache: TemplateCache | None, key: str) -> Probe | None:
    """The probe that passed under ``key``: as kept in ``cache``, else in this process (then
    kept in ``cache``)."""
    found = _cached(cache, key)
    if found is None:
        found = _PASSED.get(key)
        if found is not None:
            _store(cache, key, found)
    return found


def _cache_file(cache: TemplateCache | None, key: str) -> Path | None:
    if cache is None or cache.folder is None:
        return None
    from ametigen.render.cache import docxtpl_version

    key = f"{key}\0{docxtpl_version()}"  # docxtpl patches the Word templates
    return cache.folder / f"probe-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def _cached(cache: TemplateCache | None, key: str) -> Probe | None:
    path = _cache_file(cache, key)
    if path is None:
        return None
    with contextlib.suppress(OSError, ValueError, TypeError):
        return Probe(frozenset(json.loads(path.read_text("utf-8"))["printed"]), ())
    return None


def _store(cache: TemplateCache | None, key: str, found: Probe) -> None:
    path = _cache_file(cache, key)
    if path is not None:
        from ametigen.write import write_atomic

        write_atomic(path, json.dumps({"printed": sorted(found.printed)}).encode())


def template_problems(probes: Mapping[str, Probe]) -> list[Problem]:
    return [problem for found in probes.values() for problem in found.problems]


# ---------------------------------------------------------------- fields a layout drops


def unprinted_fields(resolved: Resolved, probes: Mapping[str, Probe]) -> list[Problem]:
    """A warning for each field a position sets that its layout never prints: at the position's
    line, or once at the organisation's default (``vaikimisi``) that sets it.

    Fields are the position's top-level keys and, inside a printed one, its own keys (a
    requirement, a part of the approval header); a field whose value came out empty is skipped
    (see :func:`ametigen.resolve.resolve.set_fields`).
    """
    problems = []
    # Positions alike share their SetFields (see resolve.each): what one lacks, all do.
    lacking: dict[SetFields, list[tuple[str, ...]]] = {}
    for ident, printed in resolved.printed.items():
        found = probes.get(printed.layout)
        if found is None or found.problems:
            continue
        keys = lacking.get(printed)
        if keys is None:
            keys = lacking[printed] = _lacking(printed, found)
        if not keys:
            continue
        origins = resolved.origins[ident]
        for key, *inner in keys:
            where = origins.where(key).at(*inner)
            problems.append(_unprinted(where, ".".join((key, *inner)), printed.layout))
    return list(dict.fromkeys(problems))  # a default is told once per layout


def _lacking(printed: SetFields, found: Probe) -> list[tuple[str, ...]]:
    """The fields (a key, or a key and its own key) ``printed`` sets that ``found`` never
    prints, in order."""
    keys: list[tuple[str, ...]] = []
    for entry in printed.fields:
        if not found.prints(entry.path):
            keys.append((entry.key,))
            continue
        keys += [(entry.key, key) for path, key in entry.inner if not found.prints(path)]
    return keys


def _unprinted(where: Any, key: str, layout: str) -> Problem:
    problem: Problem = where.problem(f"väli „{key}“ ei ilmu kujunduses „{layout}“", warning=True)
    return problem

"""Turn validated positions into Documents: defaults, blocks, references and numbers applied."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel

from ametigen.errors import Problem
from ametigen.hashcache import Source
from ametigen.incremental import Summary
from ametigen.load.project import LayoutSource, Sources, missing_layout
from ametigen.load.yamlfile import LoadedYaml
from ametigen.resolve import document as d
from ametigen.resolve.blocks import Blocks, entry_hashes
from ametigen.resolve.numbering import number_sections
from ametigen.resolve.where import Where
from ametigen.schema import (
    POSITION_KEYS,
    SECTION_KEYS,
    BlockRef,
    Checks,
    Competence,
    Competences,
    DeclaredField,
    Position,
    PositionRef,
    Result,
    Task,
    TaskFromBlock,
    declared_name,
    lowercase_initial,
    position_model,
)
from ametigen.validate import closest, validate


@dataclass
class Resolved:
    """The outcome of resolving a project: documents, and every problem found on the way.

    A project resolved on every core (see :mod:`ametigen.resolve.each`) keeps no documents,
    models or loaded files: only what the checks between positions need (``origins``,
    ``summaries``, ``printed``) and the problems.
    """

    documents: dict[str, d.Document] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    origins: dict[str, Origins] = field(default_factory=dict)
    layouts: dict[str, LayoutSource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    checks: Checks = field(default_factory=Checks)
    """The organisation's settings of the checks between positions."""
    summaries: dict[str, Summary] = field(default_factory=dict)
    """What the organisation checks read from each position (filled by them)."""
    org_file: LoadedYaml | None = None
    blocks: dict[str, LoadedYaml | None] = field(default_factory=dict)
    """The sources the documents were resolved from besides the positions (for review)."""
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The block entries each position's resolution read (see blocks.entry_key)."""
    block_entries: dict[str, str] = field(default_factory=dict)
    """A hash of every block entry, as read (see blocks.entry_hashes)."""
    printed: dict[str, SetFields] = field(default_factory=dict)
    """The fields each position with a document sets, for the probe's warning about fields
    its layout never prints."""
    sources: dict[str, Source] = field(default_factory=dict)
    """Asked for (see resolve.each): the hash and stat of each valid position's file as read."""

    @classmethod
    def start(cls, sources: Sources) -> Resolved:
        """Nothing resolved yet of ``sources``: their layouts, problems, settings and blocks."""
        return cls(
            layouts=sources.layouts,
            problems=list(sources.problems),
            checks=sources.org.checks,
            org_file=sources.org_file,
            blocks=sources.blocks,
            block_entries=entry_hashes(sources.blocks),
        )


@dataclass(frozen=True)
class Origins:
    """Where each top-level field of a position came from: its file, or the org's defaults."""

    position: LoadedYaml
    org: LoadedYaml
    defaulted: frozenset[str]

    def where(self, key: str) -> Where:
        if key in self.defaulted:
            return Where(self.org, ("vaikimisi", key))
        return Where(self.position, (key,))


class SetField(NamedTuple):
    """A field a position sets (not empty in its document): ``path`` in ``doc`` as a probe
    names printed paths, its key as written, and those of its own fields that are set.

    Tuples: workers send one for every field of every position (see resolve.each)."""

    path: str
    key: str
    inner: tuple[tuple[str, str], ...] = ()  # (path in doc, key as written)


class SetFields(NamedTuple):
    layout: str
    fields: tuple[SetField, ...]


STRUCTURE = frozenset({"layout"})
"""Position fields that choose how the document looks; they are not text to print."""


def set_fields(model: Position, doc: d.Document) -> SetFields:
    """The fields ``model`` sets whose value in ``doc`` is not empty, in the model's order:
    top-level fields and, inside a structured one (a requirement, a part of the approval
    header), its own."""
    fields = []
    declared = doc.fields
    for name, alias in _in_order(type(model), frozenset(model.model_fields_set - STRUCTURE)):
        path, value = name, getattr(doc, name, None)
        if alias in declared:  # declared by the layout
            path, value = f"fields.{alias}", declared[alias]
        if not _filled(value):
            continue
        inner: tuple[tuple[str, str], ...] = ()
        nested = getattr(model, name)
        if isinstance(nested, BaseModel) and dataclasses.is_dataclass(value):
            inner = tuple(
                (f"{name}.{sub}", sub_alias)
                for sub, sub_alias in _in_order(type(nested), frozenset(nested.model_fields_set))
                if _filled(getattr(value, sub, None))
            )
        fields.append(SetField(path, alias, inner))
    return SetFields(doc.layout, tuple(fields))


@functools.cache
def _in_order(model: type[BaseModel], names: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """The fields ``names`` of ``model`` in the model's order, each with its key as written
    (once per distinct set: positions alike set the same fields)."""
    fields = model.model_fields
    order = {name: index for index, name in enumerate(fields)}
    return tuple(
        (name, fields[name].alias or name) for name in sorted(names, key=order.__getitem__)
    )


def _filled(value: Any) -> bool:
    return value is not None and value != () and value != d.EMPTY


TASK_PARTS = {name: info.alias or name for name, info in Task.model_fields.items()}
"""A task's fields → their keys in a block item (what a position that rewords some of them
uses of the item: see Blocks.item)."""


def resolve_project(sources: Sources, known: Mapping[str, str] | None = None) -> Resolved:
    """Validate every position and resolve it; collect all problems instead of stopping.

    ``known`` gives the titles of positions not in ``sources`` (an incremental build).
    """
    out = Resolved.start(sources)
    shared = Shared(sources, out.problems)
    for ident, loaded in sources.positions.items():
        model, origins, problems = shared.validate(loaded)
        out.problems += problems
        if model is not None and origins is not None:
            out.positions[ident] = model
            out.origins[ident] = origins
    titles = {**(known or {}), **{ident: model.title for ident, model in out.positions.items()}}
    for ident, model in out.positions.items():
        document, problems, out.uses[ident] = shared.resolve(
            ident, model, out.origins[ident], titles
        )
        out.problems += problems
        if document is not None:
            out.documents[ident] = document
            out.printed[ident] = set_fields(model, document)
    out.problems = unique(out.problems)
    return out


class Shared:
    """What resolving any position needs besides its own file: the organisation's defaults
    (checked once: their problems go to ``problems``) and the shared blocks.

    A block's problems are found once, by the first position that uses it: they go to
    ``problems``, or to the list that ``resolve`` is given.
    """

    def __init__(self, sources: Sources, problems: list[Problem]) -> None:
        self.sources = sources
        self.problems = problems
        self.defaults = checked_defaults(sources, problems)
        self.blocks = Blocks(sources.blocks, problems)

    def validate(self, loaded: LoadedYaml) -> tuple[Position | None, Origins | None, list[Problem]]:
        """A position's file as its layout's model, with the defaults it takes; its problems
        (those in the defaults are told once, at the organisation file)."""
        defaults = self.defaults
        assert isinstance(loaded.data, dict)
        schema = layout_model(loaded.data.get("kujundus", defaults.get("kujundus")), self.sources)
        defaulted = _defaultable(schema, tuple(defaults)).difference(loaded.data)
        data = {**{key: defaults[key] for key in defaulted}, **loaded.data}
        model, problems = validate(schema, loaded, data=data)
        loaded.forget_values()  # the model has them now
        problems = [p for p in problems if p.field.split(".")[0].split("[")[0] not in defaulted]
        if model is None:
            return None, None, problems
        return model, Origins(loaded, self.sources.org_file, defaulted), problems

    def resolve(
        self,
        ident: str,
        model: Position,
        origins: Origins,
        titles: Mapping[str, str],
        problems: list[Problem] | None = None,
    ) -> tuple[d.Document | None, list[Problem], tuple[str, ...]]:
        """The position's document (None when it cannot be made), its problems and the block
        entries it used (see blocks.entry_key); the problems its blocks have go to
        ``problems`` when given."""
        if problems is not None:
            self.blocks.problems = problems
        try:
            resolver = PositionResolver(ident, model, origins, self.sources, self.blocks, titles)
            document = resolver.document()
            return document, resolver.problems, self.blocks.used()
        finally:
            self.blocks.problems = self.problems


@functools.cache
def _defaultable(schema: type[Position], defaults: tuple[str, ...]) -> frozenset[str]:
    """The keys of ``defaults`` that ``schema`` has (once per layout, not per position)."""
    accepted = {info.alias for info in schema.model_fields.values()}
    return frozenset(key for key in defaults if key in accepted)


def layout_model(name: Any, sources: Sources) -> type[Position]:
    """The position model of layout ``name``: Position when there is no such layout (the
    missing layout is reported when the position is resolved)."""
    layout = sources.layouts.get(name) if isinstance(name, str) else None
    return layout.position_model if layout is not None else Position


def checked_defaults(sources: Sources, problems: list[Problem]) -> dict[str, Any]:
    """The org file's ``vaikimisi`` entries that are valid position fields (of any layout)."""
    defaults = dict(sources.org.defaults)
    where = Where(sources.org_file, ("vaikimisi",))
    declared: dict[str, DeclaredField] = {}
    for layout in sources.layouts.values():
        for entry in layout.spec.fields:
            declared.setdefault(entry.key, entry)
    known = sorted(POSITION_KEYS | set(declared))
    for key in list(defaults):
        if key not in known:
            guess = closest(key, known)
            hint = f"; kas mõtlesid „{guess}“?" if guess else ""
            problems.append(where.at(key).problem(f"tundmatu väli „{key}“{hint}"))
            del defaults[key]
    schema = position_model(list(declared.values()))
    _, found = validate(schema, sources.org_file, at=("vaikimisi",), data=defaults, partial=True)
    problems += found
    return defaults


def unique(problems: Sequence[Problem]) -> list[Problem]:
    """Problems in a shared block are found once per position using it; keep one of each."""
    return list(dict.fromkeys(problems))


class PositionResolver:
    """Resolves one position; problems are located at the referring place."""

    def __init__(
        self,
        ident: str,
        model: Position,
        origins: Origins,
        sources: Sources,
        blocks: Blocks,
        titles: Mapping[str, str],
    ) -> None:
        self.ident = ident
        self.model = model
        self.origins = origins
        self.sources = sources
        self.blocks = blocks
        self.titles = titles
        self.problems: list[Problem] = []

    def document(self) -> d.Document | None:
        m = self.model
        layout = self.layout()
        rights = self.shared_list(m.rights, "õigused")
        responsibilities = self.shared_list(m.responsibilities, "vastutus")
        tools = self.text_or_block(m.tools, self.origins.where("töövahendid"))
        amendment = tuple(
            text
            for index, entry in enumerate(m.amendment)
            if (text := self.text_or_block(entry, self.origins.where("muutmine").at(index)))
        )
        if layout is None:
            return None
        requirements = self.requirements()
        competences = self.competences(m.competences)
        declared = self.declared(layout)
        numbers = number_sections(
            layout.spec.sections,
            present={
                **{
                    entry.key: declared[entry.key] is not None
                    for entry in layout.spec.fields
                    if entry.place == "section"
                },
                "tools": tools is not None,
                "rights": rights is not None,
                "responsibilities": responsibilities is not None,
                "rights_responsibilities": rights is not None or responsibilities is not None,
                "requirements": bool(requirements) or competences is not None,
                "amendment": bool(amendment),
            },
            extra=len(m.extra_sections),
        )
        task_prefix = f"{numbers.by_key['tasks']}." if "tasks" in numbers.by_key else ""
        return d.Document(
            id=self.ident,
            layout=layout.name,
            agency=self.sources.org.agency,
            approver=(m.approval and m.approval.approver) or self.sources.org.approver,
            title=m.title,
            unit=m.unit,
            manager=self.people([m.manager] if m.manager else [], "vahetu_juht", single=True),
            subordinates=self.people(m.subordinates, "alluvad"),
            substitutes_for=self.people(m.substitutes_for, "asendab"),
            substituted_by=self.people(m.substituted_by, "asendaja"),
            purpose=m.purpose,
            projects=m.projects,
            group=m.group,
            special_conditions=m.special_conditions,
            state_secret=m.state_secret,
            national_defence=m.national_defence,
            general_extra=self.general_rows(layout, declared),
            nr=d.Numbers(numbers.by_key),
            tasks=self.tasks(task_prefix),
            requirements=requirements,
            competences=competences,
            rights=rights,
            responsibilities=responsibilities,
            tools=tools,
            extra_sections=tuple(
                d.Section(number, section.title, section.text, tuple(section.items))
                for number, section in zip(numbers.extra, m.extra_sections, strict=True)
            ),
            amendment=amendment,
            approval=(
                d.Approval(m.approval.date, m.approval.order, m.approval.annex)
                if m.approval
                else None
            ),
            signer=self.signer(layout),
            fields=declared,
            headings=tuple(
                item
                for entry in layout.spec.fields
                if entry.place == "heading" and (value := declared[entry.key]) is not None
                for item in value.items
            ),
            titles=self.section_titles(layout),
        )

    def section_titles(self, layout: LayoutSource) -> d.Titles:
        """The layout's section titles: the position's choice, else the layout's first."""
        titles = {key: options[0] for key, options in layout.spec.titles.items()}
        chosen = self.model.section_titles
        if chosen is None:
            return d.Titles(titles)
        where = self.origins.where("pealkirjad")
        for key, title in chosen.model_dump(exclude_none=True).items():
            name = SECTION_KEYS[key]
            options = layout.spec.titles.get(key, [])
            if title in options:
                titles[key] = title
                continue
            if not options:
                message = (
                    f"kujundus „{layout.name}“ ei paku jaotisele „{name}“ pealkirja valikut "
                    f"(templates/layouts/{layout.name}/layout.yaml „titles“); kustuta see rida"
                )
            else:
                guess = closest(title, options)
                hint = f"; kas mõtlesid „{guess}“?" if guess else ""
                listed = ", ".join(f"„{option}“" for option in options)
                message = (
                    f"kujundusel „{layout.name}“ on jaotisel „{name}“ pealkirjad {listed}; "
                    f"kirjuta üks neist{hint}"
                )
            self.problems.append(where.at(name).problem(message))
        return d.Titles(titles)

    def requirements(self) -> d.Requirements:
        r = self.model.requirements
        return d.Requirements(
            education=r.education,
            experience=r.experience,
            languages=r.languages,
            knowledge=r.knowledge,
            computer_skills=r.computer_skills,
            personal_qualities=r.personal_qualities,
            extra=tuple(d.Row(row.label, row.text) for row in r.extra),
        )

    def signer(self, layout: LayoutSource) -> d.Signer | None:
        """The signer; without one, the layout's placeholder (if it has one) and a warning."""
        signer = self.model.signer
        if signer is not None:
            return d.Signer(signer.name, signer.title)
        placeholder = layout.spec.signer_placeholder
        if placeholder is None:
            return None
        self.problems.append(
            self.origins.where("allkirjastaja").problem(
                f"allkirjastaja puudub: kujundus „{layout.name}“ trükib allkirja kohale "
                f"„{placeholder.name}“ ja „{placeholder.title}“; lisa "
                "„allkirjastaja: {nimi: …, ametikoht: …}“ siia või ametigen.yaml vaikimisi",
                warning=True,
            )
        )
        return d.Signer(placeholder.name, placeholder.title)

    def declared(self, layout: LayoutSource) -> dict[str, d.Declared | None]:
        """The values of the layout's declared fields, references resolved."""
        values: dict[str, d.Declared | None] = {}
        for entry in layout.spec.fields:
            value = getattr(self.model, declared_name(entry.key), None)
            if isinstance(value, PositionRef):
                value = self.people([value], entry.key, single=True)
            if isinstance(value, str):
                values[entry.key] = d.Declared(entry.key, entry.label, value, (value,))
            elif value:
                items = tuple(value)
                values[entry.key] = d.Declared(entry.key, entry.label, "\n".join(items), items)
            else:
                values[entry.key] = None
        return values

    def general_rows(
        self, layout: LayoutSource, declared: dict[str, d.Declared | None]
    ) -> tuple[d.Row, ...]:
        """The agency rows of the general part: declared rows, then ``üldosa_lisad``; a
        declared row with ``at: N`` goes to place N."""
        rows = [
            d.Row(value.label, value.text)
            for entry in layout.spec.fields
            if entry.place == "row" and entry.at is None and (value := declared[entry.key])
        ]
        rows += [d.Row(row.label, row.text) for row in self.model.general_extra]
        placed = [entry for entry in layout.spec.fields if entry.place == "row" and entry.at]
        for entry in sorted(placed, key=lambda e: e.at or 0):
            value = declared[entry.key]
            if value is not None:
                rows.insert((entry.at or 1) - 1, d.Row(value.label, value.text))
        return tuple(rows)

    def layout(self) -> LayoutSource | None:
        name = self.model.layout
        where = self.origins.where("kujundus")
        if name is None:
            self.problems.append(
                where.problem("kujundus puudub; lisa „kujundus:“ siia või ametigen.yaml vaikimisi")
            )
            return None
        layout = self.sources.layouts.get(name)
        if layout is None:
            self.problems.append(
                where.problem(missing_layout(name, self.sources.root, self.sources.layouts))
            )
        return layout

    def people(
        self, entries: Sequence[str | PositionRef], key: str, *, single: bool = False
    ) -> str:
        """Names joined with ', ' as the documents write them; '-' when there is no one.

        ``single``: the field holds one entry, not a list (problems are located at the key).
        """
        where = self.origins.where(key)
        names = []
        for index, entry in enumerate(entries):
            if isinstance(entry, PositionRef):
                title = self.titles.get(entry.position)
                if title is None:
                    at = where if single else where.at(index)
                    guess = closest(entry.position, sorted(self.titles))
                    hint = f"; kas mõtlesid „{guess}“?" if guess else ""
                    self.problems.append(
                        at.problem(f"ametikohta „{entry.position}“ ei ole kaustas positions/{hint}")
                    )
                    continue
                names.append(entry.text or (lowercase_initial(title) if entry.lowercase else title))
            else:
                names.append(entry)
        return ", ".join(names) or d.EMPTY

    def text_or_block(self, entry: str | BlockRef | None, where: Where) -> str | None:
        if entry is None or isinstance(entry, str):
            return entry
        text = self.blocks.item(entry.block, where.at("plokk"))
        return text if isinstance(text, str) else None

    def shared_list(self, spec: Any, key: str) -> d.ListBlock | None:
        """The list; None (no section at all) when it is empty: ``õigused: []``."""
        if spec is None:
            return None
        if isinstance(spec, list):
            intro, items = None, spec
        else:
            intro, items = spec.intro, self.blocks.shared_list(spec, self.origins.where(key))
        return d.ListBlock(intro, tuple(items)) if items or intro else None

    def tasks(self, prefix: str) -> tuple[d.Task, ...]:
        where = self.origins.where("ülesanded")
        tasks = []
        for index, entry in enumerate(self.model.tasks):
            if isinstance(entry, TaskFromBlock):
                kept = {"text": entry.text, "subitems": entry.subitems, "results": entry.results}
                parts = [TASK_PARTS[name] for name, value in kept.items() if value is None]
                base = self.blocks.item(entry.block, where.at(index, "plokk"), Task, parts)
                if not isinstance(base, Task):
                    continue
                text = entry.text if entry.text is not None else base.text
                subitems = entry.subitems if entry.subitems is not None else base.subitems
                results = entry.results if entry.results is not None else base.results
            else:
                text, subitems, results = entry.text, entry.subitems, entry.results
            tasks.append(
                d.Task(
                    number=f"{prefix}{index + 1}",
                    text=text,
                    subitems=tuple(subitems),
                    results=tuple(
                        d.Item(r.text, tuple(r.subitems)) if isinstance(r, Result) else d.Item(r)
                        for r in results
                    ),
                )
            )
        return tuple(tasks)

    def competences(self, spec: Competences | None) -> d.Competences | None:
        """The competences; None when both lists are empty."""
        if spec is None:
            return None
        where = self.origins.where("kompetentsid")
        core = self.competence_list(spec.core, where.at("tööks_vajalikud"))
        additional = self.competence_list(spec.additional, where.at("täiendavad"))
        return d.Competences(core, additional) if core or additional else None

    def competence_list(
        self, entries: Sequence[str | BlockRef], where: Where
    ) -> tuple[d.Competence, ...]:
        result = []
        for index, entry in enumerate(entries):
            if isinstance(entry, str):
                result.append(d.Competence(None, entry))
                continue
            found = self.blocks.item(entry.block, where.at(index, "plokk"), Competence)
            if isinstance(found, Competence):
                if isinstance(found.description, str):
                    result.append(d.Competence(found.name, found.description))
                else:
                    result.append(d.Competence(found.name, None, tuple(found.description)))
        return tuple(result)

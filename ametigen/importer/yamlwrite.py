"""A Draft as a position file: the schema's own keys, values as text, unplaced text last.

Every value is written as a string that the project's loader reads back as the same text
(PyYAML quotes whatever would otherwise read as a number, date or boolean; texts with line
breaks become literal blocks). Text that found no place goes into a marked comment block.
"""

from __future__ import annotations

from typing import Any

import yaml

from ametigen.importer.blockmatch import BlockIndex
from ametigen.importer.layouts import FIELD, REQUIREMENTS, SCALARS
from ametigen.importer.recognise import Draft
from ametigen.schema import SECTION_KEYS, Position, Requirements

UNPLACED_HEADER = "# --- IMPORT: PAIGUTAMATA TEKST ---"
UNPLACED_NOTE = (
    "# Seda teksti ei osanud import ühelegi väljale panna. Tõsta see õigesse kohta või kustuta."
)


def key(model: type[Position] | type[Requirements], name: str) -> str:
    alias = model.model_fields[name].alias
    assert alias is not None
    return alias


def position_data(draft: Draft, blocks: BlockIndex) -> dict[str, Any]:
    """The position as YAML data, keys in the schema's order."""
    data: dict[str, Any] = {}
    if draft.approval is not None:
        data["kinnitatud"] = dict(draft.approval)
    data["kujundus"] = draft.layout
    for name in Position.model_fields:
        if name in SCALARS and name not in ("tools",):
            value = draft.scalar(name)
            if value is not None:
                data[key(Position, name)] = value
        elif name == "general_extra" and draft.rows.get("general"):
            data[key(Position, name)] = _rows(draft.rows["general"])
        elif name == "tasks" and draft.tasks:
            data[key(Position, name)] = [
                blocks.task(
                    task.text,
                    task.subitems,
                    [{"tekst": t, "alapunktid": s} if s else t for t, s in task.results],
                )
                for task in draft.tasks
            ]
        elif name == "requirements":
            requirements: dict[str, Any] = {
                key(Requirements, slot): value
                for slot in REQUIREMENTS
                if (value := draft.scalar(slot)) is not None
            }
            if draft.rows.get("requirements"):
                requirements["lisad"] = _rows(draft.rows["requirements"])
            if requirements:
                data[key(Position, name)] = requirements
        elif name == "competences" and draft.competences:
            competences = {}
            for slot, alias in (
                ("competences_core", "tööks_vajalikud"),
                ("competences_additional", "täiendavad"),
            ):
                entries = _competences(draft, slot, blocks)
                if entries:
                    competences[alias] = entries
            data[key(Position, name)] = competences
        elif name in ("rights", "responsibilities"):
            found = draft.lists.get(name)
            # absent: an explicit empty list, so that the organisation's default stays out
            data[key(Position, name)] = (
                blocks.shared_list(found.intro, found.items) if found else []
            )
        elif name == "tools":
            tools = draft.scalar("tools")
            if tools is not None:
                data[key(Position, name)] = blocks.text(tools)
        elif name == "extra_sections" and draft.extra_sections:
            data[key(Position, name)] = [
                {
                    "pealkiri": section.title,
                    **({"sisu": "\n".join(section.paragraphs)} if section.paragraphs else {}),
                    **({"punktid": section.items} if section.items else {}),
                }
                for section in draft.extra_sections
            ]
        elif name == "amendment":
            data[key(Position, name)] = [blocks.text(text) for text in draft.amendment]
        elif name == "section_titles" and draft.titles:
            data[key(Position, name)] = {
                SECTION_KEYS[section]: title for section, title in draft.titles.items()
            }
        if name == "amendment":
            data.update(declared_data(draft))
        if name == "signer" and draft.signer is not None:
            data[key(Position, name)] = {"nimi": draft.signer[0], "ametikoht": draft.signer[1]}
    return data


def declared_data(draft: Draft) -> dict[str, Any]:
    """The layout's own fields, under their keys."""
    data: dict[str, Any] = {}
    for slot in draft.scalars:
        if slot.startswith(FIELD) and (value := draft.scalar(slot)) is not None:
            data[slot.removeprefix(FIELD)] = value
    for slot, items in draft.texts.items():
        if items:
            data[slot.removeprefix(FIELD)] = items
    return data


def _rows(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"nimetus": label, "sisu": text or "-"} for label, text in rows]


def _competences(draft: Draft, slot: str, blocks: BlockIndex) -> list[Any]:
    entries: list[Any] = []
    for competence in draft.competences.get(slot, []):
        if competence.name is not None and competence.bullets:
            ref = blocks.competence(competence.name, competence.bullets)
            if ref is not None:
                entries.append({"plokk": ref})
            else:
                entries += [f"{competence.name}:", *competence.bullets]
        elif competence.name is not None:
            entries.append(f"{competence.name}:")
        elif competence.text is not None:
            name, colon, rest = competence.text.partition(": ")
            ref = blocks.competence(name, [rest]) if colon else None
            entries.append({"plokk": ref} if ref else competence.text)
    return entries


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and value == value.strip() and "\t" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def scalar(text: str) -> str:
    """One text as a YAML value on one line, quoted where it must be."""
    written = yaml.dump(text, Dumper=_Dumper, allow_unicode=True, width=1_000_000)
    return written.removesuffix("\n...\n").strip()


def dump(data: dict[str, Any], unplaced: list[str], source: str) -> str:
    """The position file's text."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)
    header = f"# Imporditud failist {source} (ametigen import). Kontrolli enne kasutamist.\n"
    if not unplaced:
        return header + body
    lines = [UNPLACED_HEADER, UNPLACED_NOTE]
    for text in unplaced:
        lines += [f"# {line}".rstrip() for line in text.split("\n")]
    return header + body + "\n" + "\n".join(lines) + "\n"

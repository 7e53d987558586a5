"""JSON Schemas of the source files, generated from the models the validator uses.

Editors (VS Code with the YAML extension) use them for completion, hover descriptions and
inline errors. The files are committed under schema/; a test keeps them current.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ametigen import dates
from ametigen.schema import ITEM_ID, Competence, Organisation, Position, Source, Task
from ametigen.write import write_atomic

if TYPE_CHECKING:
    from ametigen.load.project import LayoutSource

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATE = {
    "type": "string",
    "pattern": dates.PATTERN,
    "description": "Kuupäev kujul pp.kk.aaaa, nt 13.12.2024.",
}

MODELS = {
    "Approval": "KINNITATUD päis: käskkirja kuupäev, number ja lisa number.",
    "BlockRef": "Viide jagatud plokile või selle punktile: {plokk: tekstid.ulevaatamine}.",
    "PositionRef": (
        "Viide teisele ametikohale: {ametikoht: üksus/nimi}; "
        "tekst: trükitavad sõnad ametinimetuse asemel."
    ),
    "Row": "Lisarida nimetuse ja sisuga.",
    "Result": "Oodatav tulemus koos alapunktidega.",
    "Task": "Teenistusülesanne ja selle oodatavad tulemused.",
    "TaskFromBlock": "Tüüpülesanne plokist; ülesande osi võib üle kirjutada.",
    "Requirements": "Nõuded ametikoha täitjale.",
    "Competences": "Kompetentsid: viited kompetentside plokile või vabatekst.",
    "Insertion": "Lisapunkt, mis lisatakse ploki punkti järele.",
    "ListFromBlock": "Jagatud loetelu (õigused, vastutus) selle ametikoha muudatustega.",
    "ExtraSection": "Asutuse lisajaotis pealkirja, teksti ja punktidega.",
    "Signer": "Allkirjastaja.",
    "Competence": "Kompetents: nimetus ja kirjeldus (tekst või loetelu).",
    "Position": "Ametijuhend: üks fail kaustas positions/.",
    "Organisation": "Asutuse fail ametigen.yaml: kõigi ametikohtade ühised andmed.",
    "Checks": "Ametikohtade vaheliste kontrollide sisse- ja väljalülitamine.",
}
"""Estonian descriptions of the models (their docstrings are English, for developers)."""

ITEM_KEYS = {"pattern": ITEM_ID.pattern}


def schema_name(layout: str) -> str:
    """The schema file of the positions of a layout that declares fields of its own."""
    return f"position-{layout}.schema.json"


def schemas(layouts: Mapping[str, LayoutSource] | None = None) -> dict[str, dict[str, Any]]:
    """File name → schema, for every kind of source file; for each of ``layouts`` that
    declares fields, a position schema with them too."""
    position = _model(Position, "Ametijuhend")
    organisation = _model(Organisation, "Asutuse fail ametigen.yaml")
    defaults = organisation["properties"]["vaikimisi"]
    organisation["properties"]["vaikimisi"] = {
        "description": defaults.get("description", ""),
        "type": "object",
        "properties": dict(position["properties"]),
        "additionalProperties": False,
    }
    organisation["$defs"] = {**position["$defs"], **organisation.pop("$defs", {})}
    own = {
        schema_name(name): _model(layout.position_model, f"Ametijuhend, kujundus {name}")
        for name, layout in sorted((layouts or {}).items())
        if layout.spec.fields
    }
    return {
        **own,
        "position.schema.json": position,
        "ametigen.schema.json": organisation,
        "block-text.schema.json": _block(
            "Tekstiplokk (oigused, vastutus, tekstid): punkti tunnus → tekst",
            {"type": "string", "minLength": 1},
            {},
        ),
        "block-tasks.schema.json": _items(Task, "Tüüpülesannete plokk (ulesanded)"),
        "block-competences.schema.json": _items(Competence, "Kompetentside plokk"),
    }


def _model(model: type[Source], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    _estonian(schema)
    for definition in schema.get("$defs", {}).values():
        _estonian(definition)
    _dates(schema)
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def _items(model: type[Source], title: str) -> dict[str, Any]:
    item = _model(model, title)
    definitions = item.pop("$defs", {})
    item.pop("$schema")
    item.pop("title")
    definitions[model.__name__] = item
    return _block(title, {"$ref": f"#/$defs/{model.__name__}"}, definitions)


def _block(title: str, item: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": title,
        "description": "Punkti tunnus: väikesed ladina tähed, numbrid, - ja _.",
        "type": "object",
        "propertyNames": ITEM_KEYS,
        "additionalProperties": item,
    }
    if definitions:
        schema["$defs"] = definitions
    return schema


def _estonian(schema: dict[str, Any]) -> None:
    name = schema.get("title")
    if isinstance(name, str) and name in MODELS:
        schema["description"] = MODELS[name]


def _dates(node: Any) -> None:
    """``format: date`` would reject 13.12.2024, which the loader accepts: use a pattern."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if isinstance(value, dict) and value.get("format") == "date":
                node[key] = dict(DATE)
            else:
                _dates(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict) and value.get("format") == "date":
                node[index] = dict(DATE)
            else:
                _dates(value)


def render(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_schemas(out: Path, layouts: Mapping[str, LayoutSource] | None = None) -> list[Path]:
    """Write every schema into ``out``; returns the files that changed."""
    written = []
    for name, schema in schemas(layouts).items():
        if write_atomic(out / name, render(schema)):
            written.append(out / name)
    return written

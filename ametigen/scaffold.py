"""``ametigen new``: a new position file with every field, described, ready to fill in."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ametigen.errors import AmetigenError
from ametigen.load.project import (
    POSITIONS,
    find_root,
    load_sources,
    missing_layout,
    position_id,
)
from ametigen.review.jsonschema import schema_name
from ametigen.schema import SECTION_KEYS, DeclaredField, declared_name, position_model
from ametigen.write import write_atomic

# How each field looks when filled in; required fields are written out, others commented.
EXAMPLES = {
    "vahetu_juht": "Osakonnajuhataja          # või {ametikoht: osakond/juhataja}"
    "; teises käändes {ametikoht: osakond/juhataja, tekst: osakonnajuhatajale}",
    "alluvad": "[]",
    "asendab": "[]",
    "asendaja": "[]",
    "üldosa_lisad": "\n  - nimetus: Töökoht\n    sisu: Tallinn",
    "ülesanded": '\n  - ülesanne: ""\n    tulemused:\n      - ""\n  - plokk: ulesanded.uhekordsed',
    "nõuded": '\n  haridus: ""\n  töökogemus: ""\n  keeleoskus: ""\n'
    '  teadmised_ja_oskused: ""\n  arvutioskus: ""\n  isikuomadused: ""',
    "kompetentsid": "\n  tööks_vajalikud:\n    - plokk: kompetentsid.kliendikesksus\n"
    "  täiendavad:\n    - plokk: kompetentsid.korrektsus",
    "õigused": "\n  plokk: oigused\n  jäta_välja: []\n  lisa: []",
    "vastutus": "\n  plokk: vastutus",
    "töövahendid": "{plokk: tekstid.toovahendid}",
    "lisajaotised": "\n  - pealkiri: VALVEAEG\n    sisu: ...",
    "muutmine": "\n  - plokk: tekstid.ulevaatamine",
    "kinnitatud": '\n  kuupäev: 13.12.2024\n  käskkiri: "177"\n  lisa: "4"',
    "allkirjastaja": "\n  nimi: Eesnimi Perenimi\n  ametikoht: Peadirektor",
}


NEW_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")
"""Ids of new positions: safe file names on every system, readable in references."""


class BadPositionId(AmetigenError):
    exit_code = 2


class PositionExists(AmetigenError):
    exit_code = 1


def title_choices(layout: str, titles: dict[str, list[str]]) -> str:
    """The ``pealkirjad`` example: each section the layout offers several titles for."""
    lines = [
        f"\n  {SECTION_KEYS[key]}: {json.dumps(options[1], ensure_ascii=False)}"
        f"   # valik: {', '.join(json.dumps(o, ensure_ascii=False) for o in options)}"
        f" (vaikimisi {json.dumps(options[0], ensure_ascii=False)})"
        for key, options in titles.items()
        if len(options) > 1
    ]
    return "".join(lines) or f"{{}}   # kujundus „{layout}“ ei paku jaotistele pealkirja valikut"


def scaffold(
    layout: str,
    schema: str | None = None,
    fields: Sequence[DeclaredField] = (),
    titles: dict[str, list[str]] | None = None,
) -> str:
    """The text of a new position file for ``layout``; ``schema``: path for the editor modeline;
    ``fields``: the fields the layout declares (after the common ones, with their
    descriptions); ``titles``: the layout's section titles to choose from (layout.yaml)."""
    modeline = [f"# yaml-language-server: $schema={schema}"] if schema else []
    lines = [
        *modeline,
        "# Uus ametijuhend. Täida jutumärkides väljad; „#“-ga algavad read on valikulised:",
        "# kasutamiseks eemalda rea algusest „# “. Tühi isikuväli näidatakse dokumendis kui „-“,",
        "# tühi jaotis (nt õigused: []) jääb välja.",
        f"kujundus: {layout}",
    ]
    model = position_model(fields)
    declared = {declared_name(entry.key): entry.kind for entry in fields}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key == "kujundus":
            continue
        if name in declared and next(iter(declared)) == name:
            lines.append(f"\n# Kujunduse „{layout}“ lisaväljad (layout.yaml fields):")
        value = DECLARED_EXAMPLES[declared[name]] if name in declared else EXAMPLES.get(key, '""')
        if key == "pealkirjad":
            value = title_choices(layout, titles or {})
        entry = f"{key}: {value}"
        if not field.is_required():
            entry = "\n".join("# " + line for line in entry.split("\n"))
        lines.append(f"\n# {field.description}")
        lines.append(entry)
    return "\n".join(lines) + "\n"


DECLARED_EXAMPLES = {
    "text": '""',
    "texts": '\n  - ""',
    "reference": '""          # või {ametikoht: osakond/nimetus}',
}
"""How a field a layout declares looks when filled in, by its kind."""


def new_position(project: Path, ident: str, layout: str | None) -> Path:
    """Write positions/IDENT.yaml; refuse to overwrite. Returns the file written."""
    sources = load_sources(find_root(project))
    chosen = layout or sources.org.defaults.get("kujundus") or next(iter(sources.layouts), "")
    if not isinstance(chosen, str) or chosen not in sources.layouts:
        raise AmetigenError(missing_layout(str(chosen), sources.root, sources.layouts))
    ident = position_id(ident, sources.root)
    if not NEW_ID.match(ident):
        raise BadPositionId(
            f"„{ident}“ ei sobi ametikoha tunnuseks: kasuta väikesi ladina tähti, numbreid, "
            "- ja _, kaustad eralda kaldkriipsuga, nt osakond/vanemspetsialist"
        )
    path = sources.root / POSITIONS / f"{ident}.yaml"
    if path.exists():
        raise PositionExists(f"{path.relative_to(sources.root)} on juba olemas")
    found = sources.layouts[chosen]
    name = schema_name(chosen) if found.spec.fields else "position.schema.json"
    schema = os.path.relpath(sources.root / "schema" / name, path.parent)
    text = scaffold(chosen, Path(schema).as_posix(), found.spec.fields, found.spec.titles)
    write_atomic(path, text.encode("utf-8"))
    return path

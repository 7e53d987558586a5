"""JSON Schemas: committed files are current; new positions point at them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ametigen.review.jsonschema import render, schemas, write_schemas
from ametigen.scaffold import new_position
from tests.support import REPO


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_is_current(name: str) -> None:
    committed = REPO / "schema" / name
    assert committed.is_file(), f"run `ametigen schema` and commit schema/{name}"
    assert committed.read_bytes() == render(schemas()[name]), "run `ametigen schema`"


def test_no_stray_files() -> None:
    assert sorted(p.name for p in (REPO / "schema").iterdir()) == sorted(schemas())


def test_schema_uses_the_yaml_keys_with_estonian_descriptions() -> None:
    position = schemas()["position.schema.json"]
    assert "eesmärk" in position["required"] and "ülesanded" in position["required"]
    assert position["properties"]["eesmärk"]["description"] == "Ametikoha eesmärk."
    assert position["additionalProperties"] is False
    assert (
        "vahetu_juht" in schemas()["ametigen.schema.json"]["properties"]["vaikimisi"]["properties"]
    )


def test_write_is_idempotent(tmp_path: Path) -> None:
    assert len(write_schemas(tmp_path)) == len(schemas())
    assert write_schemas(tmp_path) == []


def test_new_position_has_modeline(project: Path) -> None:
    path = new_position(project, "uus-yksus/spetsialist", None)
    first = path.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/position.schema.json"


def test_positions_validate_against_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = schemas()["position.schema.json"]
    for path in sorted((REPO / "positions").rglob("*.yaml")):
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)
        jsonschema.validate(data, schema)

"""ametigen blocks: repeated wording and near-copies of block items, found in a planted corpus."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ametigen.cli import main
from ametigen.review.sharedtext import shared_text
from tests.support import write_tree

ORG = """
    asutus: Amet
    vaikimisi:
      kujundus: teenistuskoht
"""
BLOCKS = """
    kaugtoo: teha kaugtööd kokkuleppel vahetu juhiga;
    info: saada tööülesannete täitmiseks vajalikku infot, sh ligipääse tööks vajalikele
      infosüsteemidele;
"""


def position(title: str, rights: list[str]) -> str:
    items = "\n".join(f"      - {item}" for item in rights)
    return f"""
    ametinimetus: {title}
    struktuuriüksus: Osakond
    eesmärk: Eesmärk.
    ülesanded:
      - ülesanne: Raamatukogu korraldamine.
    õigused:
{items}
    """


def corpus(root: Path) -> Path:
    near = (
        "saada tööülesannete täitmiseks vajalikku infot, sh ligipääs tööks vajalikele "
        "infosüsteemidele;"
    )
    return write_tree(
        root,
        {
            "ametigen.yaml": ORG,
            "templates/blocks/oigused.yaml": BLOCKS,
            "positions/a.yaml": position("A", ["kasutada ameti raamatukogu;", near]),
            "positions/b.yaml": position("B", ["kasutada ameti raamatukogu;"]),
            "positions/c.yaml": position("C", ["kasutada ameti  raamatukogu;", "olla kohal;"]),
            "positions/d.yaml": position(
                "D", ["olla kohal;", "teha kaugtööd kokkuleppel vahetu juhiga;"]
            ),
        },
    )


def test_planted_repetitions_and_near_copies_are_found(tmp_path: Path) -> None:
    report = shared_text(corpus(tmp_path))
    repeated = {(item.kind, item.text): item for item in report.repeated}
    # in three positions (whitespace aside): proposed as a block item
    item = repeated[("õigused", "kasutada ameti raamatukogu;")]
    assert (
        item.positions == ["a", "b", "c"] and item.proposed == "oigused.kasutada_ameti_raamatukogu"
    )
    assert ("ülesanded", "Raamatukogu korraldamine.") in repeated
    assert ("õigused", "olla kohal;") not in repeated  # two positions only
    [copy] = report.near_copies
    assert (
        copy.block == "oigused.info"
        and copy.removed == ["ligipääse"]
        and copy.added == ["ligipääs"]
    )
    assert [place.where() for place in copy.places] == ["positions/a.yaml: õigused[1]"]
    # a text equal to a block item is neither repeated nor a near-copy
    assert all("kaugtööd" not in item.text for item in report.repeated)


def test_markdown_and_json(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    markdown = CliRunner().invoke(main, ["-C", str(root), "blocks"])
    assert markdown.exit_code == 0, markdown.output
    assert "kasutada_ameti_raamatukogu: kasutada ameti raamatukogu;" in markdown.output
    assert "plokis, mitte siin: ligipääse; siin, mitte plokis: ligipääs" in markdown.output
    result = CliRunner().invoke(main, ["-C", str(root), "blocks", "--json"])
    data = json.loads(result.output)
    assert data["near_copies"][0]["places"] == ["positions/a.yaml: õigused[1]"]
    assert {item["proposed"] for item in data["repeated"]} >= {"oigused.kasutada_ameti_raamatukogu"}

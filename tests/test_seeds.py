"""The five seeds are reproduced word for word by both outputs of their positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ametigen.docxtext import docx_text
from ametigen.fidelity import fidelity as measure
from tests.support import SEEDS, markdown_text, seed_text, words

RECALL = 0.98
PRECISION = 0.97


def fidelity(seed: str, built: str) -> tuple[float, float]:
    measured = measure(seed, built)
    return measured.recall, measured.precision


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_markdown_reproduces_seed(number: str, built: Path) -> None:
    text = markdown_text((built / "md" / f"{SEEDS[number]}.md").read_text("utf-8"))
    recall, precision = fidelity(seed_text(number), text)
    assert recall >= RECALL, (words(seed_text(number)) - words(text)).most_common(20)
    assert precision >= PRECISION, (words(text) - words(seed_text(number))).most_common(20)


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_docx_reproduces_seed(number: str, built: Path) -> None:
    text = docx_text(built / "docx" / f"{SEEDS[number]}.docx")
    recall, precision = fidelity(seed_text(number), text)
    assert recall >= RECALL, (words(seed_text(number)) - words(text)).most_common(20)
    assert precision >= PRECISION, (words(text) - words(seed_text(number))).most_common(20)


def test_fidelity_measure_notices_a_missing_paragraph() -> None:
    seed = seed_text("000")
    shortened = seed.replace(seed[1000:2500], "")
    assert fidelity(seed, shortened)[0] < RECALL

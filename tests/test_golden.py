"""Golden tests: the built Markdown of every position equals tests/golden/ (``make golden``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import REPO

GOLDEN = Path(__file__).parent / "golden"
POSITIONS = sorted(
    p.relative_to(REPO / "positions").with_suffix("").as_posix()
    for p in (REPO / "positions").rglob("*.yaml")
)


def test_every_position_has_a_golden_file() -> None:
    golden = sorted(p.relative_to(GOLDEN).with_suffix("").as_posix() for p in GOLDEN.rglob("*.md"))
    assert golden == POSITIONS


@pytest.mark.parametrize("ident", POSITIONS)
def test_markdown_matches_golden(ident: str, built: Path) -> None:
    expected = (GOLDEN / f"{ident}.md").read_text("utf-8")
    actual = (built / "md" / f"{ident}.md").read_text("utf-8")
    assert actual == expected, f"{ident}: run `make golden` and review the diff if this is intended"

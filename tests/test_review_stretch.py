"""Redlines that parse only the stretch of BASE that differs equal those that parse it all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ametigen.review.stretch import stretch
from ametigen.review.tracked import Revisions, redline_against, redline_xml

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOT = (
    f'<w:document xmlns:w="{NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)


def paragraph(text: str, style: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'{properties}<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'.join(
        ["<w:p>", "</w:p>"]
    )


def table(rows: list[tuple[str, ...]]) -> str:
    cells = [
        "<w:tr>" + "".join(f"<w:tc>{paragraph(text)}</w:tc>" for text in row) + "</w:tr>"
        for row in rows
    ]
    return '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>' + "".join(cells) + "</w:tbl>"


def document(blocks: list[str]) -> bytes:
    body = "".join(blocks) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
    root = etree.fromstring(f"{ROOT}<w:body>{body}</w:body></w:document>")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def both_ways(old: bytes, new: bytes) -> bytes:
    """The redline by parsing only BASE's stretch, asserted equal to parsing all of BASE."""
    marks = Revisions("Autor", "2025-01-15T00:00:00Z")
    whole = redline_xml(old, new, marks.fresh())
    assert redline_against(old, etree.fromstring(new), new, marks.fresh()) == whole
    return whole


WORDS = st.sampled_from(["üle kord", "üle vähemalt kord", "1. Üldosa", "töö", "2.1 töö", ""])
BLOCK = st.one_of(
    st.builds(paragraph, WORDS, st.sampled_from(["", "ListBullet"])),
    st.builds(table, st.lists(st.tuples(WORDS, WORDS), min_size=1, max_size=3)),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(BLOCK, max_size=8),
    st.lists(st.tuples(st.integers(0, 8), st.sampled_from(["drop", "copy", "add"]), BLOCK)),
)
def test_stretch_gives_the_same_redline(
    blocks: list[str], edits: list[tuple[int, str, str]]
) -> None:
    edited = list(blocks)
    for at, how, block in edits:
        at = min(at, len(edited))
        if how == "drop" and at < len(edited):
            del edited[at]
        elif how == "copy" and at < len(edited):
            edited.insert(at, edited[at])
        else:
            edited.insert(at, block)
    old, new = document(blocks), document(edited)
    both_ways(old, new)
    both_ways(new, old)


def test_only_the_changed_paragraph_of_base_is_parsed() -> None:
    shared = [paragraph("1. Üldosa", "Heading1"), table([("a", "b"), ("c", "d")])]
    old = document([*shared, paragraph("üle kord"), paragraph("lõpp")])
    new = document([*shared, paragraph("üle vähemalt kord"), paragraph("lõpp")])
    found = stretch(old, new, etree.fromstring(new))
    assert found is not None
    assert (found.first, found.last) == (2, 3)  # HEAD's heading and table stand for BASE's
    assert [etree.QName(child).localname for child in found.old] == ["p"]
    redline = both_ways(old, new).decode("utf-8")
    assert "<w:ins " in redline and "<w:delText" not in redline  # a word inserted


def test_bytes_a_parser_must_read_are_not_trusted() -> None:
    old = document([paragraph("a"), paragraph("b")])
    new = document([paragraph("a"), paragraph("c")])
    commented = new.replace(b"<w:body>", b"<w:body><!-- <w:p> -->")
    assert stretch(old, commented, etree.fromstring(commented)) is None
    both_ways(old, commented)
    assert stretch(old, new, etree.fromstring(new)) is not None


def test_base_that_does_not_parse_is_refused_by_the_callers_parser() -> None:
    old = document([paragraph("a"), paragraph("b")]).replace(b"b</w:t>", b"b<w:x></w:t>")
    new = document([paragraph("a"), paragraph("c")])
    refused = []

    def parse(data: bytes) -> etree._Element:
        refused.append(data)
        raise ValueError("BASE")

    with pytest.raises(ValueError, match="BASE"):
        redline_against(old, etree.fromstring(new), new, Revisions("A", "D"), parse)
    assert refused == [old]

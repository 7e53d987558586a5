"""Word tracked changes between two renderings of a document's main part (word/document.xml).

The new document is kept as it is, with the old one's differences marked as revisions:
paragraphs and table rows are aligned on their text; a paired paragraph is diffed word by word
and its runs are rebuilt (the new runs' properties kept, removed words in ``w:del``/``w:delText``,
added words in ``w:ins``); whole paragraphs and rows that were added or removed carry the
revision on their paragraph mark (``w:pPr/w:rPr``) or row (``w:trPr``). Accepting every change
gives the new text, rejecting every change the old one.
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from lxml import etree

from ametigen.docxtext import paragraph_text
from ametigen.review.align import Opcode, Pair, align, opcodes
from ametigen.review.stretch import stretch
from ametigen.review.words import words

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

Element = etree._Element
State = Literal["=", "-", "+"]


def q(tag: str) -> str:
    return W + tag


_BODY, _P, _TBL, _TR, _TC = q("body"), q("p"), q("tbl"), q("tr"), q("tc")
_SECT_PR, _TC_PR = q("sectPr"), q("tcPr")
_R, _T, _DEL_TEXT, _P_PR, _R_PR = q("r"), q("t"), q("delText"), q("pPr"), q("rPr")
_SPECIAL = (q("br"), q("cr"), q("tab"))


@dataclass
class Revisions:
    """Makes ``w:ins``/``w:del`` marks with one author and date and ids counted from 1."""

    author: str
    date: str
    next_id: int = 1

    def fresh(self) -> Revisions:
        """The same author and date, ids counted from 1 again (for another document)."""
        return Revisions(self.author, self.date)

    def mark(self, kind: Literal["ins", "del"]) -> Element:
        element = etree.Element(q(kind))
        element.set(q("id"), str(self.next_id))
        element.set(q("author"), self.author)
        element.set(q("date"), self.date)
        self.next_id += 1
        return element


def redline_xml(old_xml: bytes, new_xml: bytes, revisions: Revisions) -> bytes:
    """The new main part with the changes from the old one tracked."""
    return redline_tree(etree.fromstring(old_xml), etree.fromstring(new_xml), revisions)


def redline_tree(old_root: Element, new_root: Element, revisions: Revisions) -> bytes:
    """``redline_xml`` of the parsed main parts (``new_root`` is changed in place)."""
    old_body, new_body = old_root.find(_BODY), new_root.find(_BODY)
    assert old_body is not None and new_body is not None
    old, new = _blocks(old_body), _blocks(new_body)
    return _finished(new_root, new_body, _merge(old, new, _aligned(old, new), revisions))


def redline_against(
    old_xml: bytes,
    new_root: Element,
    new_xml: bytes,
    revisions: Revisions,
    parse_old: Callable[[bytes], Element] = etree.fromstring,
) -> bytes:
    """``redline_tree`` of BASE's main part given as bytes (``new_root`` parsed from
    ``new_xml``, HEAD's). Where the top-level elements at the start and at the end of BASE's
    body are HEAD's to the byte (see :mod:`ametigen.review.stretch`), only BASE's stretch
    between them is parsed and keyed, HEAD's elements standing for the rest; where those then
    pair with anything but a block of the same text, or BASE's bytes cannot be read that way,
    all of BASE is parsed by ``parse_old`` (which refuses it if it is not well-formed)."""
    new_body = new_root.find(_BODY)
    assert new_body is not None
    bounds: list[int] = []
    new = _blocks(new_body, bounds)
    found = stretch(old_xml, new_xml, new_root)
    if found is not None:
        start, end = bounds[found.first], bounds[found.last]
        middle = _blocks(found.old)
        old = new[:start] + middle + new[end:]  # HEAD's blocks stand for BASE's at both ends
        pairs = _aligned(old, new)
        own = range(start, start + len(middle))  # BASE's own blocks
        if all(
            i is None or i in own or (j is not None and old[i].key == new[j].key) for i, j in pairs
        ):
            return _finished(new_root, new_body, _merge(old, new, pairs, revisions))
    old_body = parse_old(old_xml).find(_BODY)
    assert old_body is not None
    old = _blocks(old_body)
    return _finished(new_root, new_body, _merge(old, new, _aligned(old, new), revisions))


def _finished(root: Element, body: Element, items: list[Item]) -> bytes:
    """The main part with ``items`` as its body (and its section properties last)."""
    section = body.find(_SECT_PR)
    wanted = list(_regroup(items))
    if section is not None:
        wanted.append(section)
    _set_children(body, wanted)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_children(parent: Element, wanted: list[Element]) -> None:
    """Make ``wanted`` the children of ``parent``, in order. Those already in their place stay
    there: lxml makes a detached element's namespaces its own, walking all of it, and again
    when it is put back, so most of the work was moving paragraphs back where they were."""
    current = list(parent)
    if current == wanted:
        return
    keep = set(wanted)
    for child in current:
        if child not in keep:
            parent.remove(child)
    at = next(iter(parent), None)
    for index, child in enumerate(wanted):
        if at is child:
            at = child.getnext()
        else:
            parent.insert(index, child)


# --- blocks: paragraphs and table rows ----------------------------------------------------------


class Block(NamedTuple):
    element: Element
    key: str
    table: Element | None = None  # the table a row belongs to


class Item(NamedTuple):
    """A block of the output; rows remember their tables to be regrouped into tables."""

    element: Element
    new_table: Element | None = None
    old_table: Element | None = None


def _blocks(parent: Element, bounds: list[int] | None = None) -> list[Block]:
    """The blocks of ``parent``'s children; ``bounds`` gets the index of each child's first
    block, and their number last."""
    blocks: list[Block] = []
    for child in parent:
        if bounds is not None:
            bounds.append(len(blocks))
        tag = child.tag
        if tag == _P:
            blocks.append(Block(child, "p\0" + paragraph_text(child)))  # type: ignore[arg-type]
        elif tag == _TBL:
            blocks += [Block(row, _row_key(row), child) for row in child.iterchildren(_TR)]
        elif tag != _SECT_PR and tag != _TC_PR:
            blocks.append(Block(child, "x\0" + etree.tostring(child).decode("utf-8")))
    if bounds is not None:
        bounds.append(len(blocks))
    return blocks


def _keys(blocks: list[Block]) -> list[str]:
    return [block.key for block in blocks]


def _aligned(old: list[Block], new: list[Block]) -> list[Pair]:
    """``align`` of the blocks by their keys."""
    return align(_keys(old), _keys(new))


def _row_key(row: Element) -> str:
    texts = [" / ".join([paragraph_text(p) for p in c.iter(_P)]) for c in row.iterchildren(_TC)]  # type: ignore[arg-type]
    return f"r{len(texts)}\0" + " | ".join(texts)


def _merge(
    old: list[Block], new: list[Block], pairs: list[Pair], revisions: Revisions
) -> list[Item]:
    """The output's blocks, from the blocks of both aligned (``pairs``, see ``align``)."""
    items: list[Item] = []
    for i, j in pairs:
        before = old[i] if i is not None else None
        after = new[j] if j is not None else None
        if after is not None and before is not None:
            element = after.element
            if before.key != after.key:
                element = _changed(before.element, after.element, revisions)
            parts = list(element) if element.tag == q("holder") else [element]
            items += [Item(part, after.table, before.table) for part in parts]
        elif after is not None:
            items.append(Item(_whole(after.element, "ins", revisions), after.table, None))
        elif before is not None and not before.key.startswith("x"):
            element = _whole(copy.deepcopy(before.element), "del", revisions)
            items.append(Item(element, None, before.table))
    return items


def _regroup(items: list[Item]) -> Iterator[Element]:
    """Blocks back into the body, consecutive rows into tables (the new table's properties)."""
    source: Element | None = None
    rows: list[Element] = []
    new_of: Element | None = None
    old_of: Element | None = None
    for item in items:
        if item.element.tag != _TR:
            if source is not None:
                yield _table(source, rows)
                source = None
            yield item.element
            continue
        fits = source is not None and (
            (item.new_table is None or new_of is None or item.new_table is new_of)
            and (item.old_table is None or old_of is None or item.old_table is old_of)
        )
        if not fits:
            if source is not None:
                yield _table(source, rows)
            source = item.new_table if item.new_table is not None else item.old_table
            assert source is not None
            rows = []
            new_of, old_of = item.new_table, item.old_table
        new_of = new_of if new_of is not None else item.new_table
        old_of = old_of if old_of is not None else item.old_table
        rows.append(item.element)
    if source is not None:
        yield _table(source, rows)


def _table(source: Element, rows: list[Element]) -> Element:
    """A table of ``rows`` with the properties of ``source``: ``source`` itself when it holds
    just these rows, after its properties (what a new table would be, made again)."""
    parts = [part for part in source if part.tag != _TR]
    if (
        not source.attrib
        and source.text is None
        and source.tail is None
        and list(source) == parts + rows
    ):
        return source
    table = etree.Element(_TBL)
    for part in parts:
        table.append(copy.deepcopy(part))
    for row in rows:
        table.append(row)
    return table


# --- whole blocks added or removed -------------------------------------------------------------


def _whole(element: Element, kind: Literal["ins", "del"], revisions: Revisions) -> Element:
    """``element`` (a paragraph or row) marked as added or removed as a whole."""
    if element.tag == q("tr"):
        properties = element.find(q("trPr"))
        if properties is None:
            properties = etree.Element(q("trPr"))
            exceptions = element.find(q("tblPrEx"))
            element.insert(0 if exceptions is None else 1, properties)
        if all(c.tag in (q("ins"), q("del"), q("trPrChange")) for c in properties):
            # the schema wants a row property before the revision mark: the default one
            cant_split = etree.Element(q("cantSplit"))
            cant_split.set(q("val"), "off")
            properties.insert(0, cant_split)
        change = properties.find(q("trPrChange"))
        if change is None:
            properties.append(revisions.mark(kind))
        else:
            change.addprevious(revisions.mark(kind))
        for cell in element.findall(q("tc")):
            for paragraph in cell.findall(q("p")):
                _wrap_runs(paragraph, kind, revisions)
    elif element.tag == q("p"):
        _wrap_runs(element, kind, revisions)
        _mark_paragraph(element, kind, revisions)
    return element


def _wrap_runs(paragraph: Element, kind: Literal["ins", "del"], revisions: Revisions) -> None:
    for run in paragraph.findall(q("r")):
        if kind == "del":
            _to_deleted(run)
        wrapper = revisions.mark(kind)
        run.addprevious(wrapper)
        wrapper.append(run)


def _to_deleted(run: Element) -> None:
    for text in run.findall(q("t")):
        text.tag = q("delText")
        text.set(XML_SPACE, "preserve")


def _mark_paragraph(paragraph: Element, kind: Literal["ins", "del"], revisions: Revisions) -> None:
    properties = paragraph.find(q("pPr"))
    if properties is None:
        properties = etree.Element(q("pPr"))
        paragraph.insert(0, properties)
    run_properties = properties.find(q("rPr"))
    if run_properties is None:
        run_properties = etree.Element(q("rPr"))
        later = [c for c in properties if c.tag in (q("sectPr"), q("pPrChange"))]
        if later:
            later[0].addprevious(run_properties)
        else:
            properties.append(run_properties)
    run_properties.insert(0, revisions.mark(kind))


# --- paired blocks: word-level changes ---------------------------------------------------------


def _changed(old: Element, new: Element, revisions: Revisions) -> Element:
    if new.tag == q("p"):
        rebuilt = _paragraph(old, new, revisions)
        if rebuilt is not None:
            return rebuilt
        return _replaced(old, new, revisions)
    # a row with the same number of cells: align each cell's paragraphs
    for old_cell, new_cell in zip(old.findall(q("tc")), new.findall(q("tc")), strict=True):
        old_blocks, new_blocks = _blocks(old_cell), _blocks(new_cell)
        pairs = _aligned(old_blocks, new_blocks)
        blocks = _merge(old_blocks, new_blocks, pairs, revisions)
        kept = [c for c in new_cell if c.tag == _TC_PR]
        _set_children(new_cell, kept + list(_regroup(blocks)))
    return new


def _replaced(old: Element, new: Element, revisions: Revisions) -> Element:
    """A paragraph that cannot be diffed by words: the old one deleted before the new one."""
    deleted = _whole(copy.deepcopy(old), "del", revisions)
    inserted = _whole(new, "ins", revisions)
    holder = etree.Element(q("holder"))
    holder.extend([deleted, inserted])
    return holder


class Token(NamedTuple):
    text: str
    element: Element | None  # w:br, w:tab…; None for text
    properties: Element | None


def _tokens(paragraph: Element) -> list[Token] | None:
    """The paragraph's runs as word tokens; None when it holds more than plain runs."""
    tokens: list[Token] = []
    for child in paragraph:
        if child.tag == _P_PR:
            continue
        if child.tag != _R:
            return None
        properties = child.find(_R_PR)
        for part in child:
            tag = part.tag
            if tag == _R_PR:
                continue
            if tag == _T:
                tokens += [Token(word, None, properties) for word in words(part.text or "")]
            elif tag in _SPECIAL:
                tokens.append(Token(etree.tostring(part).decode(), part, properties))
            else:
                return None
    return tokens


def _paragraph(old: Element, new: Element, revisions: Revisions) -> Element | None:
    before, after = _tokens(old), _tokens(new)
    if before is None or after is None:
        return None
    pieces: list[tuple[State, Token]] = []
    for tag, i1, i2, j1, j2 in _word_opcodes(
        tuple([t.text for t in before]), tuple([t.text for t in after])
    ):
        if tag == "equal":
            pieces += [("=", token) for token in after[j1:j2]]
            continue
        pieces += [("-", token) for token in before[i1:i2]]
        pieces += [("+", token) for token in after[j1:j2]]
    paragraph = etree.Element(q("p"))
    properties = new.find(q("pPr"))
    if properties is not None:
        paragraph.append(copy.deepcopy(properties))
    wrapper: Element | None = None
    wrapper_state: State = "="
    for state, run in _runs(pieces):
        if state == "=":
            paragraph.append(run)
            wrapper = None
            continue
        if wrapper is None or wrapper_state != state:
            wrapper = revisions.mark("del" if state == "-" else "ins")
            wrapper_state = state
            paragraph.append(wrapper)
        wrapper.append(run)
    return paragraph


@functools.lru_cache(maxsize=1024)
def _word_opcodes(old: tuple[str, ...], new: tuple[str, ...]) -> list[Opcode]:
    """The alignment of two paragraphs' words, found once for each pair of texts: a block
    item changed the same way in every position that prints it."""
    return opcodes(old, new)


def _runs(pieces: list[tuple[State, Token]]) -> Iterator[tuple[State, Element]]:
    """Consecutive tokens with the same state and run properties as one run each."""
    for (state, properties), group in itertools.groupby(
        pieces, key=lambda piece: (piece[0], piece[1].properties)
    ):
        run = etree.Element(_R)
        if properties is not None:
            run.append(copy.deepcopy(properties))
        texts: list[str] = []
        for _, token in group:
            if token.element is None:
                texts.append(token.text)
                continue
            if texts:
                _text(run, state, texts)
                texts = []
            run.append(copy.deepcopy(token.element))
        if texts:
            _text(run, state, texts)
        yield state, run


def _text(run: Element, state: State, texts: list[str]) -> None:
    """The words ``texts`` as one text of ``run`` (deleted text when ``state`` is "-")."""
    text = etree.SubElement(run, _DEL_TEXT if state == "-" else _T)
    text.set(XML_SPACE, "preserve")
    text.text = "".join(texts)

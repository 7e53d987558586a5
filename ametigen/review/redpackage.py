"""The parts of a redline's package besides its text: tracking switched on, where it came from.

``word/settings.xml`` gets ``w:trackRevisions``, so that edits made in Word are tracked too;
``docProps/custom.xml`` records the BASE and HEAD commits the redline compares (document
properties, not text that is signed).
"""

from __future__ import annotations

from lxml import etree

from ametigen.render.package import xml_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SETTINGS = "word/settings.xml"
CUSTOM = "docProps/custom.xml"
CONTENT_TYPES = "[Content_Types].xml"
RELS = "_rels/.rels"

_BEFORE_TRACKING = [
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop",
    "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle", "proofState",
    "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView",
]  # fmt: skip
"""The elements that come before ``w:trackRevisions`` in ``w:settings`` (the schema's order)."""

_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def tracking_on(settings: bytes) -> bytes:
    """``word/settings.xml`` with ``w:trackRevisions`` in its place."""
    root = etree.fromstring(settings)
    if root.find(f"{W}trackRevisions") is None:
        before = {W + name for name in _BEFORE_TRACKING}
        index = 0
        for position, child in enumerate(root):
            if child.tag in before:
                index = position + 1
        root.insert(index, etree.Element(f"{W}trackRevisions"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def custom_properties(properties: dict[str, str]) -> bytes:
    """``docProps/custom.xml`` with text properties, in the given order."""
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{xml_text(name)}">'
        f"<vt:lpwstr>{xml_text(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes">{items}</Properties>'
    ).encode()


def with_custom_part(content_types: bytes, rels: bytes) -> tuple[bytes, bytes]:
    """``[Content_Types].xml`` and ``_rels/.rels`` that announce ``docProps/custom.xml``."""
    types = etree.fromstring(content_types)
    namespace = types.nsmap[None]
    if not any(o.get("PartName") == f"/{CUSTOM}" for o in types):
        override = etree.SubElement(types, f"{{{namespace}}}Override")
        override.set("PartName", f"/{CUSTOM}")
        override.set("ContentType", _CUSTOM_TYPE)
    relations = etree.fromstring(rels)
    namespace = relations.nsmap[None]
    if not any(r.get("Type") == _CUSTOM_REL for r in relations):
        used = {r.get("Id") for r in relations}
        number = 1
        while f"rId{number}" in used:
            number += 1
        relation = etree.SubElement(relations, f"{{{namespace}}}Relationship")
        relation.set("Id", f"rId{number}")
        relation.set("Type", _CUSTOM_REL)
        relation.set("Target", CUSTOM)

    def out(root: etree._Element) -> bytes:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return out(types), out(relations)


def empty_body(document: bytes) -> bytes:
    """The main part with nothing in its body but the section properties: the BASE of a new
    position, against which everything is inserted."""
    root = etree.fromstring(document)
    body = root.find(f"{W}body")
    if body is not None:
        for child in list(body):
            if child.tag != f"{W}sectPr":
                body.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

"""Document properties (docProps/core.xml, app.xml) made from the data, never from the clock.

They are written from Python after rendering — never through Jinja, which would escape twice.
"""

from __future__ import annotations

import datetime as dt

from ametigen import __version__
from ametigen.render.package import xml_text
from ametigen.resolve.document import Document

_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/'
    'dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/'
    'XMLSchema-instance">{fields}</cp:coreProperties>'
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>ametigen {version}</Application><Company>{company}</Company></Properties>"
)


def document_date(doc: Document, epoch: int | None) -> dt.datetime | None:
    """The approval date if the document has one, else SOURCE_DATE_EPOCH, else none at all."""
    return dated(doc.approval.date if doc.approval else None, epoch)


def dated(date: dt.date | None, epoch: int | None) -> dt.datetime | None:
    """``date`` (at midnight UTC) if there is one, else SOURCE_DATE_EPOCH, else none at all."""
    if date is not None:
        return dt.datetime.combine(date, dt.time(), dt.UTC)
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC)
    return None


def core_xml(doc: Document, epoch: int | None) -> bytes:
    when = document_date(doc, epoch)
    return core_properties(doc.title, doc.unit, doc.agency, doc.id, when)


def core_properties(
    title: str, subject: str, agency: str, identifier: str, when: dt.datetime | None
) -> bytes:
    """docProps/core.xml of a document; ``when`` is its created and modified date."""
    fields = [
        f"<dc:title>{xml_text(title)}</dc:title>",
        f"<dc:subject>{xml_text(subject)}</dc:subject>",
        f"<dc:creator>{xml_text(agency)}</dc:creator>",
        f"<cp:lastModifiedBy>{xml_text(agency)}</cp:lastModifiedBy>",
        f"<dc:identifier>{xml_text(identifier)}</dc:identifier>",
    ]
    if when is not None:
        stamp = when.isoformat(timespec="seconds").replace("+00:00", "Z")
        fields += [
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>',
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>',
        ]
    return _CORE.format(fields="".join(fields)).encode("utf-8")


def app_xml(company: str) -> bytes:
    return _APP.format(version=__version__, company=xml_text(company)).encode("utf-8")

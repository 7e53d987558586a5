"""Schema check of the WordprocessingML parts of a DOCX file (ISO/IEC 29500 transitional).

Each checked part (the main document, styles, numbering, headers and footers) goes through the
markup-compatibility rules of ISO/IEC 29500-3 first, as a consumer that understands only the
transitional vocabulary would apply them:

* elements and attributes in a namespace that ``mc:Ignorable`` lists are dropped (or, when
  ``mc:ProcessContent`` names them, replaced by their content);
* every ``mc:AlternateContent`` is replaced by the content of its first ``mc:Choice`` whose
  ``Requires`` namespaces are all transitional ones (in practice none is), else of its
  ``mc:Fallback``, else by nothing;
* anything still outside the transitional namespaces is reported, except inside ``a:ext``,
  whose content the schema leaves open.

The cleaned parts are then checked against the schema: content models (which child may stand
where, in which order), required attributes, attribute value types. The schema data is the
one of the ``openxml-audit`` package (MIT), a Python port of the Open XML SDK validator; the
SDK's schema data is generated from the ISO/IEC 29500 transitional XSDs plus Microsoft's
extensions. We validate as Office 2010, the first release that implements ISO/IEC 29500
transitional, and the extensions are gone after the cleaning step, so what is checked is the
transitional vocabulary. The official XSD files could not be installed from the package
registries this project uses, which is why no lxml XML Schema is compiled here.
"""

from __future__ import annotations

import functools
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

from ametigen.errors import AmetigenError

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MC_ALTERNATE = f"{{{MC_NS}}}AlternateContent"
_MC_CHOICE = f"{{{MC_NS}}}Choice"
_MC_FALLBACK = f"{{{MC_NS}}}Fallback"
_MC_IGNORABLE = f"{{{MC_NS}}}Ignorable"
_MC_PROCESS_CONTENT = f"{{{MC_NS}}}ProcessContent"
_MC_MUST_UNDERSTAND = f"{{{MC_NS}}}MustUnderstand"
_A_EXT = "{http://schemas.openxmlformats.org/drawingml/2006/main}ext"

#: Namespaces of the ISO/IEC 29500 transitional schemas that may occur in WordprocessingML parts.
TRANSITIONAL_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
        "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "http://schemas.openxmlformats.org/drawingml/2006/chart",
        "http://schemas.openxmlformats.org/drawingml/2006/diagram",
        "http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas",
        "urn:schemas-microsoft-com:vml",
        "urn:schemas-microsoft-com:office:office",
        "urn:schemas-microsoft-com:office:word",
        "urn:schemas-microsoft-com:office:excel",
        "urn:schemas-microsoft-com:office:powerpoint",
        "http://www.w3.org/XML/1998/namespace",
    }
)

_CHECKED_PART = re.compile(r"word/(document|styles|numbering|header\d*|footer\d*)\.xml")
_MAIN_PART = "word/document.xml"
_PATH_STEP = re.compile(r"(?P<name>[^/\[\]]+)\[(?P<index>\d+)\]")


class OoxmlCheckUnavailableError(AmetigenError):
    """The schema data (the openxml-audit package) is not installed."""


class Finding(NamedTuple):
    """One schema problem in one part; ``line`` is 0 when unknown."""

    part: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.part}:{self.line}: {self.message}"


def validate_docx(path: Path) -> list[str]:
    """Check the WordprocessingML parts of ``path``; an empty list means they are valid."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = _read_parts(package)
    except (OSError, zipfile.BadZipFile) as exc:
        return [str(Finding(str(path), 0, f"not a readable DOCX (ZIP) file: {exc}"))]
    findings: list[Finding] = []
    cleaned: dict[str, etree._Element] = {}
    for name, data in parts.items():
        root = _parse_part(name, data, findings)
        if root is not None:
            findings.extend(Finding(name, line, text) for line, text in strip_compatibility(root))
            findings.extend(Finding(name, line, text) for line, text in foreign_markup(root))
            cleaned[name] = root
    if _MAIN_PART not in parts:
        findings.append(Finding(_MAIN_PART, 0, "the main document part is missing"))
    if cleaned:
        findings.extend(_schema_findings(path, cleaned))
    order = {name: index for index, name in enumerate(parts)}
    findings.sort(key=lambda f: (order.get(f.part, -1), f.line))
    return [str(finding) for finding in findings]


def _read_parts(package: zipfile.ZipFile) -> dict[str, bytes]:
    """The checked parts, main document first."""
    names = sorted(
        (n for n in package.namelist() if _CHECKED_PART.fullmatch(n)),
        key=lambda n: (n != _MAIN_PART, n),
    )
    return {name: package.read(name) for name in names}


def _parse_part(name: str, data: bytes, findings: list[Finding]) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        findings.append(Finding(name, exc.lineno or 0, f"not well-formed XML: {exc.msg}"))
        return None


# --- markup compatibility (ISO/IEC 29500-3) ---------------------------------------------------


def strip_compatibility(root: etree._Element) -> list[tuple[int, str]]:
    """Apply the markup-compatibility rules to ``root`` in place; returns (line, message) pairs."""
    problems: list[tuple[int, str]] = []
    _process(root, frozenset(), frozenset(), problems)
    return problems


def _process(
    element: etree._Element,
    ignorable: frozenset[str],
    process_content: frozenset[tuple[str, str]],
    problems: list[tuple[int, str]],
) -> None:
    ignorable = ignorable | _namespaces(element, _MC_IGNORABLE, problems)
    process_content = process_content | _qualified_names(element, problems)
    _check_must_understand(element, problems)
    _drop_attributes(element, ignorable)
    index = 0
    while index < len(element):
        child = element[index]
        if not isinstance(child.tag, str):
            index += 1
        elif child.tag == _MC_ALTERNATE:
            _replace(element, child, _chosen_content(child))
        elif etree.QName(child).namespace in ignorable:
            keep = _processes_content(child, process_content)
            _replace(element, child, list(child) if keep else [])
        else:
            _process(child, ignorable, process_content, problems)
            index += 1


def _namespaces(
    element: etree._Element, attribute: str, problems: list[tuple[int, str]]
) -> frozenset[str]:
    """Namespaces named by prefix in a space-separated ``mc:`` attribute of ``element``."""
    found: set[str] = set()
    for prefix in (element.get(attribute) or "").split():
        namespace = element.nsmap.get(prefix)
        if namespace is None:
            name = etree.QName(attribute).localname
            problems.append((_line(element), f"mc:{name} names undeclared prefix {prefix!r}"))
        else:
            found.add(namespace)
    return frozenset(found)


def _qualified_names(
    element: etree._Element, problems: list[tuple[int, str]]
) -> frozenset[tuple[str, str]]:
    """The (namespace, local name or ``*``) pairs of ``mc:ProcessContent`` on ``element``."""
    found: set[tuple[str, str]] = set()
    for qname in (element.get(_MC_PROCESS_CONTENT) or "").split():
        prefix, _, local = qname.partition(":")
        namespace = element.nsmap.get(prefix)
        if namespace is None or not local:
            problems.append((_line(element), f"mc:ProcessContent has bad name {qname!r}"))
        else:
            found.add((namespace, local))
    return frozenset(found)


def _check_must_understand(element: etree._Element, problems: list[tuple[int, str]]) -> None:
    for namespace in sorted(_namespaces(element, _MC_MUST_UNDERSTAND, problems)):
        if namespace not in TRANSITIONAL_NAMESPACES:
            problems.append((_line(element), f"mc:MustUnderstand requires {namespace}"))


def _drop_attributes(element: etree._Element, ignorable: frozenset[str]) -> None:
    for name in list(element.attrib):
        namespace = etree.QName(name).namespace
        if namespace == MC_NS or namespace in ignorable:
            del element.attrib[name]


def _processes_content(
    element: etree._Element, process_content: frozenset[tuple[str, str]]
) -> bool:
    qname = etree.QName(element)
    namespace = qname.namespace or ""
    return (namespace, qname.localname) in process_content or (namespace, "*") in process_content


def _chosen_content(alternate: etree._Element) -> list[etree._Element]:
    """The children of the first understood ``mc:Choice``, else of ``mc:Fallback``."""
    for choice in alternate.iterchildren(_MC_CHOICE):
        required = [choice.nsmap.get(prefix) for prefix in (choice.get("Requires") or "").split()]
        if required and all(ns in TRANSITIONAL_NAMESPACES for ns in required):
            return list(choice)
    fallback = alternate.find(_MC_FALLBACK)
    return [] if fallback is None else list(fallback)


def _replace(parent: etree._Element, old: etree._Element, new: list[etree._Element]) -> None:
    """Put ``new`` where ``old`` stands in ``parent`` (the caller re-reads that position)."""
    position = parent.index(old)
    parent.remove(old)
    for offset, element in enumerate(new):
        parent.insert(position + offset, element)


# --- markup outside the transitional vocabulary ----------------------------------------------


def foreign_markup(root: etree._Element) -> Iterator[tuple[int, str]]:
    """Elements and attributes outside the transitional namespaces (``a:ext`` content excepted)."""
    qname = etree.QName(root)
    if qname.namespace not in TRANSITIONAL_NAMESPACES:
        yield _line(root), f"element {qname.text} is not in ISO/IEC 29500 transitional"
        return
    for name in root.attrib:
        attr_ns = etree.QName(name).namespace
        if attr_ns is not None and attr_ns not in TRANSITIONAL_NAMESPACES:
            yield _line(root), f"attribute {name} is not in ISO/IEC 29500 transitional"
    if root.tag == _A_EXT:
        return
    for child in root.iterchildren(tag=etree.Element):
        yield from foreign_markup(child)


# --- schema validation -----------------------------------------------------------------------


def _schema_findings(package: Path, cleaned: dict[str, etree._Element]) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="ametigen-ooxml-") as tmp:
        copy = Path(tmp) / "cleaned.docx"
        _write_cleaned(package, cleaned, copy)
        errors = _schema_errors(copy)
    findings: list[Finding] = []
    for part, path, message in errors:
        root = cleaned.get(part)
        if root is not None:
            where = f" (at {path})" if path else ""
            findings.append(Finding(part, _line_of(root, path), message + where))
    return findings


def _write_cleaned(source: Path, cleaned: dict[str, etree._Element], target: Path) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            root = cleaned.get(info.filename)
            if root is None:
                if _is_package_plumbing(info.filename):
                    new.writestr(info, old.read(info))
            else:
                tree = root.getroottree()
                data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
                new.writestr(info, data)


def _is_package_plumbing(name: str) -> bool:
    """Content types and relationships: kept so that the validator finds the checked parts."""
    return name == "[Content_Types].xml" or name.endswith(".rels")


def _schema_errors(docx: Path) -> list[tuple[str, str, str]]:
    """(part name, element path, message) for each schema error the validator reports."""
    validator, schema_kind = _validator()
    result: Any = validator.validate(docx)
    return [
        (str(error.part_uri).lstrip("/"), str(error.path or ""), str(error.description))
        for error in result.errors
        if error.error_type == schema_kind
    ]


@functools.cache
def _validator() -> tuple[Any, Any]:
    """The schema validator, built once (loading its schema data takes a moment)."""
    try:
        from openxml_audit import (  # type: ignore[import-untyped]
            FileFormat,
            OpenXmlValidator,
            ValidationErrorType,
        )
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise OoxmlCheckUnavailableError(
            f"the OOXML schema check needs the openxml-audit package ({exc})"
        ) from exc
    validator = OpenXmlValidator(
        file_format=FileFormat.OFFICE_2010,
        schema_validation=True,
        semantic_validation=False,
        max_errors=0,
    )
    return validator, ValidationErrorType.SCHEMA


def _line_of(root: etree._Element, path: str) -> int:
    """Source line of the element at an SDK-style path such as ``/document[1]/body[1]/p[2]``."""
    element = root
    for step in path.strip("/").split("/")[1:]:
        match = _PATH_STEP.fullmatch(step)
        if match is None:
            break
        same = [c for c in element.iterchildren(tag=etree.Element) if _local(c) == match["name"]]
        position = int(match["index"]) - 1
        if position >= len(same):
            break
        element = same[position]
    return _line(element)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _line(element: etree._Element) -> int:
    return element.sourceline or 0

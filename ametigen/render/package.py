"""A minimal, reproducible ZIP writer for DOCX packages.

Every entry gets the same fixed date and attributes and keeps the template's order, so the
same parts always give the same bytes. Parts that never change (styles, numbering, fonts…) are
compressed once per template and copied as bytes into every document.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, the earliest date ZIP can store
_VERSION = 20
_DEFLATE = 8


@dataclass(frozen=True)
class Entry:
    """One part of the package, already compressed (raw deflate)."""

    name: str
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, content: bytes, level: int = 6) -> Entry:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        return cls(name, zlib.crc32(content), len(content), data)

    def content(self) -> bytes:
        """The part's bytes, uncompressed."""
        return zlib.decompress(self.data, -15)


def xml_text(text: str) -> str:
    """``text`` as XML character data (xml.sax.saxutils would import urllib for this)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_zip(entries: Iterable[Entry]) -> bytes:
    """The ZIP archive of ``entries``, in the given order."""
    body = bytearray()
    directory = bytearray()
    count = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0x800  # names are UTF-8
        offset = len(body)
        # The fields the local header and the central directory entry share, in order.
        shared = (flags, _DEFLATE, _DOS_TIME, _DOS_DATE, entry.crc, len(entry.data), entry.size)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, *shared, len(name), 0)
        body += name + entry.data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            _VERSION,
            _VERSION,
            *shared,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += name
        count += 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)

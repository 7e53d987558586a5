"""Dates as Estonian documents write them, and as the sources may type them.

``13.12.2024`` (the KINNITATUD header, the register), ``13. detsember 2024`` (a date on its
own), ``13. detsembri 2024`` (the genitive: "13. detsembri 2024 käskkirjaga") and ``jaanuari
2026`` (a month of a year, genitive: "alates jaanuari 2026 …"). Written without strftime,
which neither pads years nor knows Estonian.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = (
    "jaanuar",
    "veebruar",
    "märts",
    "aprill",
    "mai",
    "juuni",
    "juuli",
    "august",
    "september",
    "oktoober",
    "november",
    "detsember",
)
"""Month names, nominative."""

MONTHS_GENITIVE = (
    "jaanuari",
    "veebruari",
    "märtsi",
    "aprilli",
    "mai",
    "juuni",
    "juuli",
    "augusti",
    "septembri",
    "oktoobri",
    "novembri",
    "detsembri",
)
"""Month names, genitive."""

_YEAR = "(?:19|[2-9][0-9])[0-9][0-9]"  # 1900 and later
PATTERN = f"^(?:[0-9]{{1,2}}\\.[0-9]{{1,2}}\\.{_YEAR}|{_YEAR}-[0-9]{{1,2}}-[0-9]{{1,2}})$"
"""What a source may type as a date: dd.mm.yyyy or yyyy-mm-dd, a year from 1900 on. The
loader (:func:`parse_date`) and the JSON Schema both use this one pattern; only whether the
day exists in that month is left to the calendar."""

_TYPED = re.compile(PATTERN)


def parse_date(text: str) -> dt.date | None:
    """The date typed as dd.mm.yyyy or yyyy-mm-dd (see PATTERN), or None."""
    text = text.strip()
    if not _TYPED.match(text):
        return None
    year, month, day = text.split("-") if "-" in text else reversed(text.split("."))
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:  # 31.02.2024
        return None


def numeric(date: dt.date) -> str:
    """13.12.2024"""
    return f"{date.day:02d}.{date.month:02d}.{date.year:04d}"


def long(date: dt.date) -> str:
    """13. detsember 2024"""
    return f"{date.day}. {MONTHS[date.month - 1]} {date.year}"


def genitive(date: dt.date) -> str:
    """13. detsembri 2024"""
    return f"{date.day}. {MONTHS_GENITIVE[date.month - 1]} {date.year}"


def month_year(date: dt.date) -> str:
    """jaanuari 2026"""
    return f"{MONTHS_GENITIVE[date.month - 1]} {date.year}"

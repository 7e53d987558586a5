"""Dates as Estonian documents write them, and as the sources may type them.

``13.12.2024`` (the KINNITATUD header, the register), ``13. detsember 2024`` (a date on its
own), ``13. detsembri 2024`` (the genitive: "13. detsembri 2024 käskkirjaga") and ``jaanuari
2026`` (a month of a year, genitive: "alates jaanuari 2026 …"). Written without strftime,
which neither pads years nor knows Estonian.
"""

from __future__ import annotations

import datetime as dt

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

FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
"""What a source may type: dd.mm.yyyy or yyyy-mm-dd."""

FIRST_YEAR = 1900


def parse_date(text: str) -> dt.date | None:
    """The date typed as dd.mm.yyyy or yyyy-mm-dd (year from 1900), or None."""
    text = text.strip()
    for fmt in FORMATS:
        try:
            date = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if date.year >= FIRST_YEAR:
            return date
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

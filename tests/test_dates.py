"""Dates as Estonian documents write them, and the template filters that print them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ametigen import dates
from ametigen.render.environment import docx_environment, markdown_environment
from ametigen.render.filters import join_and
from ametigen.render.mdescape import finish


def test_forms_of_a_date() -> None:
    date = dt.date(2024, 12, 13)
    assert dates.numeric(date) == "13.12.2024"
    assert dates.long(date) == "13. detsember 2024"
    assert dates.genitive(date) == "13. detsembri 2024"
    assert dates.month_year(dt.date(2026, 1, 5)) == "jaanuari 2026"
    assert dates.numeric(dt.date(1905, 3, 1)) == "01.03.1905"


def test_every_month_has_both_forms() -> None:
    names = [dates.long(dt.date(2025, month, 1)).split()[1] for month in range(1, 13)]
    genitives = [dates.genitive(dt.date(2025, month, 1)).split()[1] for month in range(1, 13)]
    assert names[2] == "märts" and genitives[2] == "märtsi"
    assert names[4] == genitives[4] == "mai"
    assert all(g.startswith(n.rstrip("r")[:3]) for n, g in zip(names, genitives, strict=True))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_both_typed_forms_read_back(date: dt.date) -> None:
    assert dates.parse_date(dates.numeric(date)) == date
    assert dates.parse_date(date.isoformat()) == date


def test_what_is_not_a_date() -> None:
    for text in ("13.13.2024", "2024-02-30", "13.12.24", "13. detsember 2024", "01.01.1899", ""):
        assert dates.parse_date(text) is None


def test_filters_in_both_environments() -> None:
    source = (
        "x {{ d | date }} / {{ d | date_long }} / {{ d | date_genitive }} / {{ d | month_year }}"
    )
    expected = "x 13.12.2024 / 13. detsember 2024 / 13. detsembri 2024 / detsembri 2024"
    date = dt.date(2024, 12, 13)
    assert finish(markdown_environment().from_string(source).render(d=date)) == expected
    assert docx_environment().from_string(source).render(d=date) == expected


def test_join_and() -> None:
    assert join_and([]) == ""
    assert join_and(["4"]) == "4"
    assert join_and(["4", "5"]) == "4 ja 5"
    assert join_and([4, 5, 7]) == "4, 5 ja 7"


def test_the_json_schema_uses_the_loaders_date_pattern() -> None:
    from ametigen.review.jsonschema import schemas

    approval = schemas()["position.schema.json"]["$defs"]["Approval"]
    assert approval["properties"]["kuupäev"]["anyOf"][0]["pattern"] == dates.PATTERN


@given(st.text(alphabet="0123456789.- ", max_size=12))
def test_the_loader_takes_exactly_the_dates_the_pattern_takes(text: str) -> None:
    """One rule: a date the pattern (and so the JSON Schema) takes is read by the loader,
    unless that day is not in the calendar (31.02.), and the loader reads nothing else."""
    import re

    typed = text.strip()
    matches = re.fullmatch(dates.PATTERN, typed) is not None
    parsed = dates.parse_date(text)
    assert parsed is None or matches
    if matches and parsed is None:
        day, month, year = typed.split(".") if "." in typed else reversed(typed.split("-"))
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            return
        raise AssertionError(f"{text!r} fits the pattern but is not read")

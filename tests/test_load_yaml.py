"""The strict YAML loader: text stays text, every problem is a located SourceErrors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ametigen.errors import Mark, Problem, SourceErrors
from ametigen.load import yamlfile
from ametigen.load.yamlfile import LoadedYaml, load_yaml_file, load_yaml_text
from ametigen.textchars import CONTROL

PATH = Path("positions/osakond/ametikoht.yaml")
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])
LAUGHS = "\n".join(
    [
        "a: &a [x, x, x, x, x, x, x, x, x]",
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "j: [*i, *i, *i, *i, *i, *i, *i, *i, *i]",
    ]
)


@pytest.fixture(autouse=True, params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test with libyaml and with the pure-Python parser (the fallback)."""
    monkeypatch.setattr(yamlfile, "_LOADER", request.param)


def load(text: str | bytes) -> LoadedYaml:
    return load_yaml_text(text, PATH)


def problems(text: str | bytes) -> list[Problem]:
    with pytest.raises(SourceErrors) as info:
        load(text)
    assert all(problem.path == PATH for problem in info.value.problems)
    return info.value.problems


def only_problem(text: str | bytes) -> Problem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# --- data -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["no", "yes", "on", "off", "true", "False", "2.10", "2024-12-13", "13.12.2024", "1e3",
     "0x10", "007", "0o17", "1_000", ".inf", "-.nan", "12:30:00", "=", "177"],
)  # fmt: skip
def test_implicit_types_stay_text_as_typed(typed: str) -> None:
    assert load(f"a: {typed}\nb: [{typed}]\n{typed}: x\n").data == {
        "a": typed,
        "b": [typed],
        typed: "x",
    }


def test_nulls_are_none_only_when_plain() -> None:
    text = "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: 'null'\ng: \"~\"\nh: ''\ni: nULL\nj: |\n"
    assert load(text).data == {
        "a": None,
        "b": None,
        "c": None,
        "d": None,
        "e": None,
        "f": "null",
        "g": "~",
        "h": "",
        "i": "nULL",
        "j": "",
    }


def test_null_looking_keys_stay_text() -> None:
    assert load("null: a\n~: b\n").data == {"null": "a", "~": "b"}


def test_block_scalars_and_estonian_text() -> None:
    text = "eesmärk: |\n  Esimene rida: õ, ä, ö, ü.\n  Teine rida\nlühike: >\n  üks\n  kaks\n"
    assert load(text).data == {
        "eesmärk": "Esimene rida: õ, ä, ö, ü.\nTeine rida\n",
        "lühike": "üks kaks\n",
    }


@pytest.mark.parametrize(("text", "data"), [("- a\n- b\n", ["a", "b"]), ("tekst\n", "tekst")])
def test_top_level_may_be_any_node(text: str, data: Any) -> None:
    assert load(text).data == data


def test_document_markers_around_one_document_are_fine() -> None:
    assert load("---\na: 1\n...\n").data == {"a": "1"}


def test_utf8_bom_is_removed() -> None:
    loaded = load("\ufeffa: 1\nb: [x]\n".encode())
    assert loaded.data == {"a": "1", "b": ["x"]}
    assert loaded.marks[("b", 0)] == Mark(2, 5)
    assert load("\ufeffa: 1\n").data == {"a": "1"}


def test_marks_of_nested_keys_and_list_items() -> None:
    text = (
        "# kommentaar\n"  # 1
        "ametinimetus: Juhtivspetsialist\n"  # 2
        "ülesanded:\n"  # 3
        "  - ülesanne: Esimene\n"  # 4
        "    tulemused:\n"  # 5
        "      - Üks\n"  # 6
        "      - tekst: Kaks\n"  # 7
        "  - plokk: ulesanded.uhekordsed\n"  # 8
        "nõuded: {haridus: kõrgharidus, keeled: [eesti, inglise]}\n"  # 9
    )
    loaded = load(text)
    assert loaded.path == PATH
    assert loaded.marks == {
        (): Mark(2, 1),
        ("ametinimetus",): Mark(2, 1),
        ("ülesanded",): Mark(3, 1),
        ("ülesanded", 0): Mark(4, 5),
        ("ülesanded", 0, "ülesanne"): Mark(4, 5),
        ("ülesanded", 0, "tulemused"): Mark(5, 5),
        ("ülesanded", 0, "tulemused", 0): Mark(6, 9),
        ("ülesanded", 0, "tulemused", 1): Mark(7, 9),
        ("ülesanded", 0, "tulemused", 1, "tekst"): Mark(7, 9),
        ("ülesanded", 1): Mark(8, 5),
        ("ülesanded", 1, "plokk"): Mark(8, 5),
        ("nõuded",): Mark(9, 1),
        ("nõuded", "haridus"): Mark(9, 10),
        ("nõuded", "keeled"): Mark(9, 32),
        ("nõuded", "keeled", 0): Mark(9, 41),
        ("nõuded", "keeled", 1): Mark(9, 48),
    }


def test_anchors_and_aliases_expand_into_independent_copies() -> None:
    text = "a: &x {b: [1, 2]}\nc: *x\nd: [*x]\n"
    loaded = load(text)
    assert loaded.data == {"a": {"b": ["1", "2"]}, "c": {"b": ["1", "2"]}, "d": [{"b": ["1", "2"]}]}
    loaded.data["c"]["b"].append("3")
    assert loaded.data["a"]["b"] == ["1", "2"]
    assert loaded.marks[("c",)] == Mark(2, 1)
    assert loaded.marks[("d", 0)] == Mark(3, 5)  # the alias itself
    assert loaded.marks[("c", "b")] == Mark(1, 8)  # inside: where the anchored value is


def test_alias_as_key_and_redefined_anchor() -> None:
    assert load("- &k nimi\n- {*k : x}\n").data == ["nimi", {"nimi": "x"}]
    # an alias means the anchor as defined before it, even when an expansion comes later
    text = "a: &x 1\nb: &y [*x]\nc: &x 2\nd: *y\ne: *x\n"
    assert load(text).data == {"a": "1", "b": ["1"], "c": "2", "d": ["1"], "e": "2"}


def test_load_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("a: õ\n".encode())
    loaded = load_yaml_file(path)
    assert (loaded.path, loaded.data) == (path, {"a": "õ"})


# --- problems ---------------------------------------------------------------------------


def test_duplicate_keys_are_reported_at_the_second_one() -> None:
    found = problems("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [problem.mark for problem in found] == [Mark(4, 3), Mark(5, 1)]
    assert "võti „c“ on selles jaotises kaks korda (esimene real 3)" in found[0].message
    assert "võti „a“ on selles jaotises kaks korda (esimene real 1)" in found[1].message
    assert "jäta üks alles" in found[1].message


def test_same_key_in_different_mappings_is_fine() -> None:
    assert load("- a: 1\n- a: 2\n").data == [{"a": "1"}, {"a": "2"}]


@pytest.mark.parametrize(
    ("text", "mark", "shown"),
    [
        ("a: !!str 5\n", Mark(1, 4), "!!str"),
        ("a: !!binary aGVsbG8=\n", Mark(1, 4), "!!binary"),
        ("a: !!python/object:os.system x\n", Mark(1, 4), "!!python/object:os.system"),
        ("a:\n  - !foo x\n", Mark(2, 5), "!foo"),
        ("a: ! x\n", Mark(1, 4), "„!“"),
        ("a: !!map {b: 1}\n", Mark(1, 4), "!!map"),
        ("!!seq\n- a\n", Mark(1, 1), "!!seq"),
        ("!!str a: 1\n", Mark(1, 1), "!!str"),
        ("%TAG !e! tag:example.com,2000:\n---\na: !e!x y\n", Mark(3, 4), "tag:example.com"),
    ],
)
def test_explicit_tags_are_refused(text: str, mark: Mark, shown: str) -> None:
    problem = only_problem(text)
    assert problem.mark == mark
    assert "YAML-i sildid (!...) ei ole lubatud" in problem.message
    assert shown in problem.message


def test_merge_key_is_refused_but_quoted_is_text() -> None:
    problem = only_problem("a: &x {b: 1}\nc:\n  <<: *x\n")
    assert problem.mark == Mark(3, 3)
    assert "liitmisvõti „<<“ ei ole toetatud" in problem.message
    assert load("'<<': x\n").data == {"<<": "x"}


@pytest.mark.parametrize(
    ("text", "mark"), [("? [a, b]\n: 1\n", Mark(1, 3)), ("{{a: b}: c}\n", Mark(1, 2))]
)
def test_collection_as_key_is_refused(text: str, mark: Mark) -> None:
    problem = only_problem(text)
    assert problem.mark == mark
    assert "võti peab olema lihtne tekst" in problem.message


def test_empty_key_is_refused() -> None:
    problem = only_problem("? \n: x\n")
    assert problem.mark == Mark(1, 2)
    assert "võti on puudu" in problem.message


def test_undefined_alias() -> None:
    problem = only_problem("a: 1\nb: *puudu\n")
    assert problem.mark == Mark(2, 4)
    assert "viide „*puudu“ ei viita millelegi" in problem.message


def test_alias_to_itself_is_undefined() -> None:
    problem = only_problem("a: &x [1, *x]\n")
    assert problem.mark == Mark(1, 11)


def test_billion_laughs_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = only_problem(LAUGHS)  # with the real limit: still fails, quickly
    assert "laieneb liiga suureks" in problem.message
    monkeypatch.setattr(yamlfile, "MAX_NODES", 1_000)
    problem = only_problem(LAUGHS)
    assert problem.mark == Mark(4, 8)  # expanding the first *c of d passes 1,000 values
    assert "viide (*...) laieneb liiga suureks" in problem.message


def test_limits_without_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = "a: " + "[" * 150 + "]" * 150 + "\n"
    problem = only_problem(deep)
    assert problem.mark == Mark(1, 103)  # the 100th bracket is the 101st level
    assert "liiga sügaval" in problem.message
    monkeypatch.setattr(yamlfile, "MAX_NODES", 10)
    problem = only_problem("- [a, b, c, d, e]\n- [a, b, c, d, e]\n- []\n")
    assert problem.mark == Mark(3, 3)  # counted at the start of each list or mapping
    assert "fail on liiga suur" in problem.message


def test_invalid_utf8_names_line_and_column() -> None:
    problem = only_problem("a: õ\nbb: ä".encode() + b"\xff\xfe x\n")
    assert problem.mark == Mark(2, 6)
    assert "UTF-8" in problem.message
    assert "0xFF" in problem.message


def test_utf16_file_is_not_utf8() -> None:
    problem = only_problem("a: 1\n".encode("utf-16"))
    assert problem.mark == Mark(1, 1)
    assert "UTF-8" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# ainult kommentaar\n\n  # veel\n", b""])
def test_empty_file(text: str | bytes) -> None:
    problem = only_problem(text)
    assert problem.mark is None
    assert "fail on tühi" in problem.message


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("a:\n\tb: 1\n", Mark(2, 1)),
        ("a:\n  b: 1\n  \tc: 2\n", Mark(3, 3)),
        ("- x\n\t- y\n", Mark(2, 1)),
        ("a:\n  b: |\n    x\n\ty\n", Mark(4, 1)),
    ],
)
def test_tab_in_indentation(text: str, mark: Mark) -> None:
    problem = only_problem(text)
    assert problem.mark == mark
    assert "tabulaator" in problem.message
    assert "ainult tühikutega" in problem.message


def test_tab_inside_a_line() -> None:
    assert load('a: "x\ty"\nb: |\n  x\n  \tsees\n').data == {"a": "x\ty", "b": "x\n\tsees\n"}
    problem = only_problem("- \tx\n")  # both parsers refuse a tab here
    assert problem.mark == Mark(1, 3)
    assert "real on tabulaator" in problem.message


@pytest.mark.parametrize(
    ("text", "mark"), [("a: 1\n---\nb: 2\n", Mark(2, 1)), ("---\na: 1\n---\n", Mark(3, 1))]
)
def test_more_than_one_document(text: str, mark: Mark) -> None:
    problem = only_problem(text)
    assert problem.mark == mark
    assert "mitu YAML-dokumenti" in problem.message


@pytest.mark.parametrize(
    ("text", "mark", "plain", "pyyaml"),
    [
        ("a: 'abc\nb: 2\n", Mark(3, 1), "jäid faili lõpuni sulgemata", "end of stream"),
        ("a: b: c\n", Mark(1, 5), "koolon (:) on vales kohas", "mapping values are not allowed"),
        ("a: [x, y\nb: 1\n", Mark(2, 2), "puudub nurksulg ]", "',' or ']'"),
        ("a: @x\n", Mark(1, 4), "pane tekst jutumärkidesse", "cannot start any token"),
        ("a: * tekst\n", Mark(1, 5), "(* või &)", "alphabetic or numeric character"),
        ("a: 'see' ja teine\n", Mark(1, 10), "pärast lõpetavat jutumärki", "expected"),
        ("a:\n  - x\n  b: 1\n", Mark(3, 3), "(seotud kohaga real 2)", "expected"),
    ],
)
def test_syntax_errors_in_plain_words(text: str, mark: Mark, plain: str, pyyaml: str) -> None:
    problem = only_problem(text)
    assert problem.mark == mark
    assert problem.message.startswith("YAML-i vorming on vigane: ")
    assert plain in problem.message
    assert pyyaml in problem.message.split("YAML-i teade: ")[1]


def test_unknown_escape() -> None:
    problem = only_problem('a: 1\nb: "\\q"\n')
    assert problem.mark is not None
    assert problem.mark.line == 2  # the column is the backslash or the letter, by parser
    assert "vigane \\-järjend" in problem.message
    assert "unknown escape character" in problem.message


@pytest.mark.parametrize(
    ("text", "mark", "code"),
    [
        ('a: "x\\x01"\n', Mark(1, 4), "U+0001"),
        ('a:\n  - "\\uFFFE"\n', Mark(2, 5), "U+FFFE"),
        ('"\\e": b\n', Mark(1, 1), "U+001B"),
        ('a: "\\0"\n', Mark(1, 4), "U+0000"),
    ],
)
def test_escapes_xml_cannot_carry(text: str, mark: Mark, code: str) -> None:
    problem = only_problem(text)
    assert problem.mark == mark
    assert f"nähtamatu juhtmärk {code}" in problem.message


@pytest.mark.parametrize(
    ("text", "mark", "code"),
    [("a: x\x01y\n", Mark(1, 5), "U+0001"), ("a: 1\nbb: \x7f\n", Mark(2, 5), "U+007F")],
)
def test_raw_control_characters(text: str, mark: Mark, code: str) -> None:
    problem = only_problem(text.encode())
    assert problem.mark == mark
    assert f"nähtamatu juhtmärk {code}" in problem.message


def test_lone_surrogate_in_str_input() -> None:
    assert only_problem("a: \ud800\n").mark == Mark(1, 4)


def test_several_problems_are_collected() -> None:
    found = problems("a: !!str 1\nb: 1\nb: 2\nc: *x\n")
    assert [problem.mark for problem in found] == [Mark(1, 4), Mark(3, 1), Mark(4, 4)]


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SourceErrors) as info:
        load_yaml_file(tmp_path / "puudub.yaml")
    assert "faili ei saa lugeda" in str(info.value)


# --- properties -------------------------------------------------------------------------

FIXTURE_CHECK = HealthCheck.function_scoped_fixture  # the loader fixture holds for all examples
texts = st.text()
documents = st.recursive(
    st.none() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)


@settings(max_examples=150, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(st.dictionaries(texts, documents, min_size=1, max_size=5))
def test_dumped_text_loads_back_exactly(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    # PyYAML itself does not read some dumps back (a NEL, U+0085, in a quoted key is folded)
    assume(yaml.load(text, Loader=yamlfile._LOADER) == data)
    if any(CONTROL.search(string) for string in strings(data)):
        with pytest.raises(SourceErrors):
            load(text)
    else:
        loaded = load(text)
        assert loaded.data == data
        assert set(loaded.marks) >= {(key,) for key in data}


@settings(max_examples=300, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(st.text(alphabet=st.sampled_from(list(" \t\n-:?,[]{}#&*!|>'\"%@`\\abõ~<\x01\ufeff"))))
def test_any_text_loads_or_raises_source_errors(text: str) -> None:
    try:
        load(text)
    except SourceErrors as error:
        assert error.problems


MARKED = (
    "# kommentaar\n\nametinimetus: Nõunik\nülesanded:\n  - ülesanne: Teeb.\n"
    "    tulemused: [a, b]\nx: &x {y: 1}\nz: *x\n"
)
LOCS = [
    (),
    ("ametinimetus",),
    ("allkirjastaja",),
    ("allkirjastaja", "nimi"),
    ("ülesanded", 0, "tulemused", 1),
    ("ülesanded", 0, "puudub"),
    ("ülesanded", 3),
    ("z", "y"),
    ("z", "q"),
]


@pytest.mark.parametrize("loc", LOCS)
def test_mark_without_marks_is_the_mark_with_them(tmp_path: Path, loc: tuple[str | int]) -> None:
    """A file loaded without marks (as workers send it) locates every place as with them."""
    origin = tmp_path / "ametikoht.yaml"
    origin.write_text(MARKED, "utf-8")
    full = load(MARKED)
    lazy = load_yaml_text(MARKED, PATH, origin=origin)
    assert lazy.mark(loc) == yamlfile.mark_of(full.marks, loc)
    assert full.mark(loc) == yamlfile.mark_of(full.marks, loc)


def test_a_missing_top_level_key_is_located_without_reading_the_file_again(
    tmp_path: Path,
) -> None:
    """Where a field is missing, the file's start is known without its marks: the file is not
    read again (a warning on thousands of positions would read each of them twice)."""
    origin = tmp_path / "ametikoht.yaml"
    origin.write_text(MARKED, "utf-8")
    lazy = load_yaml_text(MARKED, PATH, origin=origin)
    origin.unlink()
    assert lazy.mark(("allkirjastaja",)) == Mark(3, 1)
    with pytest.raises(FileNotFoundError):  # a present key needs the marks, read from the file
        lazy.mark(("ametinimetus",))


# --- the plain way (libyaml's composer) equals the full way -------------------------------


def full_way(text: str, marks: bool) -> tuple[Any, Any, Mark | None] | None:
    """What the full way (events, our builder) makes of ``text``; None for any problem."""
    if yamlfile._NON_PRINTABLE.search(text):
        return None
    try:
        builder = yamlfile._Builder(yamlfile._parse(text, PATH), PATH, marks=marks)
        data = builder.build()
    except SourceErrors:
        return None
    return None if builder.problems else (data, builder.marks, builder.start)


def plain_way(text: str, marks: bool) -> tuple[Any, Any, Mark | None] | None:
    if yamlfile._LOADER is not getattr(yaml, "CSafeLoader", None):
        pytest.skip("the plain way needs libyaml")
    assert yamlfile._composes()
    return yamlfile._plain(text, marks)


def same_ways(text: str) -> None:
    """The plain way gives what the full way gives, or leaves the file to it; it takes every
    file without ``!&*`` that the full way loads without a problem."""
    for marks in (True, False):
        plain, full = plain_way(text, marks), full_way(text, marks)
        if plain is not None:
            assert plain == full
        elif not any(character in text for character in "!&*"):
            assert full is None


@settings(max_examples=300, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(st.text(alphabet=st.sampled_from(list(" \t\n-:?,[]{}#&*!|>'\"%@`\\abõ~<\x01\x85\ufeff"))))
def test_plain_way_equals_full_way_on_any_text(text: str) -> None:
    same_ways(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(st.dictionaries(texts, documents, min_size=1, max_size=5), st.booleans())
def test_plain_way_equals_full_way_on_documents(data: dict[str, Any], flow: bool) -> None:
    same_ways(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow))


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  c: 1\n  c: 2\n",  # duplicate key
        "<<: {a: 1}\n",  # merge key
        "'<<': x\n\"\": y\n",  # quoted: text
        "? \n: x\n",  # empty key
        "? [a, b]\n: 1\n",  # a list as key
        'a: "x\\x01"\n',  # an escape XML cannot carry
        '"\\e": b\n',  # … in a key
        "a: 1\n---\nb: 2\n",  # two documents
        "# kommentaar\n",  # none
        "a: x\x01y\n",  # a raw control character
        "a: \x85b\n",  # NEL: a line break to YAML
        "a: [" * 99 + "]" * 99 + "\n",  # deep
        "a: [" * 100 + "]" * 100 + "\n",  # too deep
        "- a\n- ~\n- null\n- ''\n- |\n  x\n- >-\n  y\n",
        "ülesanded:\n  - ülesanne: Teeb.\n    tulemused: [a, {tekst: b}]\n",
        "tekst\n",
        "~\n",
        "a: 'abc\n",
    ],
)
def test_plain_way_equals_full_way(text: str) -> None:
    same_ways(text)


def test_plain_way_counts_values_as_the_full_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_NODES", 10)
    for text in (
        "- [a, b, c, d, e]\n- [a, b, c, d, e]\n- []\n",
        "a: [b, c, d, e, f, g, h, i, j]\n",
    ):
        same_ways(text)
    # 10 values, then one more: counted at the start of a list or mapping, as the full way does
    assert plain_way("a: [b, c, d, e, f, g, h, i]\nk: x\n", False) is not None
    assert plain_way("a: [b, c, d, e, f, g, h, i]\nk: []\n", False) is None

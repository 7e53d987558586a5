"""Strict YAML loading: every scalar stays the text typed, and every value knows its place.

PyYAML's parser (libyaml when available) turns the file into events; the data is built from
the events here, so no YAML type guessing happens (``no``, ``2.10`` and ``2024-12-13`` stay
text), explicit tags, merge keys and duplicate keys are refused, and alias expansion is
bounded. Every problem becomes a :class:`SourceErrors` with an Estonian message for the editor.

Most files are plain: no tag, anchor or alias (none has a ``!``, ``&`` or ``*``) and no problem.
With libyaml, such a file is first composed into nodes in C and the data built from them (see
:func:`_plain`), a third of the work of building it from events in Python. Anything unusual on
that way — a character that could start a tag, an anchor or an alias, a problem of any kind —
sends the file the full way above, which alone reports problems: both ways give the same data
and marks, and every problem comes from one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, ScalarNode

from ametigen.errors import Mark, Problem, SourceErrors
from ametigen.textchars import CONTROL, codepoint, problem_text

if TYPE_CHECKING:
    from ametigen.hashcache import Source

KeyPath = tuple[str | int, ...]

MAX_NODES = 100_000
"""Most values one file may build, counting every alias expansion again."""
MAX_DEPTH = 100
"""Deepest nesting of mappings and lists one file may build."""

_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STANDARD_TAG = "tag:yaml.org,2002:"
# Characters a YAML file may not contain at all (the YAML "printable" set, inverted).
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INDENT_ISSUE = (
    "taane (tühikud rea alguses) ei klapi ümbritsevate ridadega, või jätkub tekst pärast "
    "lõpetavat jutumärki; kui väärtus algab jutumärgi või ülakomaga, pane kogu tekst "
    "jutumärkidesse"
)
_SPECIAL_START = "väärtus algab märgiga, millega YAML-is ei saa alustada"
# (part of PyYAML's problem text, plain explanation); the first match wins.
_HINTS = (
    (
        "escape",
        "jutumärkides tekstis on vigane \\-järjend; kasuta ülakomasid '...' "
        "või kirjuta kaldkriips kaks korda (\\\\)",
    ),
    ("cannot start any token", f"{_SPECIAL_START} (näiteks @, ` või %); pane tekst jutumärkidesse"),
    ("alphabetic or numeric", f"{_SPECIAL_START} (* või &); pane tekst jutumärkidesse"),
    ("directive", f"{_SPECIAL_START} (%); pane tekst jutumärkidesse"),
    (
        "tag handle",
        "YAML-i sildid (!...) ei ole lubatud; kui tekst algab hüüumärgiga, pane "
        "tekst jutumärkidesse",
    ),
    (
        "document start",
        "pärast dokumendi lõpu rida „...“ on veel sisu, või algab rida märgiga %; "
        "kustuta rida „...“ või pane tekst jutumärkidesse",
    ),
    (
        "mapping values are not allowed",
        "koolon (:) on vales kohas; kui tekstis endas on koolon ja tühik, "
        "pane kogu tekst jutumärkidesse",
    ),
    ("could not find expected ':'", "võtme järel puudub koolon (:) või on rea taane vale"),
    ("did not find expected key", _INDENT_ISSUE),
    ("expected <block end>", _INDENT_ISSUE),
    ("expected '-' indicator", "loendi rea taane ei klapi teiste loendi ridadega"),
    ("block sequence entries", "loendi kriips (-) on vales kohas; kontrolli taanet"),
    ("',' or ']'", "loendi lõpus puudub nurksulg ] või on elementide vahel koma puudu"),
    ("',' or '}'", "lõpus puudub looksulg } või on väärtuste vahel koma puudu"),
    ("end of stream", "jutumärgid või sulud jäid faili lõpuni sulgemata"),
)


class LoadedYaml:
    """One YAML file as plain data (dict, list, str, None) plus where each value is.

    A file loaded in a worker process travels back without its marks when it knows its
    ``origin`` file: they are read again from there only if a problem needs a line number —
    and not even then for a problem at a top-level key the file does not have (a missing
    field), which is located where the file's content starts (``start``, always kept).
    """

    __slots__ = ("_marks", "_path", "data", "origin", "source", "start")

    def __init__(
        self,
        path: Path | str,
        data: Any,
        marks: dict[KeyPath, Mark] | None = None,
        origin: Path | str | bytes | None = None,
        start: Mark | None = None,
    ) -> None:
        if marks is None and origin is None:
            raise ValueError("LoadedYaml needs its marks or the file to find them in")
        self._path = path
        self.data = data
        self.origin = origin
        self._marks = marks
        self.start = marks.get(()) if marks is not None else start
        self.source: Source | None = None
        """The hash and stat of the bytes it was loaded from, when asked for (see
        :meth:`ametigen.load.project.Reader.read`); not sent to other processes."""

    @property
    def path(self) -> Path:
        """The file, relative to the project's folder. (Given as text, it is made a Path when
        first asked for: most files never have a problem to name it in, and the checks between
        positions keep one of these for each of thousands of positions.)"""
        path = self._path
        if not isinstance(path, Path):
            path = self._path = Path(path)
        return path

    @property
    def marks(self) -> dict[KeyPath, Mark]:
        if self._marks is None:
            assert self.origin is not None
            if isinstance(self.origin, bytes):  # the content itself (a revision's, from git)
                self._marks = load_yaml_text(self.origin, self.path).marks
            else:
                with open(self.origin, "rb") as stream:
                    self._marks = load_yaml_text(stream.read(), self.path).marks
        return self._marks

    def mark(self, loc: KeyPath) -> Mark | None:
        """The mark of ``loc``, or of its nearest ancestor that has one.

        Every key and list item in the data has a mark: a path whose first key the data lacks
        has only the start's, which is kept even when the other marks are not.
        """
        data = self.data
        if (
            self._marks is None
            and self.start is not None
            and isinstance(data, dict)
            and (not loc or loc[0] not in data)
        ):
            return self.start
        return mark_of(self.marks, loc)

    def forget_values(self) -> None:
        """Keep only the top-level keys of the data, which ``mark`` needs: once a file is
        validated its model holds the values (positions by the thousand would otherwise
        stay in memory twice)."""
        if isinstance(self.data, dict):
            self.data = dict.fromkeys(self.data)

    def __reduce__(self) -> tuple[Any, ...]:
        if self.origin is None:
            return (LoadedYaml, (self._path, self.data, self._marks))
        return (LoadedYaml, (self._path, self.data, None, self.origin, self.start))

    def __repr__(self) -> str:
        return f"LoadedYaml({str(self.path)!r})"


def mark_of(marks: Mapping[KeyPath, Mark], loc: KeyPath) -> Mark | None:
    """The mark of ``loc``, or of its nearest ancestor that has one."""
    for end in range(len(loc), -1, -1):
        mark = marks.get(loc[:end])
        if mark is not None:
            return mark
    return None


def load_yaml_file(path: Path) -> LoadedYaml:
    """Read and load one YAML file; raise :class:`SourceErrors` for any problem in it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise SourceErrors([Problem(path, f"faili ei saa lugeda: {reason}")]) from None
    return load_yaml_text(raw, path)


def load_yaml_text(
    text: str | bytes, path: Path, origin: Path | str | bytes | None = None
) -> LoadedYaml:
    """Load YAML text (bytes are UTF-8); raise :class:`SourceErrors` for any problem in it.

    With ``origin`` (the file the text came from, or its content as bytes) no marks are made
    now: they are read again from there if a problem needs them (most files have none: loading
    is faster without).
    """
    if isinstance(text, bytes):
        text = _decode(text, path)
    text = text.removeprefix("\ufeff")
    plain = _plain(text, origin is None)
    if plain is not None:
        data, marks, start = plain
        return LoadedYaml(path, data, marks, origin, start)
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        raise _error(
            path,
            f"failis on nähtamatu juhtmärk {codepoint(bad.group())}, mida "
            "YAML ei luba (see tuleb sageli kopeerimisel kaasa); kustuta see märk",
            _position(text, bad.start()),
        )
    events = _parse(text, path)
    builder = _Builder(events, path, marks=origin is None)
    data = builder.build()
    if builder.problems:
        raise SourceErrors(builder.problems)
    return LoadedYaml(path, data, builder.marks, origin, builder.start)


class _Irregular(Exception):
    """The file is not plain (see :func:`_plain`): it takes the full way."""


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _Composer(CParser):
        """libyaml's parser and composer, resolving no tags: :func:`_plain` reads no tag (a file
        that could have one takes the full way). Builtins instead of the resolver's methods,
        which the composer calls for every node."""

        resolve = slice
        descend_resolver = slice
        ascend_resolver = tuple


def _composes() -> bool:
    """Whether the plain way may be taken: with libyaml as the parser, and only where libyaml
    bounds nesting (the composer recurses in C for every level: the libyaml PyYAML ships
    refuses more than 1,000 levels, on either way; the full way refuses more than MAX_DEPTH).
    Tried once, on 1,001 levels."""
    global _COMPOSES
    if _COMPOSES is None:
        _COMPOSES = False
        if yaml.__with_libyaml__:
            parser = _Composer("[" * 1001 + "]" * 1001)
            try:
                parser.get_single_node()
            except yaml.YAMLError:
                _COMPOSES = True
            finally:
                parser.dispose()
    return _COMPOSES and _LOADER is yaml.CSafeLoader


_COMPOSES: bool | None = None


def _plain(text: str, marks: bool) -> tuple[Any, dict[KeyPath, Mark] | None, Mark] | None:
    """The data of a plain file (with its marks when ``marks``) and where its content starts,
    as the full way gives them; None for any other file.

    Plain: no ``!``, ``&`` or ``*`` anywhere (so no tag, anchor or alias), one document that
    libyaml parses, and nothing the full way reports (duplicate keys, merge keys, keys that
    are not text, characters XML cannot carry, too many values or levels). libyaml refuses
    the characters :data:`_NON_PRINTABLE` finds (the same YAML set) and invalid text.
    """
    if "!" in text or "&" in text or "*" in text or not _composes():
        return None
    try:
        parser = _Composer(text)
        try:
            root = parser.get_single_node()
        finally:
            parser.dispose()
    except Exception:  # a syntax error, several documents, a lone surrogate: the full way tells
        return None
    if root is None:  # no document
        return None
    builder = _NodeBuilder(marks)
    try:
        data = builder.root(root)
    except _Irregular:
        return None
    start = root.start_mark
    return data, builder.marks, Mark(start.line + 1, start.column + 1)


class _NodeBuilder:
    """The data of a plain file from its nodes: what :class:`_Builder` makes of the same
    file's events (nulls, marks, counting of values), raising :class:`_Irregular` where that
    would report a problem."""

    def __init__(self, marks: bool) -> None:
        self.marks: dict[KeyPath, Mark] | None = {} if marks else None
        self.nodes = 0

    def root(self, node: Any) -> Any:
        if self.marks is not None:
            start = node.start_mark
            self.marks[()] = Mark(start.line + 1, start.column + 1)
        if type(node) is ScalarNode:
            self.nodes += 1
            return self.scalar(node)
        return self.collection(node, ())

    def scalar(self, node: Any) -> Any:
        value, style = node.value, node.style
        if not style:
            return None if value in _NULLS else value
        if style == '"' and CONTROL.search(value):
            raise _Irregular
        return value

    def collection(self, node: Any, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or len(path) >= MAX_DEPTH:
            raise _Irregular
        if type(node) is MappingNode:
            return self.mapping(node.value, path)
        return self.sequence(node.value, path)

    def sequence(self, nodes: list[Any], path: KeyPath) -> list[Any]:
        items: list[Any] = []
        marks = self.marks
        for index, node in enumerate(nodes):
            if marks is not None:
                start = node.start_mark
                marks[(*path, index)] = Mark(start.line + 1, start.column + 1)
            if type(node) is ScalarNode:
                self.nodes += 1
                items.append(self.scalar(node))
            else:
                items.append(self.collection(node, (*path, index)))
        return items

    def mapping(self, pairs: list[tuple[Any, Any]], path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        marks = self.marks
        for key_node, node in pairs:
            if type(key_node) is not ScalarNode:
                raise _Irregular
            key, style = key_node.value, key_node.style
            if key in result or (
                (key in ("<<", "")) if not style else (style == '"' and CONTROL.search(key))
            ):
                raise _Irregular
            if marks is not None:
                start = key_node.start_mark
                marks[(*path, key)] = Mark(start.line + 1, start.column + 1)
            if type(node) is ScalarNode:
                self.nodes += 2
                result[key] = self.scalar(node)
            else:
                self.nodes += 1
                result[key] = self.collection(node, (*path, key))
        return result


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        mark = Mark(raw.count(b"\n", 0, error.start) + 1, column)
        raise _error(
            path,
            f"fail ei ole UTF-8 kodeeringus (vigane bait 0x{raw[error.start]:02X}); "
            "salvesta fail tekstiredaktoris kodeeringuga UTF-8",
            mark,
        ) from None


def _parse(text: str, path: Path) -> list[Event]:
    """All events of the single document in ``text`` (stream start and end included)."""
    events: list[Event] = []
    parser = _LOADER(text)
    try:
        while (event := parser.get_event()) is not None:
            if type(event) is DocumentStartEvent and len(events) > 1:
                raise _error(
                    path,
                    "failis on mitu YAML-dokumenti: rida „---“ või „...“ alustab või lõpetab "
                    "dokumendi; ühes failis võib olla ainult üks, kustuta see rida või tõsta "
                    "ülejäänu eraldi faili",
                    _mark(event),
                )
            events.append(event)
    except yaml.MarkedYAMLError as error:
        raise SourceErrors([_syntax_problem(error, text, path)]) from None
    except (yaml.YAMLError, ValueError) as error:
        raise _error(path, f"faili ei saa YAML-ina lugeda ({error})") from None
    finally:
        parser.dispose()
    if len(events) < 3:  # only stream start and end: no document at all
        raise _error(
            path,
            "fail on tühi: selles on ainult tühjad read või kommentaarid; "
            "lisa faili sisu või kustuta fail",
        )
    return events


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: Path) -> Problem:
    problem_mark = _yaml_mark(error.problem_mark)
    context_mark = _yaml_mark(error.context_mark)
    tab = _tab_problem(text, problem_mark, context_mark, path)
    if tab is not None:
        return tab
    problem = error.problem or str(error)
    hint = next((plain for part, plain in _HINTS if part in problem), "fail ei ole korrektne YAML")
    message = f"YAML-i vorming on vigane: {hint}"
    if (
        context_mark is not None
        and problem_mark is not None
        and context_mark.line != problem_mark.line
    ):
        message += f" (seotud kohaga real {context_mark.line})"
    return Problem(path, f"{message}. YAML-i teade: {problem}", problem_mark or context_mark)


def _tab_problem(
    text: str, problem: Mark | None, context: Mark | None, path: Path
) -> Problem | None:
    """A plain explanation if a tab character is what broke the YAML, else None."""
    lines = text.split("\n")
    for mark in (problem, context):
        if mark is not None and mark.line <= len(lines):
            line = lines[mark.line - 1]
            column = line.find("\t", 0, len(line) - len(line.lstrip(" \t")))
            if column >= 0:
                return Problem(
                    path,
                    "rea alguses on tabulaator (Tab-klahv); YAML-is tehakse taanet ainult "
                    "tühikutega, asenda tabulaatorid tühikutega",
                    Mark(mark.line, column + 1),
                )
    if (
        problem is not None
        and problem.line <= len(lines)
        and lines[problem.line - 1][problem.column - 1 :].startswith("\t")
    ):
        return Problem(
            path,
            "real on tabulaator (Tab-klahv), mida YAML siin ei luba; asenda see tühikuga "
            "või pane kogu tekst jutumärkidesse",
            problem,
        )
    return None


class _Builder:
    """Builds plain data from the events of one document, collecting problems.

    The hot paths make marks inline and avoid helper calls: thousands of files load per run.
    """

    def __init__(self, events: list[Event], path: Path, marks: bool = True) -> None:
        self.events = events
        self.path = path
        self.pos = 0
        self.marks: dict[KeyPath, Mark] | None = {} if marks else None
        self.start: Mark | None = None  # where the content starts (kept without marks too)
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[int, int]] = {}  # anchor -> event span of its node
        self.alias_spans: dict[int, tuple[int, int] | None] = {}  # alias event -> its target
        self.nodes = 0
        self.replaying = 0  # > 0 while an alias re-reads the events of its anchor
        self.outer_alias: Mark | None = None  # the alias being expanded, as typed in the file

    def build(self) -> Any:
        while not isinstance(self.events[self.pos], NodeEvent):
            self.pos += 1  # stream and document start
        self.start = _mark(self.events[self.pos])
        if self.marks is not None:
            self.marks[()] = self.start
        return self.node(())

    def problem(self, message: str, event: Event) -> None:
        if not self.replaying:  # an expansion repeats problems already reported
            self.problems.append(Problem(self.path, message, _mark(event)))

    def node(self, path: KeyPath, as_key: bool = False) -> Any:
        start = self.pos
        event = self.events[start]
        self.pos = start + 1
        self.nodes += 1
        value: Any
        if type(event) is ScalarEvent:
            tag, anchor, value = event.tag, event.anchor, event.value
            if not event.style:
                if value in _NULLS and not as_key:
                    value = None
            elif event.style == '"':  # only escapes can make characters XML cannot carry
                self.check_characters(value, event)
        elif type(event) is AliasEvent:
            self.nodes -= 1  # the nodes it expands to are counted
            return self.alias(event, start, path, as_key)
        elif isinstance(event, CollectionStartEvent):
            if self.nodes > MAX_NODES or len(path) >= MAX_DEPTH:
                self.too_big(event, len(path) + 1)
            tag, anchor = event.tag, event.anchor
            value = self.sequence(path) if type(event) is SequenceStartEvent else self.mapping(path)
        else:  # pragma: no cover - the parser never sends anything else here
            raise AssertionError(f"unexpected YAML event {event}")
        if tag is not None:
            typed = tag.replace(_STANDARD_TAG, "!!", 1)
            self.problem(
                f"YAML-i sildid (!...) ei ole lubatud, siin on silt „{typed}“; kustuta see, "
                "või kui tekst ise algab hüüumärgiga, pane tekst jutumärkidesse",
                event,
            )
        if anchor is not None and not self.replaying:
            self.anchors[anchor] = (start, self.pos)
        return value

    def alias(self, event: AliasEvent, index: int, path: KeyPath, as_key: bool) -> Any:
        if index not in self.alias_spans:  # resolve once, where the alias is in the file
            self.alias_spans[index] = self.anchors.get(event.anchor or "")
        span = self.alias_spans[index]
        if span is None:
            self.problem(
                f"viide „*{event.anchor}“ ei viita millelegi: ankur „&{event.anchor}“ "
                "peab olema failis enne viidet; paranda nimi või kirjuta väärtus välja",
                event,
            )
            return None
        outermost = self.outer_alias is None
        if outermost:
            self.outer_alias = _mark(event)
        after = self.pos
        self.pos = span[0]
        self.replaying += 1
        value = self.node(path, as_key)
        self.replaying -= 1
        self.pos = after
        if outermost:
            self.outer_alias = None
        return value

    def too_big(self, event: Event, depth: int) -> NoReturn:
        mark = self.outer_alias or _mark(event)
        if self.outer_alias is not None:
            message = (
                "viide (*...) laieneb liiga suureks: ankrute ja viidete kaudu tuleks "
                f"failist üle {_number(MAX_NODES)} väärtuse või üle {MAX_DEPTH} "
                "taseme; kirjuta väärtused viidete asemel välja"
            )
        elif depth > MAX_DEPTH:
            message = (
                f"väärtused on üksteise sees liiga sügaval (üle {MAX_DEPTH} taseme); "
                "kontrolli taanet ja sulge"
            )
        else:
            message = f"fail on liiga suur (üle {_number(MAX_NODES)} väärtuse); jaga see osadeks"
        raise SourceErrors([*self.problems, Problem(self.path, message, mark)])

    def check_characters(self, text: str, event: Event) -> None:
        message = problem_text(text)
        if message is not None:
            self.problem(message, event)

    def sequence(self, path: KeyPath) -> list[Any]:
        items: list[Any] = []
        events, marks = self.events, self.marks
        while type(event := events[self.pos]) is not SequenceEndEvent:
            item_path = (*path, len(items))
            if marks is not None:
                start = event.start_mark
                marks[item_path] = Mark(start.line + 1, start.column + 1) if start else Mark(1, 1)
            items.append(self.node(item_path))
        self.pos += 1
        return items

    def mapping(self, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        events, marks = self.events, self.marks
        while type(event := events[self.pos]) is not MappingEndEvent:
            key = self.key(event, path)
            if key is None:
                self.node((*path, ""))  # build the value only to skip it
            elif key in first_lines:
                self.problem(
                    f"võti „{key}“ on selles jaotises kaks korda (esimene real "
                    f"{first_lines[key]}); jäta üks alles",
                    event,
                )
                self.node((*path, key))
            else:
                start = event.start_mark
                first_lines[key] = start.line + 1 if start else 1
                value_path = (*path, key)
                if marks is not None:
                    marks[value_path] = Mark(first_lines[key], start.column + 1 if start else 1)
                result[key] = self.node(value_path)
        self.pos += 1
        return result

    def key(self, event: Event, path: KeyPath) -> str | None:
        """The text of the next mapping key, or None (problem noted) if it cannot be one."""
        key = self.node(path, as_key=True)
        plain = type(event) is ScalarEvent and not event.style
        if plain and key == "<<":
            message = "YAML-i liitmisvõti „<<“ ei ole toetatud; kirjuta väärtused välja"
        elif plain and key == "":
            message = "võti on puudu: koolonist (:) vasakul peab olema nimi"
        elif isinstance(key, str):
            return key
        elif key is None:  # an alias to nothing, already reported
            return None
        else:
            message = (
                "võti peab olema lihtne tekst, mitte loend ega jaotis; kui koolon on teksti "
                "osa, pane tekst jutumärkidesse"
            )
        self.problem(message, event)
        return None


def _error(path: Path, message: str, mark: Mark | None = None) -> SourceErrors:
    return SourceErrors([Problem(path, message, mark)])


def _mark(event: Event) -> Mark:
    return _yaml_mark(event.start_mark) or Mark(1, 1)  # PyYAML's parsers always set marks


def _yaml_mark(mark: Any) -> Mark | None:
    """PyYAML's 0-based mark as our 1-based one."""
    return None if mark is None else Mark(mark.line + 1, mark.column + 1)


def _position(text: str, index: int) -> Mark:
    line_start = text.rfind("\n", 0, index) + 1
    return Mark(text.count("\n", 0, index) + 1, index - line_start + 1)


def _number(count: int) -> str:
    return f"{count:,}".replace(",", " ")

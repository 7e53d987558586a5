"""The diff as Markdown (a pull-request comment), coloured text (a terminal) or JSON."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import click

from ametigen.render.mdescape import escape_block_start, escape_inline, escape_line
from ametigen.review.compare import Change, TemplateChange
from ametigen.review.diff import Diff
from ametigen.review.groups import Group, Grouping, Item, group
from ametigen.review.words import Line, Segment, inline, number_changes, plain

STATUS = {
    "changed": "muudetud",
    "added": "lisatud",
    "removed": "eemaldatud",
    "renamed": "ümber nimetatud",
}


def summary(diff: Diff) -> str:
    counts = {status: 0 for status in STATUS}
    for change in diff.changes:
        counts[change.status] += 1
    substance = sum(1 for change in diff.changes if change.substance)
    parts = ", ".join(f"{STATUS[status]} {count}" for status, count in counts.items())
    return f"Ametikohti {parts}; sisulisi muudatusi {substance}."


def template_sentences(template: TemplateChange) -> list[str]:
    """What a changed Word template does, in words (the positions are listed apart)."""
    out = []
    if template.wording:
        out.append(f"muudab {len(template.wording)} ametijuhendi teksti")
    if template.formatting:
        done = "muudab ainult vormistust (stiilid, fondid, veerised …)"
        out.append(f"{done} {len(template.formatting)} ametijuhendil, tekst jääb samaks")
    return out


def no_change(diff: Diff) -> bool:
    return not diff.changes and not diff.templates


def cause_text(diff: Diff, shared: Group) -> str:
    """Where a shared change comes from, in words; what no one source explains is named by the
    shared files that changed (or as the same edit in several position files)."""
    if shared.formatting:
        done = "muudab ainult vormistust (stiilid, fondid, veerised …), tekst jääb samaks"
        return f"{shared.cause.description if shared.cause else 'Wordi mall'}; {done}"
    if shared.cause is not None:
        return shared.cause.description
    if diff.sources:
        return f"ei leitud üht allikat; muutunud ühised lähtefailid: {', '.join(diff.sources)}"
    return "sama muudatus mitme ametikoha failis"


def _grouping(diff: Diff, mark: Mark | None = None) -> Grouping:
    """The changes grouped by cause; a changed Word template's own changes of the DOCX text
    are items of that template, and the positions whose text it leaves as it was are a group
    of their own (only their formatting changes)."""
    templates = {template.layout: diff.cause_of(template) for template in diff.templates}

    def items_of(change: Change) -> list[Item]:
        found = _items(diff.lines(change), mark=mark)
        word = diff.word_lines(change)
        if word and change.new is not None:
            source = templates[change.new.doc.layout]
            found += [
                dataclasses.replace(item, source=source, word=True)
                for item in _items(word, str, mark)
            ]
        return found

    grouping = group(diff.changes, items_of, diff.causes)
    for template in diff.templates:
        if template.formatting:
            cause = templates[template.layout]
            shared = Group((), template.formatting, (), False, cause, formatting=True)
            grouping.groups.append(shared)
    return grouping


def kind(change: Change) -> str:
    if change.status in ("added", "removed"):
        return "uus ametijuhend" if change.status == "added" else "ametijuhend kaob"
    return "sisuline" if change.substance else "muu"


def parts(change: Change) -> str:
    if change.labels:
        return ", ".join(change.labels)
    if change.status in ("added", "removed"):
        return "kogu tekst"
    old, new = change.old, change.new
    if change.status == "renamed" and old and new and old.markdown == new.markdown:
        return "tekst sama, fail nimetati ümber"
    return "vormistus (Markdowni mall)"


# --- Markdown ----------------------------------------------------------------------------------


def markdown(diff: Diff, limit: int | None = None, full_at: str | None = None) -> str:
    """The report as Markdown; with ``limit``, at most that many characters.

    A report that does not fit keeps its heading and summary, then as many rows of the table and
    as many positions' diffs as fit, whole, and ends saying how many were left out and where
    the full report is (``full_at``: a link or a few words).
    """
    head = [
        f"## Ametijuhendite muudatused: {_code(diff.base.label)} → {_code(diff.head.label)}",
        "",
    ]
    if no_change(diff):
        return "\n".join([*head, "Ametijuhendite tekst ei muutunud.", ""])
    head += [
        summary(diff),
        "Sisuline muudatus (eesmärk, ülesanded ja tulemused, nõuded) vajab uut kinnitamist "
        "ja teenistuja nõusolekut.",
    ]
    if diff.sources:
        listed = ", ".join(_code(name) for name in diff.sources)
        head += ["", f"Muutunud ühised lähtefailid: {listed}."]
    head += _markdown_templates(diff.templates)
    grouping = _grouping(diff)
    if not diff.changes:
        sections = [_group_section(diff, n, g) for n, g in enumerate(grouping.groups, 1)]
        return "\n".join([*head, "", "Ametijuhendite tekst ei muutunud.", *sections, ""])
    head += [
        "",
        "| Ametikoht | Nimetus | Muudatus | Liik | Muutunud osad |",
        "|---|---|---|---|---|",
    ]
    own = [change for change in diff.changes if not grouping.covered(change)]
    rows = [_group_row(diff, number, g) for number, g in enumerate(grouping.groups, 1)]
    rows += [_row(change) for change in own]
    sections = [_group_section(diff, n, g) for n, g in enumerate(grouping.groups, 1)]
    sections += [_section(diff, change, grouping.own_part(change.ident)) for change in own]
    whole = "\n".join([*head, *rows, *sections]) + "\n"
    if limit is None or len(whole) <= limit:
        return whole
    return _shortened(head, rows, sections, limit, full_at)


def _markdown_templates(templates: list[TemplateChange]) -> list[str]:
    """One line per changed Word template (its changes and positions are among the groups)."""
    return [
        line
        for template in templates
        for line in (
            "",
            f"**Wordi mall {_code(template.path)}** {'; '.join(template_sentences(template))}.",
        )
    ]


def _row(change: Change) -> str:
    ident = _code(change.ident)
    if change.old_ident:
        ident = f"{_code(change.old_ident)} → {ident}"
    liik = f"**{kind(change)}**" if change.substance else kind(change)
    return (
        f"| {ident} | {_escape(change.title)} | {STATUS[change.status]} | {liik} "
        f"| {_escape(parts(change))} |"
    )


def _group_row(diff: Diff, number: int, shared: Group) -> str:
    """A shared change's row: its cause stays readable when a shortened report drops the
    sections."""
    liik = "**sisuline**" if shared.substance else "muu"
    labels = ", ".join(shared.labels) or _unlabelled(shared)
    reach = f"{len(shared.positions)} ametikohta; põhjus: {cause_text(diff, shared)}"
    return f"| ühine muudatus {number} | {_escape(reach)} | muudetud | {liik} | {_escape(labels)} |"


def _group_section(diff: Diff, number: int, shared: Group) -> str:
    """A change many positions share, once: where it comes from, what changed and which
    positions it reaches."""
    liik = "sisuline" if shared.substance else "muu"
    labels = ", ".join(shared.labels) or _unlabelled(shared)
    listed = ", ".join(_code(ident) for ident in shared.positions)
    words = ["", "Muudetud sõnad:", "", *shared.items] if shared.items else []
    return "\n".join(
        [
            "",
            f"### Ühine muudatus {number}: {len(shared.positions)} ametikohta",
            "",
            f"Põhjus: {_escape(cause_text(diff, shared))}.",
            "",
            f"Sama muudatus igas neist; {liik}: {_escape(labels)}.",
            *words,
            "",
            f"<details><summary>Ametikohad ({len(shared.positions)})</summary>",
            "",
            listed,
            "",
            "</details>",
        ]
    )


def _unlabelled(shared: Group) -> str:
    """What a group changed when no part of the documents' content did: a template's words."""
    if shared.formatting:
        return "vormistus (Wordi mall)"
    if shared.cause is not None and shared.cause.kind == "template":
        return "malli sõnastus"
    return "vormistus (Markdowni mall)"


def _section(diff: Diff, change: Change, own: list[Item] | None = None) -> str:
    """A position's own changes (``own``: its changed lines that no shared change holds)."""
    out = ["", f"### {_code(change.ident)} — {_escape(change.title)}", ""]
    out += [f"{STATUS[change.status].capitalize()}; {kind(change)}: {_escape(parts(change))}."]
    lines = diff.lines(change)
    plain = [line.plain for line in lines]
    fence = "`" * max(
        3, 1 + max((len(run) for run in _BACKTICKS.findall("\n".join(plain))), default=0)
    )
    if len(lines) > 2:  # more than the file names: the Markdown changed
        out += ["", "<details><summary>Markdowni erinevus</summary>", "", f"{fence}diff"]
        out += plain
        out += [fence, "", "</details>"]
    if change.status in ("changed", "renamed"):
        words = _word_lines(lines) if own is None else [i.text for i in own if not i.word]
        if words:
            heading = "Muudetud sõnad:" if own is None else "Oma muudatused (peale ühiste):"
            out += ["", heading, "", *words]
    word = diff.word_lines(change)
    shown = _word_lines(word, str) if own is None else [i.text for i in own if i.word]
    if shown:
        assert change.new is not None
        layout = change.new.doc.layout
        out += ["", f"Wordi mall ({_code(layout)}) muudab allkirjastatava DOCX-i teksti:", ""]
        out += shown
    return "\n".join(out)


_BACKTICKS = re.compile(r"`+")


def _shortened(
    head: list[str], rows: list[str], sections: list[str], limit: int, full_at: str | None
) -> str:
    """``head``, then the rows and sections that fit in ``limit`` with the closing note."""
    where = f" Täielik võrdlus, DOCX-failid ja redline'id: {full_at}" if full_at else ""

    def note(rows_out: int, sections_out: int) -> str:
        parts = []
        if rows_out:
            parts.append(f"tabelist {rows_out} rida")
        if sections_out:
            parts.append(f"{sections_out} ametikoha erinevus")
        return f"\n\n**Lühendatud:** välja jäi {' ja '.join(parts)}.{where}\n"

    longest = note(len(rows), len(sections))
    room = limit - len(longest)
    text = "\n".join(head)
    kept_rows = 0
    for row in rows:
        if len(text) + 1 + len(row) > room:
            break
        text += "\n" + row
        kept_rows += 1
    kept_sections = 0
    if kept_rows == len(rows):
        for section in sections:
            if len(text) + 1 + len(section) > room:
                break
            text += "\n" + section
            kept_sections += 1
    return text + note(len(rows) - kept_rows, len(sections) - kept_sections)


Mark = Callable[[str, str], str]
"""How a word segment (kind, text) is shown."""


def _word_lines(
    lines: list[Line], to_text: Callable[[str], str] = plain, mark: Mark | None = None
) -> list[str]:
    """One item per changed line, as the reader sees it (``to_text``): deleted words struck out,
    inserted words underlined (Markdown; ``mark`` shows them otherwise); lines whose numbers
    alone changed in one item at the end."""
    return [item.text for item in _items(lines, to_text, mark)]


def _items(
    lines: list[Line], to_text: Callable[[str], str] = plain, mark: Mark | None = None
) -> list[Item]:
    """``_word_lines`` with the words each line lost and gained (for finding its cause)."""
    markdown = mark is None
    show = mark or _html_segment
    out = []
    shifted: list[str] = []
    for line in lines:
        if line.tag == "-" and line.partner is not None:
            old, new = to_text(line.text), to_text(line.partner)
            if old == new:
                continue
            numbers = number_changes(old, new)
            if numbers is not None:
                shifted += [f"{a} → {b}" for a, b in numbers]
                continue
            segments = inline(old, new)
            marked = "".join(show(kind, text) for kind, text in segments)
            shown = "- " + (escape_block_start(marked) if markdown else marked)
            out.append(Item(shown, tuple(segments)))
        elif line.tag in ("-", "+") and line.partner is None and to_text(line.text).strip():
            segment: Segment = ("-" if line.tag == "-" else "+", to_text(line.text))
            out.append(Item("- " + show(*segment), (segment,)))
    if shifted:
        listed = ", ".join(shifted)
        out.append(
            Item(
                "- numbrid nihkusid (tekst sama): "
                + (escape_inline(listed) if markdown else listed)
            )
        )
    return out


def _text_segment(kind: str, text: str) -> str:
    """A segment for the terminal: git's word-diff marks, coloured."""
    colour = {"-": "red", "+": "green"}.get(kind)
    return click.style(_bare_segment(kind, text), fg=colour) if colour else text


def _bare_segment(kind: str, text: str) -> str:
    """A segment as git's --word-diff=plain writes it."""
    return {"-": f"[-{text}-]", "+": f"{{+{text}+}}"}.get(kind, text)


def _html_segment(kind: str, text: str) -> str:
    escaped = escape_inline(text)
    if kind == "-":
        return f"<del>{escaped}</del>"
    if kind == "+":
        return f"<ins>{escaped}</ins>"
    return escaped


def _escape(text: str) -> str:
    """Inline Markdown showing ``text`` literally, on one line (the renderer's escaper)."""
    return escape_line(text.replace("\n", " "))


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


# --- text ---------------------------------------------------------------------------------------


def text(diff: Diff) -> str:
    """Plain text with ANSI colours (click.echo drops them when not on a terminal)."""
    out = [click.style(f"ametigen diff {diff.base.label} → {diff.head.label}", bold=True)]
    if no_change(diff):
        return "\n".join([*out, "Ametijuhendite tekst ei muutunud."]) + "\n"
    out.append(summary(diff))
    for template in diff.templates:
        out += ["", click.style(f"Wordi mall {template.path}", bold=True)]
        out += [f"  {sentence}" for sentence in template_sentences(template)]
    if diff.sources:
        out += ["", f"Muutunud ühised lähtefailid: {', '.join(diff.sources)}"]
    grouping = _grouping(diff, _text_segment)
    for number, shared in enumerate(grouping.groups, 1):
        title = f"Ühine muudatus {number}: {len(shared.positions)} ametikohta"
        labels = ", ".join(shared.labels) or _unlabelled(shared)
        out += ["", click.style(title, bold=True)]
        out.append(f"põhjus: {click.style(cause_text(diff, shared), fg='cyan')}")
        out.append(
            f"sama muudatus igas neist; {'SISULINE' if shared.substance else 'muu'}: {labels}"
        )
        out += [*shared.items, f"  ametikohad: {', '.join(shared.positions)}"]
    for change in diff.changes:
        if grouping.covered(change):
            continue
        name = f"{change.old_ident} → {change.ident}" if change.old_ident else change.ident
        mark = (
            click.style(kind(change).upper(), fg="red", bold=True)
            if change.substance
            else kind(change)
        )
        out += ["", click.style(f"{name} — {change.title}", bold=True)]
        out.append(f"{STATUS[change.status]}; {mark}: {parts(change)}")
        lines = diff.lines(change)
        out += [_styled(line) for line in lines] if len(lines) > 2 else []
        out += [_styled(line) for line in diff.word_lines(change)]
    return "\n".join(out) + "\n"


def _styled(line: Line) -> str:
    if line.tag == "@":
        return click.style(line.text, fg="cyan")
    if line.tag == " ":
        return " " + line.text
    colour = "red" if line.tag == "-" else "green"
    body = "".join(
        click.style(text, fg=colour, reverse=kind != "=") if line.partner is not None else text
        for kind, text in line.segments
    )
    return click.style(line.tag, fg=colour) + click.style(body, fg=colour)


# --- JSON ---------------------------------------------------------------------------------------


def as_json(diff: Diff) -> str:
    data: dict[str, Any] = {
        "base": diff.base.label,
        "head": diff.head.label,
        "base_commit": diff.base.commit,
        "head_commit": diff.head.commit,
        "summary": {status: sum(1 for c in diff.changes if c.status == status) for status in STATUS}
        | {"substance": sum(1 for c in diff.changes if c.substance)},
        "templates": [
            {
                "layout": t.layout,
                "path": t.path,
                "wording": list(t.wording),
                "formatting": list(t.formatting),
            }
            for t in diff.templates
        ],
        "sources": diff.sources,
        "groups": [
            {
                "positions": list(shared.positions),
                "fields": list(shared.fields),
                "labels": shared.labels,
                "substance": shared.substance,
                "lines": [item.removeprefix("- ") for item in shared.items],
                "cause": shared.cause.as_json() if shared.cause is not None else None,
                "cause_text": cause_text(diff, shared),
                "formatting": shared.formatting,
            }
            for shared in _grouping(diff, _bare_segment).groups
        ],
        "positions": [_change_json(diff, change) for change in diff.changes],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _change_json(diff: Diff, change: Change) -> dict[str, Any]:
    lines = diff.lines(change)
    word = diff.word_lines(change)
    return {
        "id": change.ident,
        "old_id": change.old_ident,
        "title": change.title,
        "status": change.status,
        "substance": change.substance,
        "fields": list(change.fields),
        "labels": change.labels,
        "diff": "\n".join(line.plain for line in lines) + "\n",
        "word_diff": "\n".join(line.plain for line in word) + "\n" if word else None,
        "words": [
            {"tag": line.tag, "segments": [list(s) for s in line.segments]}
            for line in lines
            if line.partner is not None
        ],
    }


FORMATS = {"markdown": markdown, "text": text, "json": as_json}

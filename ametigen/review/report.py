"""The diff as Markdown (a pull-request comment), coloured text (a terminal) or JSON."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import click

from ametigen.review.compare import Change
from ametigen.review.diff import Diff
from ametigen.review.words import Line, inline

STATUS = {
    "changed": "muudetud",
    "added": "lisatud",
    "removed": "eemaldatud",
    "renamed": "ümber nimetatud",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-.!|~>])")


def summary(diff: Diff) -> str:
    counts = {status: 0 for status in STATUS}
    for change in diff.changes:
        counts[change.status] += 1
    substance = sum(1 for change in diff.changes if change.substance)
    parts = ", ".join(f"{STATUS[status]} {count}" for status, count in counts.items())
    return f"Ametikohti {parts}; sisulisi muudatusi {substance}."


def kind(change: Change) -> str:
    if change.status in ("added", "removed"):
        return "uus ametijuhend" if change.status == "added" else "ametijuhend kaob"
    return "sisuline" if change.substance else "muu"


def parts(change: Change) -> str:
    return ", ".join(change.labels) or "vormistus (mall)"


# --- Markdown ----------------------------------------------------------------------------------


def markdown(diff: Diff) -> str:
    out = [f"## Ametijuhendite muudatused: {_code(diff.base)} → {_code(diff.head)}", ""]
    if not diff.changes:
        return "\n".join([*out, "Ametijuhendite tekst ei muutunud.", ""])
    out += [
        summary(diff),
        "Sisuline muudatus (eesmärk, ülesanded ja tulemused, nõuded) vajab uut kinnitamist "
        "ja teenistuja nõusolekut.",
        "",
        "| Ametikoht | Nimetus | Muudatus | Liik | Muutunud osad |",
        "|---|---|---|---|---|",
    ]
    for change in diff.changes:
        ident = _code(change.ident)
        if change.old_ident:
            ident = f"{_code(change.old_ident)} → {ident}"
        liik = f"**{kind(change)}**" if change.substance else kind(change)
        out.append(
            f"| {ident} | {_escape(change.title)} | {STATUS[change.status]} | {liik} "
            f"| {_escape(parts(change))} |"
        )
    for change in diff.changes:
        out += ["", f"### {_code(change.ident)} — {_escape(change.title)}", ""]
        out += [f"{STATUS[change.status].capitalize()}; {kind(change)}: {_escape(parts(change))}."]
        lines = diff.lines(change)
        out += ["", "<details><summary>Markdowni erinevus</summary>", "", "```diff"]
        out += [line.plain for line in lines]
        out += ["```", "", "</details>"]
        if change.status in ("changed", "renamed"):
            words = _word_lines(lines)
            if words:
                out += ["", "Muudetud sõnad:", "", *words]
    return "\n".join(out) + "\n"


def _word_lines(lines: list[Line]) -> list[str]:
    """One list item per changed line: deleted words struck out, inserted words underlined."""
    out = []
    for line in lines:
        if line.tag == "-" and line.partner is not None:
            segments = inline(line.text, line.partner)
            out.append("- " + "".join(_html_segment(kind, text) for kind, text in segments))
        elif line.tag in ("-", "+") and line.partner is None:
            out.append("- " + _html_segment(line.tag, line.text))
    return out


def _html_segment(kind: str, text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    if kind == "-":
        return f"<del>{escaped}</del>"
    if kind == "+":
        return f"<ins>{escaped}</ins>"
    return escaped


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


# --- text ---------------------------------------------------------------------------------------


def text(diff: Diff) -> str:
    """Plain text with ANSI colours (click.echo drops them when not on a terminal)."""
    out = [click.style(f"ametigen diff {diff.base} → {diff.head}", bold=True)]
    if not diff.changes:
        return "\n".join([*out, "Ametijuhendite tekst ei muutunud."]) + "\n"
    out.append(summary(diff))
    for change in diff.changes:
        name = f"{change.old_ident} → {change.ident}" if change.old_ident else change.ident
        mark = (
            click.style(kind(change).upper(), fg="red", bold=True)
            if change.substance
            else kind(change)
        )
        out += ["", click.style(f"{name} — {change.title}", bold=True)]
        out.append(f"{STATUS[change.status]}; {mark}: {parts(change)}")
        out += [_styled(line) for line in diff.lines(change)]
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
        "base": diff.base,
        "head": diff.head,
        "summary": {status: sum(1 for c in diff.changes if c.status == status) for status in STATUS}
        | {"substance": sum(1 for c in diff.changes if c.substance)},
        "positions": [_change_json(diff, change) for change in diff.changes],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _change_json(diff: Diff, change: Change) -> dict[str, Any]:
    lines = diff.lines(change)
    return {
        "id": change.ident,
        "old_id": change.old_ident,
        "title": change.title,
        "status": change.status,
        "substance": change.substance,
        "fields": list(change.fields),
        "labels": change.labels,
        "diff": "\n".join(line.plain for line in lines) + "\n",
        "words": [
            {"tag": line.tag, "segments": [list(s) for s in line.segments]}
            for line in lines
            if line.partner is not None
        ],
    }


FORMATS = {"markdown": markdown, "text": text, "json": as_json}

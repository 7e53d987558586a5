"""Stamping: the register's number and date written into the annexed positions' YAML.

Only the lines of the top-level ``kinnitatud:`` entry change (found by the loader's line
marks); every other byte of the file — comments, order, quoting, line endings, a BOM — stays
as it was. Where a file has no ``kinnitatud``, the entry is inserted before its first key. The
result is loaded again and must equal the old data with only ``kinnitatud`` replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from ametigen.dates import numeric
from ametigen.errors import AmetigenError
from ametigen.load.project import POSITIONS
from ametigen.load.yamlfile import load_yaml_text
from ametigen.order.plan import Draft
from ametigen.review.revision import WORKING_TREE, uncommitted
from ametigen.write import Staged, stage

KEY = "kinnitatud"


class StampError(AmetigenError):
    """The positions cannot be stamped as asked."""


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def approval_lines(
    date: dt.date, number: str, annex: str | None, approver: str | None
) -> list[str]:
    """The entry's value lines, without indentation: kuupäev, käskkiri, lisa (, kinnitaja)."""
    lines = [f"kuupäev: {numeric(date)}", f"käskkiri: {quoted(number)}"]
    if annex is not None:
        lines.append(f"lisa: {quoted(annex)}")
    if approver is not None:
        lines.append(f"kinnitaja: {quoted(approver)}")
    return lines


def stamp_text(text: str, path: Path, values: list[str]) -> str:
    """``text`` (a position file) with its ``kinnitatud`` entry made of ``values``."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom)
    loaded = load_yaml_text(body, path)
    data, marks = loaded.data, loaded.marks
    if not isinstance(data, dict) or not data:
        raise StampError(f"{path}: faili sisu peab olema väljad kujul „võti: väärtus“")
    lines = body.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    key_lines = {key: marks[(key,)].line - 1 for key in data}
    if len(set(key_lines.values())) != len(key_lines) or any(
        marks[(key,)].column != 1 for key in data
    ):
        raise StampError(f"{path}: iga võti peab olema oma real, rea alguses; paranda fail käsitsi")

    if KEY in data:
        start = key_lines[KEY]
        end = min((line for line in key_lines.values() if line > start), default=len(lines))
        while end - 1 > start and (
            not lines[end - 1].strip() or lines[end - 1].lstrip()[:1] == "#"
        ):
            end -= 1  # blank lines and comments before the next key stay
        rest = lines[start].split(":", 1)[1] if ":" in lines[start] else ""
        comment = rest.rstrip("\r\n") if rest.strip().startswith("#") else ""
        indent = 2
        value = data[KEY]
        if isinstance(value, dict) and value:
            first = min(marks[(KEY, sub)] for sub in value)
            if first.line - 1 > start:
                indent = first.column - 1
    else:
        start = end = min(key_lines.values())
        comment, indent = "", 2
    block = [f"{KEY}:{comment}{newline}"] + [f"{' ' * indent}{v}{newline}" for v in values]
    if end == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline  # the entry was the last line of a file without a final newline
    result = bom + "".join(lines[:start] + block + lines[end:])

    check = load_yaml_text(result.removeprefix(bom), path).data
    others = {key: value for key, value in data.items() if key != KEY}
    if {key: value for key, value in check.items() if key != KEY} != others or check.get(
        KEY
    ) != load_yaml_text("".join(block), path).data.get(KEY):
        raise StampError(f"{path}: kinnitust ei saa kirjutada ilma muud muutmata")
    return result


def stamp(project: Path, draft: Draft) -> list[Path]:
    """Write the order's number and date into each annexed position; the files written.

    Refused when the working tree has uncommitted changes, when the order lacks its number or
    date, when the order was drafted from a revision rather than the working tree, and when a
    position outside the order already carries this order's number and date.
    """
    order = draft.order
    if order.number is None or order.date is None:
        raise StampError("kinnitamiseks on vaja käskkirja numbrit ja kuupäeva: --nr ja --date")
    if draft.head_label != WORKING_TREE:
        raise StampError("kinnitus kirjutatakse tööpuusse: jäta HEAD-versioon ära")
    if uncommitted(project):
        raise StampError(
            "tööpuus on salvestamata muudatusi (git status); salvesta (commit) või tühista "
            "need enne kinnitamist, et kinnitus oleks eraldi muudatus"
        )
    annexed = {annex.id for annex in order.annexes}
    for ident, position in draft.head.positions.items():
        approval = position.doc.approval
        if (
            ident not in annexed
            and approval is not None
            and (approval.date, approval.order) == (order.date, order.number)
        ):
            raise StampError(
                f"{POSITIONS}/{ident}.yaml ei ole selle käskkirja lisa, kuid kannab juba "
                f"käskkirja nr {order.number} ({numeric(order.date)}) kinnitust"
            )
    approver = order.approver if order.approver != draft.org_approver else None
    written = []
    with Staged() as staged:
        for annex in order.annexes:
            path = project / POSITIONS / f"{annex.id}.yaml"
            number = None if order.kind == "amendment" else str(annex.number)
            values = approval_lines(order.date, order.number, number, approver)
            text = path.read_bytes().decode("utf-8")
            relative = Path(POSITIONS, f"{annex.id}.yaml")
            temporary = stage(path, stamp_text(text, relative, values).encode("utf-8"))
            if temporary is not None:
                os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))  # keep the file's mode
                staged.adopt(temporary, path)
                written.append(relative)
    return written

"""Which job descriptions an order approves and which earlier annexes it repeals.

The project is read at BASE and at HEAD (a revision, or the working tree) and compared the way
``ametigen diff`` compares it: a position whose text changed or that was added becomes an
annex; the BASE version of a changed, renamed or removed position that carried ``kinnitatud``
data (an earlier order's date or number) is repealed. A position whose only change is its
KINNITATUD header (a stamp) is not approved again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ametigen.errors import AmetigenError
from ametigen.load.project import position_id
from ametigen.order import document as o
from ametigen.resolve.document import Approval, Document
from ametigen.review.compare import Change, compare
from ametigen.review.diff import load_both
from ametigen.review.revision import commit_id, revisions, uncommitted
from ametigen.review.snapshot import Snapshot
from ametigen.schema import OrderDefaults, Organisation

if TYPE_CHECKING:
    from ametigen.order.templates import OrderTemplates

STAMP_FIELDS = frozenset({"approval", "approver"})
"""Parts of a document that a stamp changes: a change of only these is no new version."""

ALPHABET = "abcdefghijklmnopqrsšzžtuvwõäöüxy"
"""The Estonian alphabet, in its order (š after s, ž after z, õäöü after w)."""


class OrderError(AmetigenError):
    """The order cannot be drafted as asked (nothing changed, a wrong order file …)."""


@dataclass(frozen=True)
class Options:
    """Per-order details; None takes the default from ametigen.yaml."""

    number: str | None = None
    date: dt.date | None = None
    title: str | None = None
    approver: str | None = None
    signer: o.Signer | None = None
    legal_basis: str | None = None
    place: str | None = None
    in_force: str | None = None
    in_force_date: dt.date | None = None
    amendment: bool = False
    listing: Sequence[str] | None = None
    """Position ids (or file paths) in the annexes' order, from --order-file."""


@dataclass
class Draft:
    """An order and what its annexes are made from."""

    order: o.Order
    head: Snapshot
    base_label: str
    head_label: str
    templates: OrderTemplates
    base_commit: str
    head_commit: str
    head_dirty: bool
    """HEAD is the working tree and it differs from its last commit."""
    org_approver: str | None
    """The approver's words ametigen.yaml gives every KINNITATUD header."""

    def annex_document(self, annex: o.Annex) -> Document:
        """The annex's document with the KINNITATUD header of this order."""
        doc = self.head.positions[annex.id].doc
        order = self.order
        number = None if order.kind == "amendment" else str(annex.number)
        approval = Approval(order.date, order.number, number)
        return dataclasses.replace(doc, approval=approval, approver=order.approver)


def estonian_key(text: str) -> tuple[tuple[int, int], ...]:
    """Sort key in Estonian alphabetical order, case ignored; digits and spaces first."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return tuple((1, ALPHABET.index(c)) if c in ALPHABET else (0, ord(c)) for c in folded)


def lower_first(title: str) -> str:
    """„Ekspert“ → „ekspert“; an abbreviation („IT-juht“, „KOV-i nõustaja“) stays as it is."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def file_name(number: int | None, title: str) -> str:
    """„Lisa 1 - Ekspert“: a name the document register and every file system accept."""
    safe = _UNSAFE.sub("-", unicodedata.normalize("NFC", title)).strip(" .-") or "ametijuhend"
    return f"Lisa {number} - {safe[:100]}" if number else f"Lisa - {safe[:100]}"


def read_organisation(folder: Path) -> Organisation:
    from ametigen.errors import SourceErrors
    from ametigen.load import project

    reader = project.Reader(folder)
    _, org = project.read_organisation(reader, folder)
    if org is None:
        raise SourceErrors(reader.problems)
    return org


def annexed(changes: Sequence[Change]) -> list[Change]:
    """Changes that make a new version: added, renamed, or changed beyond a stamp."""
    return [
        change
        for change in changes
        if change.status in ("added", "renamed")
        or (change.status == "changed" and not set(change.fields) <= STAMP_FIELDS)
        or (change.status == "changed" and not change.fields)
    ]


def arrange(changes: list[Change], listing: Sequence[str] | None, root: Path) -> list[Change]:
    """The annexes in order: as listed, or by unit, then title, then id."""
    if listing is None:
        return sorted(
            changes,
            key=lambda c: (
                estonian_key(c.new.doc.unit if c.new else ""),
                estonian_key(c.title),
                c.ident,
            ),
        )
    by_id = {change.ident: change for change in changes}
    wanted = [position_id(name, root) for name in listing]
    seen: set[str] = set()
    problems = []
    for ident in wanted:
        if ident in seen:
            problems.append(f"„{ident}“ on loetelus mitu korda")
        elif ident not in by_id:
            problems.append(f"„{ident}“ ei ole selle käskkirja lisa (ei ole muutunud ega uus)")
        seen.add(ident)
    missing = [ident for ident in by_id if ident not in seen]
    problems += [f"„{ident}“ on käskkirja lisa, kuid loetelus puudub" for ident in missing]
    if problems:
        raise OrderError("lisade järjekorra fail: " + "; ".join(problems))
    return [by_id[ident] for ident in wanted]


def repeals(changes: Sequence[Change]) -> tuple[o.Repeal, ...]:
    """Earlier orders' annexes that the new versions (or removals) replace, by order."""
    groups: dict[tuple[str | None, dt.date | None, str | None], list[o.Repealed]] = {}
    for change in changes:
        if change.old is None:
            continue
        doc = change.old.doc
        approval = doc.approval
        if approval is None or (approval.date is None and approval.order is None):
            continue
        key = (doc.approver, approval.date, approval.order)
        removed = change.status == "removed"
        old_id = change.old_ident or change.ident
        groups.setdefault(key, []).append(o.Repealed(old_id, doc.title, approval.annex, removed))
    return tuple(
        o.Repeal(approver, date, number, tuple(sorted(items, key=_annex_key)))
        for (approver, date, number), items in sorted(groups.items(), key=_order_key)
    )


def _annex_key(item: o.Repealed) -> tuple[int, str, str]:
    annex = item.annex or ""
    return (int(annex) if annex.isdigit() else 10**9, annex, item.id)


def _order_key(
    entry: tuple[tuple[str | None, dt.date | None, str | None], list[o.Repealed]],
) -> tuple[dt.date, str, str]:
    (approver, date, number), _ = entry
    return (date or dt.date.min, number or "", approver or "")


def make_order(
    changes: Sequence[Change], org: Organisation, options: Options, root: Path
) -> o.Order:
    """The order for ``changes`` (BASE → HEAD), with ``options`` over ametigen.yaml."""
    defaults: OrderDefaults = org.order
    chosen = arrange(annexed(changes), options.listing, root)
    if not chosen:
        raise OrderError(
            "ükski ametijuhend ei ole muutunud ega lisandunud: käskkirjal ei oleks ühtegi lisa"
        )
    gone = [c for c in changes if c.status in ("removed", "renamed") or c in chosen]
    kind: o.Kind = "amendment" if options.amendment else "approval"
    if kind == "amendment" and (len(chosen) != 1 or chosen[0].status != "changed"):
        raise OrderError(
            "muutmise käskkirjal on üks lisa: üks muudetud (mitte uus) ametijuhend; "
            f"muutunud on {len(chosen)}"
        )
    annexes = []
    for number, change in enumerate(chosen, start=1):
        assert change.new is not None
        doc = change.new.doc
        shown = None if kind == "amendment" else number
        annexes.append(
            o.Annex(
                number=number,
                id=change.ident,
                title=doc.title,
                name=lower_first(doc.title) if defaults.lower_case_titles else doc.title,
                unit=doc.unit,
                unit_genitive=defaults.unit_genitive.get(doc.unit),
                new=change.status == "added",
                file=file_name(shown, doc.title),
            )
        )
    signer = options.signer
    if signer is None and defaults.signer is not None:
        s = defaults.signer
        signer = o.Signer(s.name, s.title, s.acting, s.mandate)
    return o.Order(
        kind=kind,
        title=options.title
        or (defaults.amendment_title if kind == "amendment" else defaults.title),
        agency=org.agency,
        approver=options.approver or defaults.approver or org.approver,
        place=options.place or defaults.place,
        date=options.date,
        number=options.number,
        legal_basis=options.legal_basis or defaults.legal_basis,
        signer=signer,
        entry_into_force=options.in_force or defaults.entry_into_force,
        in_force_date=options.in_force_date,
        appeal=defaults.appeal,
        annexes=tuple(annexes),
        repeals=repeals(gone),
    )


def draft(project: Path, base: str, head: str | None, options: Options) -> Draft:
    """The order for what changed from ``base`` to ``head`` (None: the working tree).

    ``base`` may name both sides as ``ametigen diff`` takes them (``A...B``, ``A..B``).
    """
    from ametigen.order.templates import OrderTemplates

    old_side, new_side = revisions(project, base, head)
    old, new = load_both(project, old_side, new_side)  # each copy lives with its snapshot
    org = read_organisation(new.root)
    templates = OrderTemplates.load(new.root)
    order = make_order(compare(old, new).changes, org, options, project.resolve())
    assert old_side.commit is not None  # BASE is always a revision
    return Draft(
        order=order,
        head=new,
        templates=templates,
        base_label=old_side.label,
        head_label=new_side.label,
        base_commit=old_side.commit,
        head_commit=new_side.commit or commit_id(project, "HEAD"),
        head_dirty=new_side.commit is None and uncommitted(project),
        org_approver=org.approver,
    )

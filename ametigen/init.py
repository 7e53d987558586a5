"""``ametigen init``: a complete project for a new agency, from what ships inside the package.

As ``copier copy`` does, it copies a template tree into a new folder and fills in the answers
(the agency, the approver, the layout). The layouts, macros and the approval order's
templates are the ones this repository keeps under templates/ (setuptools ships them as
``ametigen/layouts``, ``ametigen/macros`` and ``ametigen/order_templates``, the CI examples of
docs/ci as ``ametigen/ci``); the neutral layout, example blocks, example
position and project files are in ametigen/starter/. Nothing else is copied: a new agency gets
no text of another.
"""

from __future__ import annotations

import json
from pathlib import Path

from ametigen.errors import AmetigenError
from ametigen.load.project import LAYOUTS, ORG_FILE
from ametigen.write import Staged

PACKAGE = Path(__file__).resolve().parent
STARTER = PACKAGE / "starter"
DEFAULT_LAYOUT = "lihtne"

_CHECKOUT = {
    "layouts": ("templates", "layouts"),
    "macros": ("templates", "macros"),
    "order_templates": ("templates", "order"),
    "ci": ("docs", "ci"),
}
"""Where a shipped folder is in a checkout of the repository (an editable install)."""


class InitError(AmetigenError):
    exit_code = 2


def shipped(name: str) -> Path:
    """A folder shipped with ametigen (``layouts``, ``macros``, ``order_templates``, ``ci``):
    inside the installed package, or in the repository when ametigen runs from a checkout."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent.joinpath(*_CHECKOUT[name])


def shipped_layouts() -> dict[str, Path]:
    """Layout name → its folder, for every layout ``init`` can copy."""
    found = {}
    for base in (shipped("layouts"), STARTER / "layouts"):
        for spec in sorted(base.glob("*/layout.yaml")):
            found[spec.parent.name] = spec.parent
    return dict(sorted(found.items()))


def organisation_file(agency: str, approver: str | None, layout: str) -> str:
    """The text of the new project's ametigen.yaml."""

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string

    approver_line = (
        f"kinnitaja: {quoted(approver)}"
        if approver
        else '# kinnitaja: "…"    # KINNITATUD päise sõnad kuupäeva ees, nt „Ameti peadirektori“'
    )
    return "\n".join(
        [
            "# Asutuse andmed ja vaikeväärtused, mis kehtivad kõigile ametijuhenditele.",
            f"asutus: {quoted(agency)}",
            approver_line,
            "vaikimisi:",
            f"  kujundus: {layout}",
            "  õigused: {plokk: oigused}",
            "  vastutus: {plokk: vastutus}",
            "  muutmine:",
            "    - plokk: tekstid.ulevaatamine",
            "  # allkirjastaja: {nimi: Eesnimi Perenimi, ametikoht: Direktor}",
            "",
        ]
    )


def project_files(agency: str, approver: str | None, layout: str) -> dict[Path, bytes]:
    """Every file of the new project: relative path → content."""
    layouts = shipped_layouts()
    if layout not in layouts:
        raise InitError(f"kujundust „{layout}“ ei ole kaasas; vali üks neist: {', '.join(layouts)}")
    files = {Path(ORG_FILE): organisation_file(agency, approver, layout).encode("utf-8")}
    files |= _tree(layouts[layout], LAYOUTS / layout)
    files |= _tree(shipped("macros"), Path("templates", "macros"))
    files |= _tree(shipped("order_templates"), Path("templates", "order"))
    files |= _tree(shipped("ci"), Path("ci"))
    for path, data in _tree(STARTER, Path()).items():
        if path.parts[0] != "layouts":
            files[path.with_name(_dotted(path.name))] = data
    return files


def _dotted(name: str) -> str:
    """``dot-gitignore`` → ``.gitignore``: dot files ship under a visible name."""
    return "." + name.removeprefix("dot-") if name.startswith("dot-") else name


def _tree(folder: Path, to: Path) -> dict[Path, bytes]:
    return {
        to / path.relative_to(folder): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith("__") for part in path.parts)
    }


def init_project(target: Path, agency: str, approver: str | None, layout: str) -> list[Path]:
    """Create the project in ``target`` (new or empty); returns the files written."""
    agency = agency.strip()
    if not agency:
        raise InitError('asutuse nimi on tühi; anna see nii: --asutus "Asutuse nimi"')
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(
            f"{target}: kaust ei ole tühi; ametigen init loob uue projekti uude või tühja kausta"
        )
    files = project_files(agency, (approver or "").strip() or None, layout)
    with Staged() as staged:  # all files or none
        for path, data in files.items():
            staged.add(target / path, data)
    return [target / path for path in files]

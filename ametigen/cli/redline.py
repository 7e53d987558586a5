"""ametigen redline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ametigen.cli import in_project, project, run


@click.command("redline")
@click.argument("base")
@click.argument("positions", nargs=-1)
@click.option(
    "--author",
    default=None,
    help="Author of the changes (default: of the newest non-merge commit from BASE).",
)
@click.option(
    "--date",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]),
    default=None,
    help="Date of the changes, e.g. 2024-12-13 (default: of that commit).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write into OUT instead of build/redline/ (and remove nothing there).",
)
@click.pass_context
def command(
    ctx: click.Context,
    base: str,
    positions: tuple[str, ...],
    author: str | None,
    date: dt.datetime | None,
    out: Path | None,
) -> None:
    """Write build/redline/ID.docx with Word tracked changes against BASE for each changed
    position (or for the POSITIONS named).

    BASE is a git revision (e.g. main, the last signed tag); the document is the working
    tree's. `A...B` writes B's documents against the merge base of A and B (what a pull
    request adds), `A..B` B's against A. Accepting all changes in Word gives the new text,
    rejecting all the BASE text.
    """
    from ametigen.review.redline import redline

    result = run(
        lambda: redline(
            project(ctx),
            base,
            positions=positions,
            author=author,
            date=date,
            out=in_project(ctx, out),
        ),
        writes=True,
    )
    for warning in result.warnings:
        click.echo(f"ametigen: hoiatus: {warning}", err=True)
    for path in result.written:
        click.echo(str(path))
    if result.summary is not None:
        click.echo(str(result.summary))
    click.echo(
        f"ametigen: {len(result.written)} kirjutatud, {len(result.unchanged)} muutmata"
        + (f", {len(result.removed)} eemaldatud" if result.removed else ""),
        err=True,
    )

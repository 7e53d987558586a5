"""ametigen build."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from ametigen.cli import in_project, project, quiet_progress, report, run


def progress(items: Iterable[str]) -> Iterable[str]:
    """A progress bar over the documents being rendered, on a terminal only (not in CI)."""
    if quiet_progress():
        return items
    return _bar(list(items))


def _bar(items: list[str]) -> Iterator[str]:
    with click.progressbar(items, label="ametigen", file=sys.stderr) as bar:
        yield from bar


@click.command("build")
@click.argument("positions", nargs=-1)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write into OUT instead of the project's build/ folder.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--source-date-epoch",
    "epoch",
    type=click.IntRange(0, 253402300799),  # up to 9999-12-31
    envvar="SOURCE_DATE_EPOCH",
    default=None,
    help="Date for DOCX properties of documents without an approval date "
    "(seconds since 1970; default: $SOURCE_DATE_EPOCH, else no date).",
)
@click.pass_context
def command(
    ctx: click.Context,
    positions: tuple[str, ...],
    out: Path | None,
    strict: bool,
    epoch: int | None,
) -> None:
    """Build DOCX and Markdown of all positions, or of the POSITIONS named.

    A position is named by its id (its path under positions/ without .yaml) or by its file.
    Output goes to build/docx/ID.docx and build/md/ID.md. Unchanged documents are not
    rendered again; outputs of deleted positions are removed.
    """
    from ametigen.build import build

    result = run(
        lambda: build(
            project(ctx),
            positions=positions,
            out=in_project(ctx, out),
            epoch=epoch,
            strict=strict,
            progress=progress,
        ),
        writes=True,
    )
    report(result.warnings)
    click.echo(
        f"ametigen: {len(result.built)} ehitatud, {len(result.unchanged)} muutmata"
        + (f", {len(result.removed)} vana faili eemaldatud" if result.removed else ""),
        err=True,
    )

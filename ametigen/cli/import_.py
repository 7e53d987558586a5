"""ametigen import."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ametigen.cli import in_project, project, run


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--layout", "-l", default=None, help="Layout of the files (default: detected).")
@click.option(
    "--id", "ident", default=None, help="Position id (one file only; default: file name)."
)
@click.option("--force", is_flag=True, help="Overwrite a position file that exists.")
@click.pass_context
def command(
    ctx: click.Context, files: tuple[Path, ...], layout: str | None, ident: str | None, force: bool
) -> None:
    """Import job descriptions (.docx, .pdf, .txt) as positions/ID.yaml.

    Prints per file the layout, the fields and blocks found, what was not placed (kept as a
    comment at the end of the file) and the share of words the rebuilt document keeps.
    """
    from ametigen.importer.report import describe
    from ametigen.importer.run import import_files

    paths = [in_project(ctx, path) or path for path in files]
    reports = run(
        lambda: import_files(project(ctx), paths, layout=layout, ident=ident, force=force)
    )
    for report in reports:
        click.echo(describe(report))
    unbuilt = [report for report in reports if report.fidelity is None]
    if unbuilt:
        names = ", ".join(f"positions/{report.ident}.yaml" for report in unbuilt)
        click.echo(
            f"ametigen: {len(unbuilt)} faili kirjutati, kuid neist ei saa veel dokumenti "
            f"ehitada ({names}): täienda neid ja käivita ametigen check",
            err=True,
        )
        sys.exit(1)

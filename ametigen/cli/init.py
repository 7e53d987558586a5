"""ametigen init."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ametigen.cli import in_project, run


def interactive() -> bool:
    """Whether questions can be asked: someone types at a terminal."""
    return sys.stdin.isatty()


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--asutus", "agency", default=None, help="The agency's name (asked if not given).")
@click.option(
    "--kinnitaja",
    "approver",
    default=None,
    help='Words before the date in the KINNITATUD header, e.g. "Ameti peadirektori".',
)
@click.option(
    "--layout",
    "-l",
    default=None,
    help="Layout to copy: lihtne (default), teenistuskoht, nummerdatud.",
)
@click.pass_context
def command(
    ctx: click.Context,
    directory: Path,
    agency: str | None,
    approver: str | None,
    layout: str | None,
) -> None:
    """Create a project for a new agency in DIRECTORY (new or empty).

    It gets ametigen.yaml, one layout with the shared macros, example blocks and an example
    position in neutral words, a Makefile, .gitignore, .gitattributes, a pre-commit
    configuration, CI examples and a short README in Estonian. On a terminal, what the options
    do not give is asked.
    """
    from ametigen.init import DEFAULT_LAYOUT, init_project

    asking = interactive()
    if agency is None:
        if not asking:
            raise click.UsageError('anna asutuse nimi: --asutus "Asutuse nimi"')
        agency = click.prompt("Asutuse nimi")
    if approver is None and asking:
        approver = click.prompt(
            "KINNITATUD päise sõnad kuupäeva ees (nt „Ameti peadirektori“; tühi: hiljem)",
            default="",
            show_default=False,
        )
    target = in_project(ctx, directory)
    assert target is not None
    written = run(lambda: init_project(target, agency, approver, layout or DEFAULT_LAYOUT))
    click.echo(f"ametigen: uus projekt kaustas {target} ({len(written)} faili)", err=True)
    click.echo(f"Edasi: cd {directory}; git init; ametigen new uksus/ametikoht; make", err=True)

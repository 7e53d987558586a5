"""ametigen new."""

from __future__ import annotations

import click

from ametigen.cli import project, run


@click.command("new")
@click.argument("ident", metavar="ID")
@click.option("--layout", "-l", default=None, help="Layout (default: the organisation's).")
@click.pass_context
def command(ctx: click.Context, ident: str, layout: str | None) -> None:
    """Create positions/ID.yaml with every field of the layout, described in comments."""
    from ametigen.scaffold import new_position

    path = run(lambda: new_position(project(ctx), ident, layout), writes=True)
    click.echo(str(path))

"""ametigen list."""

from __future__ import annotations

import click

from ametigen.cli import project, run


@click.command("list")
@click.pass_context
def command(ctx: click.Context) -> None:
    """List positions: id, layout, unit and title, one a line, tab-separated."""
    from ametigen.pipeline import resolve

    resolved = run(lambda: resolve(project(ctx)))
    for ident, doc in resolved.documents.items():
        click.echo("\t".join((ident, doc.layout, doc.unit, doc.title)))

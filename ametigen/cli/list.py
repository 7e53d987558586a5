"""ametigen list."""

from __future__ import annotations

import click

from ametigen.cli import project, run


def one_line(text: str) -> str:
    """A field on one line of one column: every run of spaces, tabs and line breaks → a space."""
    return " ".join(text.split())


@click.command("list")
@click.pass_context
def command(ctx: click.Context) -> None:
    """List positions: id, layout, unit and title, one a line, tab-separated.

    A field's line breaks and tabs are shown as spaces, so each position is exactly one line.
    """
    from ametigen.pipeline import resolve

    resolved = run(lambda: resolve(project(ctx)))
    for ident, doc in resolved.documents.items():
        click.echo("\t".join(one_line(field) for field in (ident, doc.layout, doc.unit, doc.title)))

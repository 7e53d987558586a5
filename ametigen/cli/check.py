"""ametigen check."""

from __future__ import annotations

import click

from ametigen.cli import project, report, run


@click.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")
@click.pass_context
def command(ctx: click.Context, strict: bool) -> None:
    """Load and validate every source and template; write no documents.

    Prepared templates are kept in build/.ametigen-cache, as a build keeps them.

    Reports every problem of every file at once as PATH:LINE:COL: FIELD: MESSAGE.
    """
    from ametigen.pipeline import check

    resolved = run(lambda: check(project(ctx), strict=strict))
    report(resolved.problems)
    click.echo(f"ametigen: {len(resolved.documents)} ametijuhendit korras", err=True)

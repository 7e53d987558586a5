"""ametigen check."""

from __future__ import annotations

import click

from ametigen.cli import project, report, run


@click.command("check")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")
@click.pass_context
def command(ctx: click.Context, strict: bool) -> None:
    """Load and validate every source and template; write no documents.

    Like a build, a check reads again only what changed since the last check or build
    (build/.ametigen-check.json, build/.ametigen-state.json); prepared templates are kept in
    build/.ametigen-cache.

    Reports every problem of every file at once as PATH:LINE:COL: FIELD: MESSAGE.
    """
    from ametigen.check import check

    checked = run(lambda: check(project(ctx), strict=strict))
    report(checked.problems)
    click.echo(f"ametigen: {checked.positions} ametijuhendit korras", err=True)

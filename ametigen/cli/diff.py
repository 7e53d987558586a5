"""ametigen diff."""

from __future__ import annotations

import sys

import click

from ametigen.cli import project, run


@click.command("diff")
@click.argument("base", required=False, default="HEAD")
@click.argument("head", required=False, default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json"]),
    default=None,
    help="Output format (default: text on a terminal, else markdown).",
)
@click.pass_context
def command(ctx: click.Context, base: str, head: str | None, fmt: str | None) -> None:
    """Show the effective text changes of every position from BASE to HEAD.

    BASE and HEAD are git revisions (a branch, tag or commit); HEAD defaults to the working
    tree and BASE to HEAD, so a bare `ametigen diff` shows uncommitted changes. Both
    revisions are built with their own blocks and templates; each changed position gets a
    unified diff of its Markdown and is classified as a substance change (purpose, tasks and
    results, requirements) or another change.
    """
    from ametigen.review.diff import diff
    from ametigen.review.report import FORMATS

    result = run(lambda: diff(project(ctx), base, head))
    chosen = fmt or ("text" if sys.stdout.isatty() else "markdown")
    click.echo(FORMATS[chosen](result), nl=False)

"""ametigen blocks."""

from __future__ import annotations

import json

import click

from ametigen.cli import project, run


@click.command("blocks")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of Markdown.")
@click.pass_context
def command(ctx: click.Context, as_json: bool) -> None:
    """Report shared wording: texts in three or more positions that no block holds (with a
    proposed block item), and plain texts that are near-copies (90 % of words) of a block
    item, with the words that differ."""
    from ametigen.review.sharedtext import markdown, shared_text

    report = run(lambda: shared_text(project(ctx)))
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(markdown(report), nl=False)

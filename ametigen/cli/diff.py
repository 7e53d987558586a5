"""ametigen diff."""

from __future__ import annotations

import sys

import click

from ametigen.cli import project, run

COLOR = {"auto": None, "always": True, "never": False}


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
@click.option(
    "--color",
    type=click.Choice(list(COLOR)),
    default="auto",
    show_default=True,
    help="Colour the text format: on a terminal (auto), always or never.",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit with 1 when a position changed in substance, else 0 (as git diff --exit-code).",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1000),
    default=None,
    help="Markdown: at most this many characters (a pull-request comment); the summary is "
    "always kept, and the end says what was left out.",
)
@click.option(
    "--full-at",
    metavar="TEXT",
    default=None,
    help="Markdown with --max-chars: where the full report and documents are (a link).",
)
@click.pass_context
def command(
    ctx: click.Context,
    base: str,
    head: str | None,
    fmt: str | None,
    color: str,
    exit_code: bool,
    max_chars: int | None,
    full_at: str | None,
) -> None:
    """Show the effective text changes of every position from BASE to HEAD.

    BASE and HEAD are git revisions (a branch, tag or commit); HEAD defaults to the working
    tree and BASE to HEAD, so a bare `ametigen diff` shows uncommitted changes. As in git,
    `A...B` compares B with the merge base of A and B (what a pull request adds), and `A..B`
    is A against B. Both revisions are built with their own blocks and templates; each
    changed position gets a unified diff of its Markdown and is classified as a substance
    change (purpose, tasks and results, requirements) or another change. A change
    that several positions share is shown once, under its cause: a block item, an
    organisation setting, a referenced title or a template.
    """
    from ametigen.collector import collector_paused, settle, settling
    from ametigen.review.diff import diff
    from ametigen.review.report import FORMATS, markdown

    with settling():
        with collector_paused():  # set aside before the collector could scan it all once more
            result = run(lambda: diff(project(ctx), base, head))
            settle()  # kept to the end: not scanned while the report is made
        chosen = fmt or ("text" if sys.stdout.isatty() else "markdown")
        if chosen == "markdown":
            output = markdown(result, max_chars, full_at)
        else:
            output = FORMATS[chosen](result)
    click.echo(output, nl=False, color=COLOR[color])
    if exit_code and result.substance:
        sys.exit(1)

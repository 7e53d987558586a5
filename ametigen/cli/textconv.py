"""ametigen textconv."""

from __future__ import annotations

from pathlib import Path

import click

from ametigen.cli import project, run


@click.command("textconv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--install",
    is_flag=True,
    help="Set up git (this clone) to show .docx files as text in git diff, log -p and show.",
)
@click.option(
    "--global", "everywhere", is_flag=True, help="With --install: for every clone of this user."
)
@click.pass_context
def command(ctx: click.Context, file: Path | None, install: bool, everywhere: bool) -> None:
    """Print the text of a .docx FILE, a paragraph a line (for `git diff`).

    `ametigen textconv --install` sets it up: it adds `*.docx diff=ametigen` to the
    repository's .gitattributes and sets git's diff.ametigen.textconv to this ametigen by its
    absolute path, so that git finds it from any shell, also outside the virtual environment.
    """
    import zipfile
    from xml.etree.ElementTree import ParseError

    from ametigen.docxtext import docx_text
    from ametigen.errors import AmetigenError

    if install:
        from ametigen.review.textconv import install as set_up

        done = run(lambda: set_up(project(ctx), everywhere=everywhere))
        click.echo(f"git config {'--global ' if everywhere else ''}diff.ametigen.textconv")
        click.echo(f"  {done.command}")
        if done.attributes_added:
            click.echo(f"{done.attributes}: lisatud „*.docx diff=ametigen“ (commit'i see fail)")
        return
    if file is None:
        raise click.UsageError("anna .docx fail (või --install)")
    path = file

    def read() -> str:
        try:
            return docx_text(path)
        except (OSError, KeyError, zipfile.BadZipFile, ParseError) as error:
            raise AmetigenError(f"{path}: ei ole loetav .docx fail ({error})") from None

    click.echo(run(read), nl=False)

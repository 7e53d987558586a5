"""ametigen textconv."""

from __future__ import annotations

from pathlib import Path

import click

from ametigen.cli import run


@click.command("textconv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def command(file: Path) -> None:
    """Print the text of a .docx FILE, a paragraph a line (for `git diff`).

    Enable it with `*.docx diff=ametigen` in .gitattributes and
    `git config diff.ametigen.textconv "ametigen textconv"`.
    """
    import zipfile
    from xml.etree.ElementTree import ParseError

    from ametigen.docxtext import docx_text
    from ametigen.errors import AmetigenError

    def read() -> str:
        try:
            return docx_text(file)
        except (OSError, KeyError, zipfile.BadZipFile, ParseError) as error:
            raise AmetigenError(f"{file}: ei ole loetav .docx fail ({error})") from None

    click.echo(run(read), nl=False)

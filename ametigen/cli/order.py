"""ametigen order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ametigen.cli import in_project, project, run


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from ametigen.dates import parse_date

    date = parse_date(value)
    if date is None:
        raise click.BadParameter(f"„{value}“ ei ole kuupäev; kirjuta kujul pp.kk.aaaa")
    return date


@click.command("order")
@click.argument("base")
@click.argument("head", required=False, default=None)
@click.option("--nr", "number", default=None, help="The order's number from the register.")
@click.option("--date", "date", callback=_date, default=None, help="The order's date (dd.mm.yyyy).")
@click.option(
    "--order-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A file listing the annexed positions in their order, one id a line.",
)
@click.option("--title", default=None, help="The order's title (default: ametigen.yaml).")
@click.option(
    "--approver",
    default=None,
    help="The approver's words in the annexes' KINNITATUD header "
    "(default: ametigen.yaml käskkiri.kinnitaja, else kinnitaja).",
)
@click.option("--signer-name", default=None, help="Who signs (default: ametigen.yaml).")
@click.option("--signer-title", default=None, help="The signer's post.")
@click.option(
    "--acting",
    default=None,
    help="Whose duties the signer performs, e.g. 'peadirektori' (… ülesannetes).",
)
@click.option("--mandate", default=None, help="The basis of that, added to the legal basis.")
@click.option("--legal-basis", default=None, help="The legal basis (default: ametigen.yaml).")
@click.option("--place", default=None, help="The place (default: ametigen.yaml).")
@click.option("--in-force", default=None, help="The entry-into-force clause (text).")
@click.option(
    "--in-force-date",
    callback=_date,
    default=None,
    help="The date the order enters into force (dd.mm.yyyy), instead of the clause.",
)
@click.option(
    "--amend",
    is_flag=True,
    help="An amendment order: one changed job description, one annex without a number.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also write each document as PDF/A-2b (LibreOffice, headless) for archiving.",
)
@click.option(
    "--stamp",
    is_flag=True,
    help="Write kinnitatud (--nr, --date, annex number) into each annexed position's YAML, "
    "changing only those lines; needs a clean working tree.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write into OUT/<name>/ instead of build/order/<name>/.",
)
@click.option(
    "--name", default=None, help="The package folder's name (default: kaskkiri-NR, or kavand)."
)
@click.option(
    "--source-date-epoch",
    "epoch",
    type=click.IntRange(0, 253402300799),
    envvar="SOURCE_DATE_EPOCH",
    default=None,
    help="Date for the DOCX properties of an order without a date "
    "(seconds since 1970; default: $SOURCE_DATE_EPOCH, else no date).",
)
@click.pass_context
def command(
    ctx: click.Context,
    base: str,
    head: str | None,
    number: str | None,
    date: dt.date | None,
    order_file: Path | None,
    title: str | None,
    approver: str | None,
    signer_name: str | None,
    signer_title: str | None,
    acting: str | None,
    mandate: str | None,
    legal_basis: str | None,
    place: str | None,
    in_force: str | None,
    in_force_date: dt.date | None,
    amend: bool,
    pdf: bool,
    stamp: bool,
    out: Path | None,
    name: str | None,
    epoch: int | None,
) -> None:
    """Draft the approval order (käskkiri) for the positions changed from BASE to HEAD.

    BASE and HEAD are git revisions (BASE may be A...B or A..B, as in diff); HEAD defaults
    to the working tree. Positions whose text
    changed or that were added become the annexes, numbered 1…N by unit, then title (or as
    --order-file lists them); the earlier orders' annexes they replace, and those of removed
    positions, are repealed. Writes build/order/<name>/: Käskkiri.docx and .md, one
    "Lisa N - <title>.docx" per annex, and manifest.json with the commits and SHA-256s.

    After registration, --stamp --nr N --date D writes the order's number, date and annex
    numbers into the annexed positions' kinnitatud (nothing else in their files changes).
    """
    from ametigen.order import document as o
    from ametigen.order.package import write_package
    from ametigen.order.plan import Options, draft

    root = project(ctx)
    if (signer_name is None) != (signer_title is None):
        raise click.UsageError("--signer-name and --signer-title go together")
    if (acting or mandate) and signer_name is None:
        raise click.UsageError("--acting and --mandate go with --signer-name and --signer-title")
    signer = (
        o.Signer(signer_name, signer_title, acting, mandate)
        if signer_name is not None and signer_title is not None
        else None
    )
    listing = None
    if order_file is not None:
        path = in_project(ctx, order_file)
        assert path is not None
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise click.BadParameter(f"{order_file}: {error}", param_hint="--order-file") from None
        listing = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    options = Options(
        number=number,
        date=date,
        title=title,
        approver=approver,
        signer=signer,
        legal_basis=legal_basis,
        place=place,
        in_force=in_force,
        in_force_date=in_force_date,
        amendment=amend,
        listing=listing,
    )

    stamped: list[Path] = []

    def act() -> object:
        made = draft(root, base, head, options)
        if stamp:
            from ametigen.order.stamp import stamp as write_stamp

            stamped.extend(write_stamp(root, made))
            made = draft(root, base, head, options)  # the package from the stamped sources
        target = in_project(ctx, out) or root / "build" / "order"
        from ametigen.order.package import libreoffice_pdf_a

        converter = libreoffice_pdf_a if pdf else None
        return made, write_package(made, target, name=name, epoch=epoch, pdf=converter)

    made, report = run(act)
    for path in stamped:
        click.echo(f"kinnitatud: {path}", err=True)
    order = made.order
    click.echo(f"{report.folder}:", err=True)
    for annex in order.annexes:
        click.echo(f"  lisa {annex.number}: {annex.id} ({annex.title})", err=True)
    for repeal in order.repeals:
        for item in repeal.annexes:
            click.echo(
                f"  kehtetuks: {repeal.date_text or '?'} nr {repeal.number or '?'} "
                f"lisa {item.annex or '?'} ({item.id})",
                err=True,
            )
    click.echo(
        f"ametigen: käskkiri ja {len(order.annexes)} lisa, {len(report.written)} faili kirjutatud",
        err=True,
    )
    if stamped:
        click.echo(
            f"ametigen: {len(stamped)} ametijuhendisse kirjutati kinnitus; salvesta see (git "
            "commit), et järgmine käskkiri selle leiaks",
            err=True,
        )

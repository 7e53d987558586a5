"""ametigen schema."""

from __future__ import annotations

from pathlib import Path

import click

from ametigen.cli import in_project, project, run


@click.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write into OUT instead of the project's schema/ folder.",
)
@click.pass_context
def command(ctx: click.Context, out: Path | None) -> None:
    """Write the JSON Schemas of position files, block files and ametigen.yaml.

    A layout that declares fields of its own gets position-LAYOUT.schema.json with them.
    Editors use them for completion, descriptions and inline errors; `ametigen new` points
    new position files at the schema of their layout.
    """
    from ametigen.load.project import project_layouts
    from ametigen.review.jsonschema import schemas, write_schemas

    folder = in_project(ctx, out) or project(ctx) / "schema"
    layouts = run(lambda: project_layouts(project(ctx)))
    written = run(lambda: write_schemas(folder, layouts), writes=True)
    click.echo(
        f"ametigen: {len(schemas(layouts))} skeemi kaustas {folder}, {len(written)} muutus",
        err=True,
    )

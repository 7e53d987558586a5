"""The ametigen command line: thin click commands, each calling one library function.

Library modules are imported inside the commands, so ``ametigen --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from ametigen import __version__

F = TypeVar("F", bound=Callable[..., Any])

COMMANDS = {
    "blocks": "ametigen.cli.blocks",
    "build": "ametigen.cli.build",
    "check": "ametigen.cli.check",
    "diff": "ametigen.cli.diff",
    "import": "ametigen.cli.import_",
    "init": "ametigen.cli.init",
    "list": "ametigen.cli.list",
    "new": "ametigen.cli.new",
    "order": "ametigen.cli.order",
    "redline": "ametigen.cli.redline",
    "schema": "ametigen.cli.schema",
    "textconv": "ametigen.cli.textconv",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used (or when help lists them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        command = importlib.import_module(COMMANDS[name]).command
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ametigen")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Run as if started in DIRECTORY (the folder with ametigen.yaml).",
)
@click.pass_context
def main(ctx: click.Context, directory: Path) -> None:
    """Job descriptions (ametijuhend) from YAML into DOCX and Markdown.

    The project is the current folder (ametigen.yaml, positions/, templates/);
    -C picks another. Exit status: 0 ok, 1 invalid sources, 2 usage.
    """
    ctx.obj = directory


def entry() -> None:
    """The ``ametigen`` command (the installed script, and ``python -m ametigen``): ``main``,
    then, as the process ends, every object set aside, so that the collections Python runs as
    it shuts down do not scan what the command made (~10 ms, 1.7 % of a check after one edit at
    10,000 positions). Objects are still freed as their last reference goes. (Not in ``main``:
    tests invoke it in their own process, which goes on.)"""
    import gc

    try:
        main()
    finally:
        gc.freeze()


def project(ctx: click.Context) -> Path:
    directory = ctx.find_root().obj
    assert isinstance(directory, Path)
    return directory


def in_project(ctx: click.Context, path: Path | None) -> Path | None:
    """A path from the command line, relative to -C DIRECTORY as if started there."""
    return None if path is None else project(ctx) / path


def run(action: Callable[[], Any], *, writes: bool = False) -> Any:
    """Call the library; print an error a user caused without a traceback, exit with its code.

    ``writes``: the command writes files, so the summary of errors says that none was written;
    commands that only read (check, list, diff …) do not mention writing.
    """
    from ametigen.errors import AmetigenError, SourceErrors
    from ametigen.interrupts import Terminated, stop_on_terminate

    try:
        with stop_on_terminate():
            return action()
    except SourceErrors as error:
        report(error.problems)
        errors = sum(1 for p in error.problems if not p.warning)
        warnings = len(error.problems) - errors
        summary = f"{errors} viga" + (f", {warnings} hoiatust" if warnings else "")
        click.echo(f"ametigen: {summary}" + ("; midagi ei kirjutatud" if writes else ""), err=True)
        sys.exit(error.exit_code)
    except AmetigenError as error:
        click.echo(f"ametigen: {error}", err=True)
        sys.exit(error.exit_code)
    except OSError as error:  # a folder that cannot be written, a disk that is full …
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"ametigen: {where}{error.strerror or error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt as error:  # Ctrl-C, SIGTERM, Ctrl-Break
        click.echo("ametigen: katkestatud", err=True)
        sys.exit(143 if isinstance(error, Terminated) else 130)


def report(problems: Iterable[Any]) -> None:
    """Print ``problems``, a line each, at once (thousands of warnings one by one take a
    noticeable part of a build with nothing to do)."""
    lines = [str(problem) for problem in problems]
    if lines:
        click.echo("\n".join(lines), err=True)


def quiet_progress() -> bool:
    """No progress bar when output is not a terminal or in CI."""
    return not sys.stderr.isatty() or bool(os.environ.get("CI"))

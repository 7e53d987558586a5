"""Errors a user can cause: printed as ``path:line:col: field: message``, without a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class Mark(NamedTuple):
    """A place in a source file; line and column count from 1.

    A tuple, not a dataclass: the loader makes one for every key and list item of every file.
    """

    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """One problem found in the sources, located as precisely as we can."""

    path: Path | str
    message: str
    mark: Mark | None = None
    field: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = str(self.path)
        if self.mark is not None:
            where += f":{self.mark.line}:{self.mark.column}"
        kind = "hoiatus: " if self.warning else ""
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {kind}{self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        mark = self.mark or Mark(0, 0)
        return (str(self.path), mark.line, mark.column, self.message)


class AmetigenError(Exception):
    """Base of every error a user can cause; the CLI prints it and exits with status 1."""

    exit_code = 1


class SourceErrors(AmetigenError):
    """One or more problems in the sources (YAML files, blocks, templates)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateProblem(AmetigenError):
    """A layout template is broken: ``path:where: message``, where is a line number or a part
    of the Word file and the text near the fault."""

    def __init__(self, message: str, path: Path | str = "", where: str = "") -> None:
        self.message = message
        self.path = path
        self.where = where
        prefix = ":".join(str(x) for x in (path, where) if x)
        super().__init__(f"{prefix}: {message}" if prefix else message)

    def __reduce__(self) -> tuple[type[TemplateProblem], tuple[str, Path | str, str]]:
        return (TemplateProblem, (self.message, self.path, self.where))  # from a worker intact

    def problem(self, root: Path | None = None) -> Problem:
        """The same, as a Problem of the template file (relative to ``root`` when inside it)."""
        path = Path(self.path)
        if root is not None and path.is_relative_to(root):
            path = path.relative_to(root)
        line = int(self.where) if self.where.isdigit() else None
        return Problem(
            path,
            self.message,
            Mark(line, 1) if line else None,
            field="" if line else self.where,
        )


def raise_errors(problems: list[Problem], *, strict: bool = False) -> None:
    """Raise SourceErrors if ``problems`` hold an error (with ``strict``: any problem at all).

    Warnings are reported along with the errors; with ``strict`` they count as errors.
    """
    failing = [p for p in problems if strict or not p.warning]
    if failing:
        raise SourceErrors(problems if strict else failing)

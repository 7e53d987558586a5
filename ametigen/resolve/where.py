"""A place in a source file, for problems found after validation (references, checks)."""

from __future__ import annotations

from typing import NamedTuple

from ametigen.errors import Problem
from ametigen.load.yamlfile import LoadedYaml
from ametigen.validate import Loc, field_path


class Where(NamedTuple):
    """A node of a loaded file, given by its path of keys and list indices.

    A tuple: the resolver makes one for every reference it follows, problem or not.
    """

    source: LoadedYaml
    loc: Loc = ()

    def at(self, *parts: str | int) -> Where:
        return Where(self.source, self.loc + parts)

    def problem(self, message: str, *, warning: bool = False) -> Problem:
        return Problem(
            path=self.source.path,
            message=message,
            mark=self.source.mark(self.loc),
            field=field_path(self.loc),
            warning=warning,
        )

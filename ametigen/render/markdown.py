"""Markdown output: a layout's Jinja template, rendered with Markdown escaping."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ametigen.errors import TemplateProblem
from ametigen.render.cache import TemplateCache
from ametigen.render.environment import (
    TemplateLoader,
    compile_template,
    markdown_environment,
    render,
)
from ametigen.render.mdescape import finish
from ametigen.resolve.document import Document

_BLANK_RUNS = re.compile(r"\n\n\n+")
"""Three newlines or more (so written, the search looks for its literal start: five times as fast
as ``\\n{3,}``, which is tried at every character)."""


@cache
def _environment(templates: Path, bytecode: jinja2.BytecodeCache | None) -> jinja2.Environment:
    env = markdown_environment()
    env.loader = TemplateLoader(templates)  # for {% import "macros/…" %}
    env.bytecode_cache = bytecode
    return env


class MarkdownTemplate:
    """A layout's ametijuhend.md.j2, compiled once; it may import from the templates folder."""

    def __init__(self, path: Path, templates: Path, cache: TemplateCache | None = None) -> None:
        self.path = path
        try:
            source = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateProblem(f"ei ole loetav UTF-8 tekst ({error})", path) from None
        env = _environment(templates, cache.bytecode if cache else None)
        self.template = compile_template(env, source, path)

    def render(self, doc: Document) -> bytes:
        return self.render_context({"doc": doc})

    def render_context(self, context: Mapping[str, Any]) -> bytes:
        """The Markdown for any template ``context``: escaped, blank runs closed up."""
        text = finish(render(self.template, self.path, str, **context))
        lines = [line.rstrip() for line in text.split("\n")]
        text = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"
        return text.encode("utf-8")

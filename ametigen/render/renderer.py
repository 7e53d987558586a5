"""A layout's two templates, prepared once and rendered for every document of that layout."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ametigen.errors import TemplateProblem

if TYPE_CHECKING:
    from ametigen.load.project import LayoutSource
    from ametigen.render.cache import TemplateCache
    from ametigen.render.docx import DocxTemplate
    from ametigen.resolve.document import Document


class Renderer:
    """A layout's Markdown and Word templates, prepared once per build (forked workers inherit
    them; spawned ones prepare their own, from the cache)."""

    def __init__(
        self, layout: LayoutSource, cache: TemplateCache | None = None, *, lazy: bool = False
    ) -> None:
        """``lazy``: the Word template is prepared when first used (a review that compares
        only Markdown never needs it), else now."""
        from ametigen.render.markdown import MarkdownTemplate

        self.layout, self.cache = layout, cache
        self.markdown = MarkdownTemplate(layout.markdown, layout.folder.parent.parent, cache)
        if not lazy:
            self.docx  # noqa: B018  (prepared now: forked workers inherit it)

    @cached_property
    def docx(self) -> DocxTemplate:
        from ametigen.render.docx import DocxTemplate

        return DocxTemplate(self.layout.docx, self.cache)

    def __reduce__(
        self,
    ) -> tuple[Callable[..., Renderer], tuple[LayoutSource, TemplateCache | None]]:
        """Compiled templates do not pickle: a worker without fork prepares its own, once."""
        return _prepared, (self.layout, self.cache)

    def render(self, doc: Document, epoch: int | None) -> tuple[bytes, bytes]:
        """The document's Markdown and DOCX; a template that fails names the position too."""
        try:
            return self.render_probe(doc, epoch)
        except TemplateProblem as problem:
            message = f"{problem.message} (ametijuhend positions/{doc.id}.yaml)"
            raise TemplateProblem(message, problem.path, problem.where) from None

    def render_probe(self, doc: Document, epoch: int | None) -> tuple[bytes, bytes]:
        """The same, for a document that is no position (see :mod:`ametigen.render.probe`)."""
        return self.markdown.render(doc), self.docx.render(doc, epoch=epoch)


_PREPARED: dict[tuple[Path, Path | None], Renderer] = {}


def _prepared(layout: LayoutSource, cache: TemplateCache | None) -> Renderer:
    """The Renderer of a spawned worker (see ``Renderer.__reduce__``), prepared once."""
    key = (layout.folder, cache.out if cache else None)
    if key not in _PREPARED:
        _PREPARED[key] = Renderer(layout, cache)
    return _PREPARED[key]

"""The order's template pair, templates/order/: a docxtpl .docx and a Jinja .md.j2.

The same rules as a layout's templates (the same environments, escaping and filters); they
see one object, ``order`` (see :mod:`ametigen.order.document`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ametigen.errors import TemplateProblem
from ametigen.order.document import Order
from ametigen.render.docx import DocxTemplate
from ametigen.render.markdown import MarkdownTemplate
from ametigen.render.properties import app_xml, core_properties, dated

FOLDER = Path("templates", "order")
DOCX = "kaskkiri.docx"
MARKDOWN = "kaskkiri.md.j2"


@dataclass(frozen=True)
class OrderTemplates:
    markdown: MarkdownTemplate
    docx: DocxTemplate

    @classmethod
    def load(cls, root: Path) -> OrderTemplates:
        """The templates of the project in ``root``; a missing one is a TemplateProblem."""
        folder = root / FOLDER
        for name in (DOCX, MARKDOWN):
            if not (folder / name).is_file():
                raise TemplateProblem(f"{FOLDER / name}: käskkirja mall puudub")
        return cls(
            MarkdownTemplate(folder / MARKDOWN, root / "templates"),
            DocxTemplate(folder / DOCX),
        )

    def render(self, order: Order, name: str, epoch: int | None) -> tuple[bytes, bytes]:
        """The order's Markdown and .docx; its date is the order's date, else ``epoch``."""
        core = core_properties(order.title, "", order.agency, name, dated(order.date, epoch))
        context = {"order": order}
        markdown = self.markdown.render_context(context)
        return markdown, self.docx.render_context(context, core, app_xml(order.agency))

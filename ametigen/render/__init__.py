"""Render stage: a resolved Document through a layout's templates into Markdown and DOCX."""

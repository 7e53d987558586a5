"""Checks on built DOCX files: OOXML schema validation and rendering through LibreOffice."""

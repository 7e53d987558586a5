"""ametigen: job descriptions (ametijuhend) as YAML in git, built into DOCX and Markdown."""

__version__ = "0.1.0"

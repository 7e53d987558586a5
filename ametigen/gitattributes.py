"""The .gitattributes of a project of positions: in one place, for this repository (a test keeps
its .gitattributes equal to it) and for the projects ``ametigen init`` creates.

git stores text with LF whatever the desk. The sources are checked out with LF on Windows too,
so an editor that writes CRLF never turns into a change of every line, and every desk hashes the
same bytes (the build's incremental state). ametigen itself reads CRLF, LF and a UTF-8 BOM
alike and builds the same documents from them. Word files are binary to git; ``ametigen
textconv --install`` makes ``git diff`` show their text through the ``ametigen`` driver.
"""

TEXT = """\
# Line endings: git keeps text with LF; positions, blocks, templates and Markdown are checked
# out with LF on every system, so an editor's CRLF never becomes a change of every line.
* text=auto
*.yaml text eol=lf
*.yml text eol=lf
*.j2 text eol=lf
*.md text eol=lf
*.json text eol=lf
# Word and PDF files are binary; `ametigen textconv --install` shows Word files' text in git diff.
*.docx binary
*.docx diff=ametigen
*.pdf binary
"""

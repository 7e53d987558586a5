"""The characters no source text may hold: one rule for the loader, the schema and the JSON
Schema.

Control characters other than tab and newline — C0, DEL and C1 — are invisible in an editor,
most cannot be stored in a Word file (XML 1.0), and a carriage return or a C1 line break breaks
Markdown lines; U+FFFE, U+FFFF and lone surrogates are not characters. The loader refuses them
in every value and key (with the line), and the schema's text type names the same set, so that
the JSON Schema tells editors the same rule.
"""

from __future__ import annotations

import re

CONTROL_CLASS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
"""The control characters, as the inside of a regular expression's [...] (escaped, so that
the JSON Schema shows them readably)."""

CONTROL = re.compile(f"[{CONTROL_CLASS}\ud800-\udfff\ufffe\uffff]")
"""Any character a source text may not hold."""


def codepoint(character: str) -> str:
    """U+000D"""
    return f"U+{ord(character):04X}"


def problem_text(text: str) -> str | None:
    """What to tell about the first such character in ``text``; None if there is none."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return (
        f"tekstis on nähtamatu juhtmärk {codepoint(found.group())}; kustuta see (jutumärkides "
        "tekstis näiteks järjend „\\x01“, „\\r“ või „\\u0001“; reavahetuse jaoks alusta uut "
        "rida, tabulaatori jaoks kasuta \\t)"
    )

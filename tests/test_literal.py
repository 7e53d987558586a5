"""Any text in any field appears unchanged in both outputs: data is never markup or template."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ametigen.docxtext import docx_text
from ametigen.pipeline import resolve
from ametigen.render import environment
from ametigen.render.mdescape import escape as md_escape
from ametigen.render.renderer import Renderer
from tests.support import copy_project, markdown_text

# Text as an editor may type it: any character but control characters other than tab and newline
# (those are refused by the loader and the schema, since Word cannot hold most of them).
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\n\t &<>\"'{}%#*_|[]()`\\-+=!~.:;"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")

FIELDS = ("ametinimetus", "struktuuriüksus", "eesmärk", "ülesanne", "tulemus", "õigus", "haridus")
TRICKY = [
    "R&D <b>bold</b> & &amp; &#35;",
    "{{ doc.title }} {% if x %}y{% endif %} {# c #}",
    "* not a list\n# not a heading\n1. not a number\n> not a quote",
    "| a | b |\n---\n```\ncode\n```",
    "[link](http://x) ![img](y) `tick` _under_ **bold** ~~strike~~",
    "tab\there  two  spaces  ",
    "õäöüšž ÕÄÖÜŠŽ emoji 🎉 " + "x" * 300,
    "- dash\n+ plus\n=== \n\\ backslash \\\\",
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = copy_project(tmp_path_factory.mktemp("literal"))
    shutil.rmtree(folder / "positions")
    (folder / "positions").mkdir()
    return folder


def position(texts: dict[str, str], layout: str) -> dict[str, object]:
    return {
        "kujundus": layout,
        "ametinimetus": texts["ametinimetus"],
        "struktuuriüksus": texts["struktuuriüksus"],
        "eesmärk": texts["eesmärk"],
        "ülesanded": [{"ülesanne": texts["ülesanne"], "tulemused": [texts["tulemus"]]}],
        "nõuded": {"haridus": texts["haridus"]},
        "õigused": {"plokk": "oigused", "lisa": [texts["õigus"]]},
    }


@pytest.fixture(scope="module")
def renderers() -> dict[str, Renderer]:
    """Each layout's templates, prepared once and rendered for every example (as a build
    renders every document of a layout with one Renderer)."""
    return {}


def rendered(
    workspace: Path, renderers: dict[str, Renderer], texts: dict[str, str], layout: str
) -> tuple[str, str]:
    data = position(texts, layout)
    (workspace / "positions" / "x.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    resolved = resolve(workspace)
    doc = resolved.documents["x"]
    if layout not in renderers:
        renderers[layout] = Renderer(resolved.layouts[layout])
    renderer = renderers[layout]
    markdown = markdown_text(renderer.markdown.render(doc).decode("utf-8"))
    return markdown, docx_text(renderer.docx.render(doc, epoch=None))


@pytest.mark.parametrize("layout", ["teenistuskoht", "nummerdatud"])
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.fixed_dictionaries({name: TEXT for name in FIELDS}))
@example(texts=dict(zip(FIELDS, TRICKY, strict=False)))
@example(texts=dict(zip(FIELDS, reversed(TRICKY), strict=False)))
def test_text_round_trips_literally(
    workspace: Path, renderers: dict[str, Renderer], layout: str, texts: dict[str, str]
) -> None:
    markdown, docx = rendered(workspace, renderers, texts, layout)
    for name, text in texts.items():
        expected = text.strip()
        assert expected in markdown, (name, expected, markdown)
        assert expected in docx, (name, expected, docx)


def test_control_characters_are_refused_with_their_line(workspace: Path) -> None:
    from ametigen.errors import SourceErrors

    text = yaml.safe_dump(position(dict.fromkeys(FIELDS, "x"), "nummerdatud"), allow_unicode=True)
    text = text.replace("eesmärk: x", 'eesmärk: "a\\rb"')
    (workspace / "positions" / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceErrors) as caught:
        resolve(workspace)
    (problem,) = caught.value.problems
    assert str(problem).startswith("positions/x.yaml:")
    line = text.splitlines().index('eesmärk: "a\\rb"') + 1
    assert str(problem).startswith(
        f"positions/x.yaml:{line}:10: tekstis on nähtamatu juhtmärk U+000D"
    )


def test_escaped_texts_are_kept_and_dropped_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each format escapes a text once and keeps it; a full store starts again, and a value
    printed before and after that is escaped alike (numbers as their text)."""
    monkeypatch.setattr(environment, "ESCAPED_KEPT", 3)
    texts: list[object] = [*TRICKY, *reversed(TRICKY), 1, "1", 2.5, *TRICKY]
    for env, escape, cell in [
        (environment.markdown_environment(), md_escape, lambda t: md_escape(t, "<br>")),
        (environment.docx_environment(), environment.docx_text, environment.docx_text),
    ]:
        template = env.from_string("{% for t in texts %}{{ t }}|{{ t | cell }};{% endfor %}")
        expected = "".join(f"{escape(str(t))}|{cell(str(t))};" for t in texts)
        assert template.render(texts=texts) == expected

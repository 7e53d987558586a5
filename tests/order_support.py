"""Git histories for the order tests: a project with earlier orders stamped in."""

from __future__ import annotations

from pathlib import Path

from tests.review_support import commit, edit, make_repo

EXPERT = "positions/oiguse-ja-jarelevalve/ekspert.yaml"  # kinnitatud: 13.12.2024, nr 177, lisa 4
HEAD_OF = "positions/teenuste/osakonnajuhataja.yaml"
COORDINATOR = "positions/ohvriabi-ja-ennetus/koordinaator.yaml"
NEW = "positions/ohvriabi-ja-ennetus/vanemkoordinaator.yaml"


def history(tmp_path: Path) -> Path:
    """Three commits: the project; the head of unit approved by order 177 (annex 5); v1."""
    project = make_repo(tmp_path)
    edit(
        project / HEAD_OF,
        "kujundus: nummerdatud\n",
        'kujundus: nummerdatud\nkinnitatud: {kuupäev: 13.12.2024, käskkiri: "177", lisa: "5"}\n',
    )
    commit(project, "order 177")
    from tests.review_support import git

    git(project, "tag", "v1")
    return project


def change_expert_add_one_remove_one(project: Path) -> None:
    """The expert changes, a new position is added, the head of unit is removed."""
    edit(project / EXPERT, "Vähemalt 3-aastane", "Vähemalt 4-aastane")
    text = (project / COORDINATOR).read_text("utf-8")
    (project / NEW).write_text(
        text.replace("ametinimetus: Koordinaator", "ametinimetus: Vanemkoordinaator"), "utf-8"
    )
    (project / HEAD_OF).unlink()
    commit(project, "changes")

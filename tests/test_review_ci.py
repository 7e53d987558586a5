"""The CI examples under docs/ci parse and call only commands that exist."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from ametigen.cli import COMMANDS
from tests.review_support import commit, edit, git, make_repo
from tests.support import REPO

_CALL = re.compile(r"\bametigen\s+([a-z][a-z-]*)")
EXAMPLES = ["github-actions.yml", "gitlab-ci.yml"]


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def commands(name: str) -> list[str]:
    data = yaml.safe_load((REPO / "docs" / "ci" / name).read_text("utf-8"))
    assert isinstance(data, dict)
    return [m.group(1) for text in strings(data) for m in _CALL.finditer(text)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_calls_registered_commands(name: str) -> None:
    called = commands(name)
    assert {"check", "build", "diff", "redline"} <= set(called)
    assert set(called) <= set(COMMANDS)


def test_github_workflow_runs_on_pull_requests() -> None:
    data = yaml.safe_load((REPO / "docs/ci/github-actions.yml").read_text("utf-8"))
    assert "pull_request" in data[True]  # YAML 1.1 reads the key `on` as true


def test_gitlab_job_runs_on_merge_requests() -> None:
    data = yaml.safe_load((REPO / "docs/ci/gitlab-ci.yml").read_text("utf-8"))
    assert "merge_request_event" in data["ametigen"]["rules"][0]["if"]
    assert "build/redline/" in data["ametigen"]["artifacts"]["paths"]


# --- the shell steps, run on a real repository -------------------------------------------------

BIN = Path(sys.executable).parent  # where ametigen is installed, as pip puts it on a runner


def branch_repo(tmp_path: Path) -> tuple[Path, str]:
    """A project on a branch that changed one title, while main moved on; main's old tip."""
    project = make_repo(tmp_path, subfolder=".")
    git(project, "checkout", "-q", "-b", "muudatus")
    edit(
        project / "positions/teenuste/osakonnajuhataja.yaml", "ametinimetus: ", "ametinimetus: Uus "
    )
    commit(project, "haru")
    git(project, "checkout", "-q", "main")
    edit(project / "templates/blocks/oigused.yaml", "ligipääse tööks", "ligipääs tööks")
    commit(project, "main edasi")
    main_tip = git(project, "rev-parse", "HEAD").strip()
    git(project, "checkout", "-q", "muudatus")
    return project, main_tip


def run_shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """As the runners do: bash, stop at the first failing command."""
    path = f"{env.pop('EXTRA_PATH', '')}:{BIN}:/usr/bin:/bin"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={"HOME": str(cwd), "PATH": path, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def github_steps() -> list[dict[str, Any]]:
    data = yaml.safe_load((REPO / "docs/ci/github-actions.yml").read_text("utf-8"))
    steps = data["jobs"]["review"]["steps"]
    assert isinstance(steps, list)
    return steps


def expand(text: str, values: dict[str, str]) -> str:
    """GitHub's ``${{ expression }}`` by a table of the expressions the workflow uses."""
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: values[m.group(1)], text)


def test_github_steps_on_a_real_repository(tmp_path: Path) -> None:
    project, main_tip = branch_repo(tmp_path)
    fake = tmp_path / "bin"  # the GitHub CLI: record what would be posted
    fake.mkdir()
    (fake / "gh").write_text('#!/bin/sh\necho "$@" >> "$GH_LOG"\ncp "$5" "$GH_LOG.body"\n')
    (fake / "gh").chmod(0o755)
    values = {
        "github.event.pull_request.base.sha": main_tip,
        "github.event.pull_request.number": "7",
        "github.token": "t",
        "steps.upload.outputs.artifact-url": "https://example.org/artefakt/1",
        "vars.AMETIGEN_REPO": "",
        "vars.AMETIGEN_COMMIT": "",
    }
    job_env = {"BASE_SHA": main_tip}
    summary = tmp_path / "summary.md"
    log = tmp_path / "gh.log"
    ran = []
    for step in github_steps():
        if "run" not in step:
            continue
        env = job_env | {k: expand(str(v), values) for k, v in step.get("env", {}).items()}
        env |= {"GITHUB_STEP_SUMMARY": str(summary), "GH_LOG": str(log), "EXTRA_PATH": str(fake)}
        done = run_shell(expand(step["run"], values), project, env)
        if step["name"] == "Install ametigen":  # no pinned commit set: refused, nothing fetched
            assert done.returncode == 1 and "AMETIGEN_COMMIT" in done.stdout
            continue
        assert done.returncode == 0, (step["name"], done.stderr)
        ran.append(step["name"])
    assert "Comment the diff on the pull request" in ran
    comment = (tmp_path / "gh.log.body").read_text("utf-8")
    assert log.read_text("utf-8").startswith("pr comment 7 --body-file build/comment.md")
    assert "teenuste/osakonnajuhataja" in comment
    assert "ligipääs" not in comment  # main's own later change is not the PR's
    assert summary.read_text("utf-8") == comment
    assert (project / "build/redline/teenuste/osakonnajuhataja.docx").exists()
    assert sorted(p.name for p in (project / "build/redline").rglob("*.docx")) == [
        "osakonnajuhataja.docx"
    ]


def test_examples_install_only_a_pinned_commit() -> None:
    for name in EXAMPLES:
        text = (REPO / "docs/ci" / name).read_text("utf-8")
        installs = [line for line in text.splitlines() if "pip install" in line]
        assert installs, name
        for line in installs:
            assert '"git+${AMETIGEN_REPO}@${AMETIGEN_COMMIT}"' in line, line


def test_examples_keep_artifacts_when_a_step_fails() -> None:
    upload = next(s for s in github_steps() if s.get("id") == "upload")
    assert upload["if"] == "${{ always() }}"
    gitlab = yaml.safe_load((REPO / "docs/ci/gitlab-ci.yml").read_text("utf-8"))
    assert gitlab["ametigen"]["artifacts"]["when"] == "always"


class Notes(http.server.BaseHTTPRequestHandler):
    """Enough of GitLab's notes API: list, add, update; the token's user is id 1."""

    notes: ClassVar[list[dict[str, Any]]] = []

    def _reply(self, data: object) -> None:
        body = json.dumps(data).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> dict[str, Any]:
        data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert isinstance(data, dict)
        return data

    def do_GET(self) -> None:
        assert self.headers["PRIVATE-TOKEN"] == "salajane"
        if self.path == "/api/v4/user":
            self._reply({"id": 1})
        else:
            assert self.path.startswith("/api/v4/projects/3/merge_requests/9/notes?")
            self._reply(self.notes)

    def do_POST(self) -> None:
        note = {"id": 100 + len(self.notes), "author": {"id": 1}, "body": self._body()["body"]}
        self.notes.append(note)
        self._reply(note)

    def do_PUT(self) -> None:
        ident = int(self.path.rsplit("/", 1)[1])
        note = next(n for n in self.notes if n["id"] == ident)
        note["body"] = self._body()["body"]
        self._reply(note)

    def log_message(self, *args: object) -> None:
        pass


def test_gitlab_script_on_a_real_repository_updates_one_note(tmp_path: Path) -> None:
    project, main_tip = branch_repo(tmp_path)
    base = git(project, "merge-base", main_tip, "HEAD").strip()
    job = yaml.safe_load((REPO / "docs/ci/gitlab-ci.yml").read_text("utf-8"))["ametigen"]
    refused = run_shell("\n".join(job["before_script"]), project, {})
    assert refused.returncode == 1 and "AMETIGEN_COMMIT" in refused.stdout
    Notes.notes = [{"id": 5, "author": {"id": 2}, "body": "<!-- ametigen diff -->\nvõõras"}]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Notes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
            "CI_JOB_URL": "https://gitlab.example/job/1",
            "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4",
            "CI_PROJECT_ID": "3",
            "CI_MERGE_REQUEST_IID": "9",
            "AMETIGEN_TOKEN": "salajane",
        }
        done = run_shell("\n".join(job["script"]), project, dict(env))
        assert done.returncode == 0, done.stderr
        again = run_shell(job["script"][-1], project, dict(env))  # the next push: one note
        assert again.returncode == 0, again.stderr
    finally:
        server.shutdown()
        server.server_close()
    assert [n["id"] for n in Notes.notes] == [5, 101]
    body = Notes.notes[1]["body"]
    assert body.startswith("<!-- ametigen diff -->\n## Ametijuhendite muudatused")
    assert "teenuste/osakonnajuhataja" in body and "ligipääs" not in body
    assert Notes.notes[0]["body"].endswith("võõras")
    for path in job["artifacts"]["paths"]:
        assert (project / path).exists(), path

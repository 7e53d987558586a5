"""The CI examples under docs/ci parse and call only commands that exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from ametigen.cli import COMMANDS
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

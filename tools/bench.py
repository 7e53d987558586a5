"""Benchmark: build speed on a synthetic repository of 2,000 positions (issue 5).

Generates a project in a temporary folder, varied from the real positions in positions/
(units, titles, task counts, block variants, both layouts, references between positions), then
times the real command line in subprocesses and prints a table with PASS/FAIL per target.

    python tools/bench.py [--count 2000] [--write]     # --write updates BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COUNT = 2000
GROUP = 10  # positions per unit folder; the first of each group manages some of the rest


# ---------------------------------------------------------------- synthetic repository


def generate(target: Path, count: int = COUNT, seed: int = 5) -> list[str]:
    """A project at ``target`` with ``count`` positions varied from the real ones; their ids."""
    rng = random.Random(seed)
    for name in ("ametigen.yaml",):
        shutil.copy(REPO / name, target / name)
    shutil.copytree(REPO / "templates", target / "templates")
    bases = [
        (path.parent.name, yaml.safe_load(path.read_text("utf-8")))
        for path in sorted((REPO / "positions").rglob("*.yaml"))
    ]
    ids = []
    positions: dict[str, dict[str, Any]] = {}
    for index in range(count):
        unit, base = bases[index % len(bases)]
        ident = f"{unit}-{index // GROUP:03d}/ametikoht-{index:04d}"
        positions[ident] = vary(base, index, rng)
        ids.append(ident)
    link(ids, positions)
    for ident, data in positions.items():
        path = target / "positions" / f"{ident}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data), "utf-8")
    return ids


def vary(base: dict[str, Any], index: int, rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {
        key: value
        for key, value in base.items()
        if key not in ("vahetu_juht", "alluvad", "asendab", "asendaja")
    }
    data["kujundus"] = ("teenistuskoht", "nummerdatud")[index % 2]
    data["ametinimetus"] = f"{base['ametinimetus']} {index}"
    data["struktuuriüksus"] = f"{base['struktuuriüksus']} (üksus {index // GROUP})"
    data["vahetu_juht"] = f"Juhataja {index // GROUP}"
    tasks = list(base["ülesanded"])
    rng.shuffle(tasks)
    tasks = tasks[: rng.randint(1, len(tasks))]
    if index % 3 == 0:
        tasks.append({"plokk": "ulesanded.koostoo"})
    if index % 7 == 0:
        tasks.append({"ülesanne": f"Eriülesanne nr {index}.", "tulemused": ["Tehtud."]})
    data["ülesanded"] = tasks
    if index % 4 == 1:
        data["õigused"] = {"plokk": "oigused", "jäta_välja": ["kaugtoo"]}
    elif index % 4 == 2:
        data["õigused"] = {"plokk": "oigused", "lisa": [f"lisaõigus {index};"]}
    if index % 5 == 0:
        data["muutmine"] = [{"plokk": "tekstid.ulevaatamine"}, {"plokk": "tekstid.nousolek"}]
    return data


def link(ids: list[str], positions: dict[str, dict[str, Any]]) -> None:
    """In every fifth group the first position manages the next three, by reference."""
    for start in range(0, len(ids) - 3, GROUP * 5):
        head, staff = ids[start], ids[start + 1 : start + 4]
        positions[head]["alluvad"] = [{"ametikoht": ident} for ident in staff]
        for ident in staff:
            positions[ident]["vahetu_juht"] = {"ametikoht": head}


def dump(data: dict[str, Any]) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    assert isinstance(text, str)
    return text


# ---------------------------------------------------------------- measurements


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.value <= self.target


def ametigen(project: Path, *args: str) -> float:
    """Wall time of one run of the real command line, in seconds."""
    # As a user runs it: byte-compiled modules cached; CI set (no progress bar).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"CI": "1", "PYTHONPATH": str(REPO)}
    global LAST
    start = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "ametigen", "-C", str(project), *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    LAST = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    return time.perf_counter() - start


LAST = ""
"""The last line the last command printed (its summary)."""


def best(runs: int, action: Callable[[], float]) -> float:
    return min(action() for _ in range(runs))


def per_document(project: Path, count: int) -> tuple[float, float]:
    """Seconds per document: naive docxtpl and ours, same template, same context."""
    sys.path.insert(0, str(REPO))
    from docxtpl import DocxTemplate as Naive

    from ametigen.pipeline import resolve
    from ametigen.render.docx import DocxTemplate

    resolved = resolve(project)
    docs = [doc for doc in resolved.documents.values() if doc.layout == "teenistuskoht"][:count]
    path = resolved.layouts["teenistuskoht"].docx

    def naive() -> float:
        start = time.perf_counter()
        for doc in docs:
            template = Naive(path)
            template.render({"doc": doc}, autoescape=True)
            template.save(os.devnull)
        return (time.perf_counter() - start) / len(docs)

    def ours() -> float:
        start = time.perf_counter()
        template = DocxTemplate(path)
        for doc in docs:
            template.render(doc, epoch=None)
        return (time.perf_counter() - start) / len(docs)

    return statistics.median(naive() for _ in range(3)), statistics.median(ours() for _ in range(3))


def touch(path: Path) -> None:
    text = path.read_text("utf-8")
    path.write_text(text.replace("eesmärk: ", "eesmärk: Muudetud. ", 1), "utf-8")


def measure(count: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="ametigen-bench-") as folder:
        project = Path(folder)
        ids = generate(project, count)
        rows.append(Row("ametigen --help", best(5, lambda: ametigen(project, "--help")), "s", 0.3))
        check = best(3, lambda: ametigen(project, "check"))
        rows.append(Row(f"check, {count} positions", check, "s", 3.0))
        shared = best(3, lambda: ametigen(project, "blocks"))
        rows.append(Row(f"blocks (shared wording), {count} positions", shared, "s", 5.0))
        full = ametigen(project, "build")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(Row(f"full build, {count} positions", full, "s", 10.0, "DOCX + Markdown"))
        rows.append(Row("peak memory (largest process)", peak, "MB", 500.0))
        rows.append(
            Row("build, nothing changed", best(3, lambda: ametigen(project, "build")), "s", 0.5)
        )
        edited = project / "positions" / f"{ids[len(ids) // 2]}.yaml"
        touch(edited)
        rows.append(
            Row("build after one position edit", ametigen(project, "build"), "s", 1.0, LAST)
        )
        block = project / "templates" / "blocks" / "ulesanded.yaml"
        block.write_text(block.read_text("utf-8").replace("Välja on", "Välja on nüüd", 1))
        blocked = ametigen(project, "build")
        rows.append(Row("build after a block edit", blocked, "s", 10.0, f"users only: {LAST}"))
        for path in project.rglob("*.yaml"):
            os.utime(path, (0, 0))
        rows.append(
            Row("build after mtime change only", ametigen(project, "build"), "s", 0.5, LAST)
        )
        naive, ours = per_document(project, 100)
        rows.append(Row("per document, naive docxtpl", naive * 1000, "ms", float("inf")))
        rows.append(
            Row(
                "per document, ametigen",
                ours * 1000,
                "ms",
                naive * 100,
                f"ratio {ours / naive:.3f} (target ≤ 0.1)",
            )
        )
    return rows


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def table(rows: list[Row]) -> str:
    lines = [
        "| Measurement | Value | Target | Result | Note |",
        "|---|---:|---:|---|---|",
    ]
    for row in rows:
        target = "—" if row.target == float("inf") else f"≤ {row.target:.3g} {row.unit}"
        result = "" if row.target == float("inf") else ("PASS" if row.ok else "FAIL")
        lines.append(
            f"| {row.name} | {row.value:.3f} {row.unit} | {target} | {result} | {row.note} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    rows = measure(args.count)
    text = f"Machine: {machine()}\n\n{table(rows)}\n"
    print(text)
    if args.write:
        write(text)
    return 0 if all(row.ok for row in rows) else 1


BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def write(text: str) -> None:
    path = REPO / "BENCHMARKS.md"
    old = path.read_text("utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, _, rest = old.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", "utf-8")


if __name__ == "__main__":
    sys.exit(main())

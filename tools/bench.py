"""Benchmark: speed and memory on synthetic repositories of 2,000, 5,000 and 10,000 positions.

Generates a project in a temporary folder per size, varied from the real positions in
positions/ (units, titles, task counts, block variants, both layouts, references between
positions), then times the real command line in subprocesses and prints, per size, a table with
each figure beside its target (PASS/FAIL), and how each figure grows per 1,000 positions.

    python tools/bench.py [--count 2000,5000,10000] [--write]   # --write updates BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
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
COUNTS = (2000, 5000, 10000)
GROUP = 10  # positions per unit folder; the first of each group manages some of the rest


# ---------------------------------------------------------------- synthetic repository


def generate(target: Path, count: int = COUNTS[0], seed: int = 5) -> list[str]:
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
    approval = data.get("kinnitatud")
    if isinstance(approval, dict) and "lisa" in approval:  # one order numbers its annexes
        data["kinnitatud"] = {**approval, "lisa": str(index + 1)}
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


# Runs ametigen as ``python -m ametigen`` does, then writes the peak memory of the largest
# process (itself or a worker) to the file named by AMETIGEN_BENCH_PEAK.
_WRAPPER = """
import os, resource, runpy, sys
sys.argv = ["ametigen", *sys.argv[1:]]
try:
    runpy.run_module("ametigen", run_name="__main__", alter_sys=True)
finally:
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    peak = max(resource.getrusage(one).ru_maxrss for one in who)
    with open(os.environ["AMETIGEN_BENCH_PEAK"], "w") as out:
        out.write(str(peak))
"""


def ametigen(project: Path, *args: str) -> float:
    """Wall time of one run of the real command line, in seconds (its largest process's peak
    memory goes to PEAKS)."""
    # As a user runs it: byte-compiled modules cached; CI set (no progress bar).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    global LAST
    with tempfile.NamedTemporaryFile(prefix="ametigen-peak-") as peak:
        env |= {"CI": "1", "PYTHONPATH": str(REPO), "AMETIGEN_BENCH_PEAK": peak.name}
        start = time.perf_counter()
        done = subprocess.run(
            [PYTHON, "-c", _WRAPPER, "-C", str(project), *args],
            check=False,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=REPO,
        )
        took = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"ametigen {' '.join(args)} failed:\n{done.stderr.decode('utf-8', 'replace')}")
        PEAKS.append(int(Path(peak.name).read_text() or 0) / 1024)
    LAST = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    return took


LAST = ""
"""The last line the last command printed (its summary)."""
PEAKS: list[float] = []
"""Peak memory (MB) of the largest process of each run."""


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


def retitle(path: Path) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("ametinimetus:"))
    lines[index] = lines[index].rstrip("\n") + " (uus)\n"
    path.write_text("".join(lines), "utf-8")


def between(count: int, at_2000: float, at_10000: float) -> float:
    """A target that grows in a straight line from its value at 2,000 to its value at 10,000."""
    return at_2000 + (at_10000 - at_2000) * (count - 2000) / 8000


def fresh(project: Path) -> None:
    """No state and no prepared templates: as after a clone."""
    shutil.rmtree(project / "build", ignore_errors=True)


def measure(count: int, first: bool) -> list[Row]:
    rows = []
    PEAKS.clear()
    with tempfile.TemporaryDirectory(prefix="ametigen-bench-") as folder:
        project = Path(folder)
        ids = generate(project, count)
        position = project / "positions"
        if first:
            help_time = best(5, lambda: ametigen(project, "--help"))
            rows.append(Row("ametigen --help", help_time, "s", 0.3))

        def cold_check() -> float:
            fresh(project)
            return ametigen(project, "check")

        check = best(2, cold_check)
        rows.append(Row("check, cold", check, "s", between(count, 1.5, 5.0)))
        shared = best(2, lambda: ametigen(project, "blocks"))
        rows.append(
            Row("blocks (shared wording)", shared, "s", 5.0 * count / 2000, "5 s per 2,000")
        )
        fresh(project)
        full = ametigen(project, "build")
        target = between(count, 6.0, 30.0)
        rows.append(Row("full build", full, "s", target, "DOCX + Markdown"))
        unchanged = best(3, lambda: ametigen(project, "build"))
        rows.append(Row("build, nothing changed", unchanged, "s", 0.5))
        middle = position / f"{ids[len(ids) // 2]}.yaml"
        touch(middle)
        rows.append(
            Row("build after one task reworded", ametigen(project, "build"), "s", 1.0, LAST)
        )
        head, staff = ids[0], ids[1]  # the first of a group manages the next three by reference
        retitle(position / f"{head}.yaml")
        rows.append(
            Row("build after a referenced title change", ametigen(project, "build"), "s", 1.0, LAST)
        )
        manager = position / f"{staff}.yaml"
        manager.write_text(
            manager.read_text("utf-8").replace(
                f"vahetu_juht:\n  ametikoht: {head}\n", "vahetu_juht: Direktor\n", 1
            )
        )
        rows.append(
            Row(
                "build after a manager reference change", ametigen(project, "build"), "s", 1.0, LAST
            )
        )
        added = position / "uus-osakond" / "uus-ametikoht.yaml"
        added.parent.mkdir()
        shutil.copy(position / f"{ids[len(ids) // 2 + 5]}.yaml", added)  # one without links
        rows.append(Row("build after a new position", ametigen(project, "build"), "s", 1.0, LAST))
        added.unlink()
        rows.append(
            Row("build after a deleted position", ametigen(project, "build"), "s", 1.0, LAST)
        )
        touch(middle)
        rows.append(Row("check after one position edit", ametigen(project, "check"), "s", 1.0))
        block = project / "templates" / "blocks" / "ulesanded.yaml"
        block.write_text(block.read_text("utf-8").replace("Välja on", "Välja on nüüd", 1))
        blocked = ametigen(project, "build")
        users = int(LAST.split()[1]) if LAST.startswith("ametigen: ") else count
        rows.append(
            Row(
                "build after a block edit",
                blocked,
                "s",
                full * users / count + 1.0,
                f"users only: {LAST}; target: the full build's rate + 1 s",
            )
        )
        for path in project.rglob("*.yaml"):
            os.utime(path, (0, 0))
        rows.append(
            Row("build after mtime change only", ametigen(project, "build"), "s", 0.5, LAST)
        )
        rows.append(Row("peak memory (largest process, any run)", max(PEAKS), "MB", 400.0))
        if first:
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


def growth(series: dict[int, list[Row]]) -> str:
    """How each figure measured at every size grows per 1,000 positions (first to last size)."""
    counts = sorted(series)
    low, high = counts[0], counts[-1]
    names = [row.name for row in series[low]]
    lines = [
        "| Measurement | "
        + " | ".join(f"{count:,}" for count in counts)
        + " | Growth per 1,000 positions |",
        "|---|" + "---:|" * (len(counts) + 1),
    ]
    for name in names:
        found = {count: row for count in counts for row in series[count] if row.name == name}
        if len(found) != len(counts):
            continue
        unit = found[low].unit
        per = (found[high].value - found[low].value) / ((high - low) / 1000)
        values = " | ".join(f"{found[count].value:.3f} {unit}" for count in counts)
        lines.append(f"| {name} | {values} | {per:+.3f} {unit} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- review (issue 9)

REVIEW_COUNT = 1000


def git(project: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=b@example.org",
            "-C",
            str(project),
            *args,
        ],
        check=True,
        capture_output=True,
    )


def measure_review(count: int) -> list[Row]:
    """diff and redline on a git repository of ``count`` positions: a block change that reaches
    every position, then a folder of every position moved."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="ametigen-bench-review-") as folder:
        project = Path(folder)
        generate(project, count)
        git(project, "init", "-q", "-b", "main")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "alguses")
        block = project / "templates" / "blocks" / "tekstid.yaml"  # the default amendment text
        block.write_text(block.read_text("utf-8").replace("üle kord", "üle vähemalt kord", 1))
        reach = f"block change reaching {count} positions"
        diffed = ametigen(project, "diff", "HEAD", "--format", "markdown")
        rows.append(Row(f"diff, {reach}", diffed, "s", 3.0))
        args = ("redline", "HEAD", "--author", "Bench", "--date", "2025-01-15")
        rows.append(Row(f"redline, {reach}", ametigen(project, *args), "s", 6.0, LAST))
        again = best(3, lambda: ametigen(project, *args))
        rows.append(Row("redline again, nothing changed", again, "s", 1.0, LAST))
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "plokk")
        moved = project / "positions" / "amet"
        moved.mkdir()
        for unit in sorted((project / "positions").iterdir()):
            if unit != moved:
                git(project, "mv", str(unit), str(moved / unit.name))
        for path in moved.rglob("*.yaml"):  # references follow the move
            text = path.read_text("utf-8")
            path.write_text(text.replace("ametikoht: ", "ametikoht: amet/"), "utf-8")
        rows.append(
            Row(f"diff, a folder of {count} positions moved", ametigen(project, "diff"), "s", 10.0)
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


def host_speed() -> float:
    """Milliseconds a fixed piece of pure Python takes here now (best of 3): how fast this host
    runs at the moment of a series. On a shared virtual machine it varies by a third or more
    from minute to minute, with the same code; read the series' figures beside it."""

    def loop() -> float:
        start = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number * number
        return (time.perf_counter() - start) * 1000

    return min(loop() for _ in range(3))


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
    parser.add_argument(
        "--count",
        default=",".join(str(count) for count in COUNTS),
        help="positions, comma-separated sizes (default: %(default)s)",
    )
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    counts = [int(count) for count in args.count.split(",")]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    parts = [f"Machine: {machine()}; load average {load:.1f} at the start\n"]
    series = {}
    for index, count in enumerate(counts):
        speed = host_speed()
        series[count] = measure(count, first=index == 0)
        parts.append(f"### {count:,} positions\n\n{_speed(speed)}{table(series[count])}\n")
        print(parts[-1], flush=True)
    if len(counts) > 1:
        parts.append(f"### Growth\n\n{growth(series)}\n")
        print(parts[-1])
    speed, size = host_speed(), min(min(counts), REVIEW_COUNT)
    review = measure_review(size)
    parts.append(f"### Review, {size:,} positions\n\n{_speed(speed)}{table(review)}\n")
    print(parts[-1])
    series_ok = all(row.ok for rows in series.values() for row in rows)
    if args.write:
        write("\n".join(parts))
    return 0 if series_ok and all(row.ok for row in review) else 1


def _speed(milliseconds: float) -> str:
    return f"Host speed before this series: a fixed Python loop took {milliseconds:.0f} ms.\n\n"


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

"""The per-file import report, in Estonian for the editor."""

from __future__ import annotations

from ametigen.importer.run import FLAG_BELOW, FileReport


def describe(report: FileReport) -> str:
    lines = [f"{report.source} → {report.ident}"]
    lines.append(f"  kujundus: {report.layout}")
    if report.damage:
        lines.append(f"  HOIATUS: {report.damage}")
    lines.append(f"  väljad: {', '.join(report.fields) or '-'}")
    lines.append(f"  plokid: {', '.join(report.blocks) or '-'}")
    if report.unplaced:
        lines.append(f"  paigutamata: {len(report.unplaced)} lõiku (faili lõpus kommentaarina)")
    measured = report.fidelity
    if measured is None:
        lines.append("  sõnade võrdlus: ei saanud ehitada")
        lines += [f"    {problem}" for problem in report.problems]
    else:
        flag = f"  ← alla {FLAG_BELOW:.2f}" if report.flagged else ""
        lines.append(
            f"  allika sõnadest dokumendis: {measured.recall:.3f}; "
            f"dokumendi sõnadest allikas: {measured.precision:.3f}{flag}"
        )
        if report.flagged:
            for label, counter in (("puudu", measured.missing), ("lisandunud", measured.extra)):
                if counter:
                    common = ", ".join(word for word, _ in counter.most_common(12))
                    lines.append(f"    {label}: {common}")
    return "\n".join(lines)

"""`docs/performance.md` is shared by several benchmarks; each rewrites only its own section."""

from __future__ import annotations

from pathlib import Path


def replace_section(report: Path, heading: str, section: str) -> None:
    """Replace the `heading` section (up to the next `## `) or append it; keep everything else."""
    text = report.read_text() if report.exists() else "# Performance\n\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        rest = text[end + 1:] if end >= 0 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)

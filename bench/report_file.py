"""`docs/performance.md` is shared by several benchmarks; each rewrites only its own section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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


def recorded_results(report: Path, mark: str) -> dict[str, Any]:
    """The raw results a benchmark left after `mark` (an HTML comment in its section), so a
    quick rerun keeps the rows of the sizes it did not run; {} when absent or unreadable."""
    text = report.read_text() if report.exists() else ""
    start = text.find(mark)
    if start < 0:
        return {}
    end = text.find(" -->", start)
    try:
        found = json.loads(text[start + len(mark):end])
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}

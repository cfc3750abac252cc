"""The incremental-drift benchmark's report section keeps the rows of earlier tenant counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.incremental import HEADING, previous_results, render
from bench.report_file import replace_section


def result(n: int, total: int) -> dict[str, Any]:
    calls = {"sts:GetCallerIdentity": 1, "cloudtrail:LookupEvents": 1,
             "ListReputationEntities": total - 2}
    return {"tenants": n, "parallelism": 8, "date": "2026-11-29", "machine": "test",
            "rounds": [{"edits": 0, "edited": 0, "recall": 1.0, "same_findings": True,
                        "found": 0, "full_found": 0,
                        "incremental": {"calls": calls, "total": total, "seconds": 1.0,
                                        "paced_seconds": total, "lookups_above_rate": 0,
                                        "touched": 0},
                        "full": {"calls": {}, "total": 2 * n, "seconds": 9.0,
                                 "paced_seconds": 2 * n}}]}


def test_a_rerun_at_one_size_keeps_the_other_sizes_rows(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\n## Other\n\nkept\n")
    replace_section(report, HEADING, render({"10000": result(10_000, 102)}))
    merged = {**previous_results(report), "1000": result(1_000, 12)}
    replace_section(report, HEADING, render(merged))
    text = report.read_text()
    assert "| 10,000 | 0 | **102** | 20,000 |" in text
    assert "| 1,000 | 0 | **12** | 2,000 |" in text
    assert text.index("| 10,000 |") < text.index("| 1,000 |")
    assert "## Other\n\nkept\n" in text
    assert set(previous_results(report)) == {"10000", "1000"}

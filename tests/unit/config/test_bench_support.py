"""The validation benchmark's generated config and its report section (not timed here)."""

from __future__ import annotations

from pathlib import Path

from bench.validate import HEADING, generate, write_section
from reconciler.config.load import load_desired


def test_both_generated_layouts_are_valid_and_resolve_identically(tmp_path: Path) -> None:
    layouts = generate(tmp_path, 25)
    one, split = (load_desired(p) for p in layouts.values())
    assert len(one.tenants) == 25
    assert one.digest == split.digest


def test_writing_the_section_keeps_the_other_sections(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    report.write_text(f"# Performance\n\n{HEADING}\n\nold\n\n## Apply\n\nkept\n")
    write_section(f"{HEADING}\n\nnew\n", report)
    assert report.read_text() == f"# Performance\n\n{HEADING}\n\nnew\n\n## Apply\n\nkept\n"


def test_writing_the_section_appends_it_when_missing(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\n## Apply\n\nkept\n")
    write_section(f"{HEADING}\n\nnew\n", report)
    assert report.read_text() == f"# Performance\n\n## Apply\n\nkept\n\n{HEADING}\n\nnew\n"

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


def test_the_iam_benchmark_config_lists_both_templates_for_every_tenant(tmp_path: Path) -> None:
    from bench.iam import budgets, write_config

    desired = load_desired(write_config(tmp_path, 12, ["ses:SendEmail"]))
    assert len(desired.tenants) == 12
    assert all(set(t.iam) == {"sender", "reader"} for t in desired.tenants.values())
    assert set(desired.iam_templates) == {"sender", "reader"}
    edited = load_desired(write_config(tmp_path, 12, ["ses:SendEmail", "ses:SendBulkEmail"]))
    assert edited.digest != desired.digest
    assert budgets(1000, 2000, 1000, 1000)["plan"][1] == 2021 + 2 + 2000 + 1000

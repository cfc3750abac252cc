"""Golden renderings of the representative plan, its drift report and an apply report."""

from __future__ import annotations

import pytest

from reconciler.render import (
    render_apply_json,
    render_apply_text,
    render_drift_json,
    render_drift_markdown,
    render_drift_text,
    render_plan_json,
    render_plan_markdown,
    render_plan_text,
)
from tests.unit.render.golden import assert_golden
from tests.unit.render.scenario import (
    monitoring_plan,
    ownership_plan,
    representative_plan,
    representative_report,
)

PLAN_RENDERERS = {
    "plan.txt": render_plan_text,
    "plan.json": render_plan_json,
    "plan.md": render_plan_markdown,
    "drift.txt": render_drift_text,
    "drift.json": render_drift_json,
    "drift.md": render_drift_markdown,
}


@pytest.mark.parametrize("name", sorted(PLAN_RENDERERS))
def test_representative_plan_renders_as_its_golden_file(name: str) -> None:
    assert_golden(name, PLAN_RENDERERS[name](representative_plan()))


@pytest.mark.parametrize("name", sorted(PLAN_RENDERERS))
def test_adoption_and_conflict_render_as_their_golden_file(name: str) -> None:
    assert_golden(f"ownership-{name}", PLAN_RENDERERS[name](ownership_plan()))


@pytest.mark.parametrize("name", sorted(PLAN_RENDERERS))
def test_monitoring_renders_in_an_account_level_block_as_its_golden_file(name: str) -> None:
    assert_golden(f"monitoring-{name}", PLAN_RENDERERS[name](monitoring_plan()))


def test_apply_report_text_matches_its_golden_file() -> None:
    assert_golden("apply.txt", render_apply_text(representative_report()))


def test_apply_report_json_matches_its_golden_file() -> None:
    assert_golden("apply.json", render_apply_json(representative_report()))

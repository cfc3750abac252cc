"""JSON plan rendering and apply reports."""

from __future__ import annotations

import json

from reconciler.planning import load_plan
from reconciler.render import render_apply_json, render_apply_text, render_plan_json
from tests.unit.render.scenario import representative_plan, representative_report


def test_plan_json_is_the_loadable_saved_plan() -> None:
    plan = representative_plan()
    assert load_plan(render_plan_json(plan)) == plan


def test_plan_json_has_a_format_version_and_summary() -> None:
    data = json.loads(render_plan_json(representative_plan()))
    assert data["format_version"] == 1
    assert data["summary"] == {"add": 7, "change": 6, "destroy": 4, "tenants": 7, "conflicts": 0}


def test_plan_json_marks_values_known_after_apply() -> None:
    data = json.loads(render_plan_json(representative_plan()))
    create = next(c for c in data["changes"] if c["action"] == "create_tenant")
    assert create["after_unknown"] == ["arn", "id"]
    assert (create["after"]["id"], create["after"]["arn"]) == (None, None)


def test_apply_text_reports_the_error_of_a_failed_change() -> None:
    text = render_apply_text(representative_report())
    assert ("  tenant.NewName:associate:identity/old.example.com\n"
            "    error: TooManyRequestsException: Rate exceeded\n") in text


def test_apply_text_reports_the_failed_prerequisite_of_a_skipped_change() -> None:
    text = render_apply_text(representative_report())
    assert ("tenant.OldName:delete_tenant  (after "
            "tenant.NewName:associate:identity/old.example.com)") in text


def test_apply_text_headline_counts_outcomes() -> None:
    assert render_apply_text(representative_report()).startswith(
        "Apply incomplete: 15 applied, 1 failed, 1 skipped (17 changes, 4.5s).")


def test_apply_json_lists_outcomes_with_status_and_detail() -> None:
    data = json.loads(render_apply_json(representative_report()))
    assert data["summary"] == {"applied": 15, "failed": 1, "skipped": 1, "not_started": 0}
    assert data["ok"] is False
    failed = [o for o in data["outcomes"] if o["status"] == "failed"]
    assert failed[0]["detail"] == "TooManyRequestsException: Rate exceeded"


def test_every_action_is_documented_in_the_json_format_doc() -> None:
    from pathlib import Path

    from reconciler.kinds.tenant import TenantAction as Action

    doc = (Path(__file__).resolve().parents[3] / "docs" / "plan-json.md").read_text()
    assert [a for a in Action if f"`{a}`" not in doc] == []

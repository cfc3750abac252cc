"""Drift reports worded as drift."""

from __future__ import annotations

import json

from reconciler.planning import make_plan
from reconciler.render import render_drift_json, render_drift_text
from tests.unit.planning.builders import desired, have, live, want
from tests.unit.render.scenario import representative_plan


def test_drift_text_counts_drifted_tenants() -> None:
    assert render_drift_text(representative_plan()).endswith("\n7 tenants drifted.\n")


def test_drift_text_names_the_attribute_and_both_sides() -> None:
    text = render_drift_text(representative_plan())
    assert '~ reputation_policy: "none" in the account, "standard" in the config' in text


def test_no_drift_says_so() -> None:
    text = render_drift_text(make_plan(desired(want("A")), live(have("A"))))
    assert text.endswith("No drift. The account matches the configuration.\n")


def test_one_drifted_tenant_is_singular() -> None:
    text = render_drift_text(make_plan(desired(want("A", reputation_policy="strict")),
                                       live(have("A"))))
    assert text.endswith("\n1 tenant drifted.\n")


def test_drift_json_summarises_and_describes_each_item() -> None:
    data = json.loads(render_drift_json(representative_plan()))
    assert data["summary"] == {"tenants_drifted": 7, "items": 11, "conflicts": 0}
    assert data["drift"][0]["description"] == "in the config but absent from the account"

"""Saved plans: round trip, versioning, and refusing stale or foreign plans."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reconciler.errors import AccountMismatchError, StalePlanError
from reconciler.planning import (
    Plan,
    check_saved_plan,
    dump_plan,
    fingerprint,
    fingerprint_names,
    load_plan,
    make_plan,
    plan_chunks,
)
from reconciler.planning.saved import plan_document
from tests.unit.planning.builders import PROTECT, desired, have, live, sup, want

LIVE = live(have("Beta", "identity/b.com", "template/old", tags={"Env": "dev"}),
            have("Old", "identity/o.com"), have("Gone"))
PLAN = make_plan(
    desired(want("Acme", "identity/a.com", tags={"K": "v"}, suppression=sup("TENANT", "BOUNCE"),
                 reputation_policy="strict", protect=True),
            want("Beta", "identity/b.com", tags={"Env": "prod"}, sending_status="DISABLED",
                 suppression=sup("ACCOUNT")),
            want("New", "identity/o.com", replaces="Old")),
    LIVE, scope=None)


def _check(plan=PLAN, **overrides: str) -> None:
    args = {"account": "123456789012", "region": "us-east-1", "config_digest": "sha256:cfg",
            "live_fingerprint": PLAN.fingerprint, **overrides}
    check_saved_plan(plan, **args)


def test_saved_plan_round_trips() -> None:
    assert load_plan(dump_plan(PLAN)) == PLAN


def test_saved_plan_is_versioned_json() -> None:
    data = json.loads(dump_plan(PLAN))
    assert (data["format_version"], data["kind"]) == (1, "ses-reconciler/plan")


@pytest.mark.parametrize("plan", [PLAN, replace(PLAN, changes=())], ids=["changes", "empty"])
def test_saved_plan_text_is_the_indented_dump_of_its_document(plan: Plan) -> None:
    assert dump_plan(plan) == json.dumps(plan_document(plan), indent=2, ensure_ascii=False) + "\n"


def test_saved_plan_is_written_one_change_at_a_time() -> None:
    """A large plan is written without building its whole document in memory."""
    chunks = list(plan_chunks(PLAN))
    assert (len(chunks), "".join(chunks)) == (len(PLAN.changes) + 2, dump_plan(PLAN))


def test_unknown_format_version_is_refused() -> None:
    data = json.loads(dump_plan(PLAN))
    data["format_version"] = 99
    with pytest.raises(StalePlanError, match=r"format version 99; .* reads version 1 only"):
        load_plan(json.dumps(data))


def test_other_json_is_not_a_plan() -> None:
    with pytest.raises(StalePlanError, match="not a saved ses-reconciler plan"):
        load_plan('{"hello": 1}')


def test_invalid_json_is_refused() -> None:
    with pytest.raises(StalePlanError, match="not valid JSON"):
        load_plan("{")


def test_matching_saved_plan_passes() -> None:
    _check()


def test_plan_for_another_account_is_refused() -> None:
    with pytest.raises(AccountMismatchError, match="for account 123456789012 in us-east-1, but "
                                                   "the credentials point at account 999"):
        _check(account="999")


def test_plan_for_another_region_is_refused() -> None:
    with pytest.raises(AccountMismatchError, match="in eu-west-1"):
        _check(region="eu-west-1")


def test_plan_for_another_config_is_refused() -> None:
    with pytest.raises(StalePlanError, match="digest sha256:cfg then, sha256:new now"):
        _check(config_digest="sha256:new")


def test_plan_for_changed_live_state_is_refused() -> None:
    with pytest.raises(StalePlanError, match="changed in the account"):
        _check(live_fingerprint="sha256:other")


def test_fingerprint_ignores_tenants_the_plan_does_not_touch() -> None:
    other = live(*LIVE.tenants.values(), have("Unrelated"))
    assert fingerprint(other, ["Beta"]) == fingerprint(LIVE, ["Beta"])


def test_fingerprint_does_not_depend_on_name_order() -> None:
    assert fingerprint(LIVE, ["Old", "Beta"]) == fingerprint(LIVE, ["Beta", "Old"])


def test_fingerprint_changes_with_a_tag() -> None:
    changed = live(have("Beta", "identity/b.com", "template/old", tags={"Env": "x"}))
    assert fingerprint(changed, ["Beta"]) != fingerprint(LIVE, ["Beta"])


def test_fingerprint_changes_with_the_tenant_id() -> None:
    changed = live(have("Beta", "identity/b.com", "template/old", tags={"Env": "dev"},
                        tenant_id="tn-recreated"))
    assert fingerprint(changed, ["Beta"]) != fingerprint(LIVE, ["Beta"])


def test_fingerprint_counts_a_tenant_appearing() -> None:
    assert fingerprint(live(have("Acme", tags=PROTECT)), ["Acme"]) != fingerprint(LIVE, ["Acme"])


def test_plan_fingerprint_covers_the_changed_tenants() -> None:
    assert PLAN.fingerprint == fingerprint(LIVE, fingerprint_names(PLAN))


def test_targeted_plan_fingerprint_also_covers_unchanged_tenants_in_scope() -> None:
    state = live(have("A"), have("B"))
    plan = make_plan(desired(want("A", tags={"k": "v"}), want("B")), state,
                     scope=frozenset({"A", "B"}))
    assert fingerprint_names(plan) == {"A", "B"}
    assert plan.fingerprint == fingerprint(state, ["A", "B"])

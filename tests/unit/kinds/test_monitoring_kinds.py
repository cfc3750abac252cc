"""Planning the monitoring kinds: pure, from a Desired and a Live built by hand."""

from __future__ import annotations

from typing import Any

from reconciler.kinds.monitoring import (
    EventRule,
    LogGroup,
    LogsPolicy,
    MonitoringAction,
    Target,
    logs_statement,
    same_pattern,
    wanted,
)
from reconciler.kinds.tenant import Tenant
from reconciler.planning import dump_plan, load_plan, make_plan
from reconciler.planning.plan import Plan
from reconciler.render import render_drift, render_plan
from reconciler.state import ArnContext, Desired, Live, Monitoring, Settings

CTX = ArnContext("aws", "us-east-1", "123456789012")
OWNED = {"managed-by": "ses-reconciler"}
MON = Monitoring("SESTenantStatusMonitor", "/aws/ses/tenants", 30)
DESIRED = Desired(Settings(), {"Acme": Tenant("Acme", tags=OWNED)}, monitoring=MON)
LOG_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ses/tenants"


def _in_sync(**rule: Any) -> dict[str, dict[str, Any]]:
    """Live objects exactly as the config wants them (tags unread, as the reader leaves them)."""
    want = wanted(DESIRED, CTX)
    assert want.rule is not None and want.log_group is not None
    return {
        "log_group": {MON.log_group: LogGroup(MON.log_group, 30, arn=LOG_ARN)},
        "log_resource_policy": {MON.log_group: LogsPolicy(
            MON.log_group, MON.policy_name, "log-group", MON.policy_sid,
            logs_statement(MON, CTX), exists=True)},
        "event_rule": {MON.rule_name: EventRule(
            MON.rule_name, "default", rule.pop("pattern", want.rule.pattern),
            targets=want.rule.targets, **rule)},
    }


def _plan(objects: dict[str, dict[str, Any]], desired: Desired = DESIRED) -> Plan:
    live = Live(CTX, {"Acme": Tenant("Acme", tags=OWNED, tenant_id="tn-1",
                                     arn="arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-1")},
                objects=objects)
    return make_plan(desired, live)


def test_patterns_compare_by_meaning_not_by_order_or_json_text() -> None:
    a = {"source": ["aws.ses"], "detail-type": ["Sending Status Disabled",
                                                 "Sending Status Enabled"]}
    b = '{"detail-type": ["Sending Status Enabled", "Sending Status Disabled"], ' \
        '"source": ["aws.ses"]}'
    assert same_pattern(a, b)
    assert not same_pattern(a, {"source": ["aws.ses"], "detail-type": ["Sending Status Enabled"]})


def test_an_account_in_line_with_the_config_plans_nothing() -> None:
    rule = wanted(DESIRED, CTX).rule
    assert rule is not None
    reordered = {"detail-type": list(reversed(rule.pattern["detail-type"])),
                 "source": ["aws.ses"]}
    assert _plan(_in_sync(pattern=reordered)).empty


def test_an_empty_account_creates_group_then_statement_then_rule_then_target() -> None:
    plan = _plan({})
    assert [str(c.action) for c in plan.changes] == [
        "create_log_group", "add_log_policy_statement", "create_event_rule", "put_rule_target"]
    keys = [c.key for c in plan.changes]
    assert [set(c.depends_on) for c in plan.changes] == [
        set(), {keys[0]}, {keys[0], keys[1]}, {keys[0], keys[1], keys[2]}]


def test_monitoring_changes_belong_to_no_tenant_and_do_not_count_as_tenants() -> None:
    plan = _plan({})
    assert {c.tenant for c in plan.changes} == {None}
    assert plan.tenants == () and plan.account_level


def test_a_disabled_owned_rule_is_enabled_again() -> None:
    plan = _plan(_in_sync(state="DISABLED", tags=OWNED))
    [change] = plan.changes
    assert (change.action, change.reason) == (
        MonitoringAction.UPDATE_RULE, "state DISABLED in the account, ENABLED in the config")


def test_a_rule_without_the_ownership_tag_is_only_reported() -> None:
    plan = _plan(_in_sync(state="DISABLED", tags={"Team": "other"}))
    assert plan.empty
    assert any("EventBridge rule SESTenantStatusMonitor exists without the ownership tag" in n
               for n in plan.notices)


def test_another_teams_target_on_our_rule_is_left_in_place() -> None:
    objects = _in_sync(tags=OWNED)
    rule = objects["event_rule"][MON.rule_name]
    foreign = Target("their-lambda", "arn:aws:lambda:us-east-1:123456789012:function:x")
    objects["event_rule"][MON.rule_name] = EventRule(
        rule.name, rule.bus, rule.pattern, targets=(*rule.targets, foreign), tags=OWNED)
    assert _plan(objects).empty


def test_only_managed_tenants_lists_the_config_tenants_but_not_external_ones() -> None:
    desired = Desired(Settings(), {"Acme": Tenant("Acme"), "Theirs": Tenant("Theirs",
                                                                          external=True)},
                      monitoring=Monitoring("R", "/g", only_managed_tenants=True))
    rule = wanted(desired, CTX).rule
    assert rule is not None
    assert rule.pattern["resources"] == [
        {"prefix": "arn:aws:ses:us-east-1:123456789012:tenant/Acme/"}]


def test_a_targeted_plan_leaves_monitoring_alone() -> None:
    live = Live(CTX, {}, scope=frozenset({"Acme"}))
    assert not make_plan(DESIRED, live, scope=frozenset({"Acme"})).account_level


def test_a_saved_plan_with_monitoring_round_trips() -> None:
    plan = _plan(_in_sync(state="DISABLED", tags=OWNED))
    assert load_plan(dump_plan(plan)) == plan


def test_the_plan_shows_monitoring_in_one_account_block_after_the_tenants() -> None:
    desired = Desired(Settings(), {"Acme": Tenant("Acme", tags={**OWNED, "c": "2"})},
                      monitoring=MON)
    text = render_plan(_plan({}, desired), "text")
    assert text.index('~ tenant "Acme"') < text.index("~ account {")
    assert "      + log_group./aws/ses/tenants (retention 30 days)" in text
    markdown = render_plan(_plan({}, desired), "markdown")
    assert "| account-level | ~ account | 4 | 0 | 0 |" in markdown


def test_drift_of_only_monitoring_is_not_reported_as_no_drift() -> None:
    text = render_drift(_plan(_in_sync(state="DISABLED", tags=OWNED)), "text")
    assert "  account-level objects\n    ~ event_rule.SESTenantStatusMonitor: state DISABLED" \
        in text
    assert text.endswith("1 account-level object drifted.\n")


def test_every_monitoring_action_is_documented_in_the_json_format_doc() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "plan-json.md").read_text()
    assert [a for a in MonitoringAction if f"`{a}`" not in doc] == []

"""A representative account and config: creates, updates, a move, a rename, a delete, an
external tenant, notices; a second one about ownership: an adoption and a conflict; a third
with monitoring drifted next to a tenant change."""

from __future__ import annotations

from dataclasses import replace

from reconciler.apply.report import ApplyReport, Outcome
from reconciler.kinds.monitoring import EventRule, LogGroup, LogsPolicy, wanted
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from reconciler.planning.plan import Plan
from reconciler.state import Monitoring
from tests.unit.planning.builders import PROTECT, desired, have, live, sup, want

DESIRED = desired(
    want("Acme", "identity/acme.com", "configuration-set/acme", tags={"CustomerID": "1234"},
         reputation_policy="strict", suppression=sup("TENANT", "BOUNCE", "COMPLAINT"),
         protect=True),
    want("Beta", "identity/beta.com", "identity/shared.example.com",
         tags={"Env": "prod", "Team": "mail"}, reputation_policy="standard",
         sending_status="DISABLED", suppression=sup("ACCOUNT", "BOUNCE")),
    want("Gamma", "configuration-set/gamma"),
    want("NewName", "identity/old.example.com", "configuration-set/old", replaces="OldName"),
    want("Paused"),
    want("Legacy", tags={"Owner": "platform"}, external=True),
)

LIVE = live(
    have("Beta", "identity/beta.com", "template/retired", tags={"Env": "dev", "Old": "x"},
         reputation_policy="none", customer="ENABLED"),
    have("Gamma", "configuration-set/gamma", "identity/shared.example.com"),
    have("OldName", "identity/old.example.com", "configuration-set/old"),
    have("Paused", aws="DISABLED", aws_cause="HIGH bounce rate"),
    have("Legacy", "identity/legacy.com", owned=False, tags={"Team": "core"}),
    have("Gone", "identity/gone.com", tags={"Env": "test"}),
    have("Keep", tags=PROTECT),
    have("Foreign", owned=False),
)

OWNERSHIP_DESIRED = desired(
    want("Orphan", "identity/orphan.com", tags={"Team": "mail"}, adopt=True),
    want("Stray", "identity/stray.com"),
    want("Partner", "identity/partner-new.com", external=True),
)

OWNERSHIP_LIVE = live(
    have("Orphan", "identity/orphan.com", "template/extra", owned=False,
         tags={"Team": "core", "Cost": "42"}, reputation_policy="strict"),
    have("Stray", "identity/stray.com", owned=False, tags={"Team": "web"}),
    have("Partner", "identity/partner.com", owned=False),
)


def representative_plan() -> Plan:
    return make_plan(DESIRED, LIVE)


def ownership_plan() -> Plan:
    """Orphan is adopted (tag first, then a full sync), Stray is a conflict, Partner external."""
    return make_plan(OWNERSHIP_DESIRED, OWNERSHIP_LIVE)


def representative_report() -> ApplyReport:
    """NewName's first association failed, so OldName's delete, which waits for it, was skipped;
    Gamma's association-less changes and the rest applied."""
    outcomes = []
    plan = representative_plan()
    failed = "tenant.NewName:associate:identity/old.example.com"
    for c in plan.changes:
        if c.key == failed:
            outcomes.append(Outcome(c, "failed", "TooManyRequestsException: Rate exceeded", 0.5))
        elif failed in c.depends_on:
            outcomes.append(Outcome(c, "skipped", failed))
        elif c.action is not Action.DELETE_TENANT or c.tenant == "Gone":
            outcomes.append(Outcome(c, "applied", "", 0.25))
    calls = {"CreateTenant": 2, "CreateTenantResourceAssociation": 5, "TagResource": 2}
    return ApplyReport(tuple(outcomes), calls=calls, seconds=4.5)


MONITORING = Monitoring("SESTenantStatusMonitor", "/aws/ses/tenants", 30,
                        policy_scope="account", policy_name="shared-logs")


def monitoring_plan() -> Plan:
    """One tenant tag change next to monitoring changed out of band: the rule disabled and its
    log-group target deleted, the retention shortened, our statement gone from the
    account-level policy another team shares."""
    base = desired(want("Acme", tags={"c": "2"}))
    config = replace(base, monitoring=MONITORING)
    account = live(have("Acme", tags={"c": "1"}))
    rule = wanted(config, account.context).rule
    assert rule is not None
    owned = {"managed-by": "ses-reconciler"}
    objects = {
        "log_group": {"/aws/ses/tenants": LogGroup("/aws/ses/tenants", 7, tags=owned)},
        "log_resource_policy": {"/aws/ses/tenants": LogsPolicy(
            "/aws/ses/tenants", "shared-logs", "account", MONITORING.policy_sid,
            others=('{"Sid": "OtherTeam"}',), exists=True, group_owned=True)},
        "event_rule": {rule.name: EventRule(rule.name, "default", rule.pattern, "DISABLED",
                                            tags=owned)},
    }
    return make_plan(config, replace(account, objects=objects))

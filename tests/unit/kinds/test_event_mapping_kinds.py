"""Which IAM roles and monitoring objects a CloudTrail event touched (pure mapping)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reconciler.kinds.iam_role_events import touched_roles
from reconciler.kinds.monitoring_events import (
    touched_group,
    touched_policy,
    touched_rule,
    touched_topic,
)
from reconciler.state import Alerts, Desired, IamRoleTemplate, Monitoring, Settings
from tests.unit.kinds.test_event_mapping import CTX, event

GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ses/tenants"


def roles() -> Desired:
    template = IamRoleTemplate(name="sender", role_name="ses-${tenant.name}-sender",
                               trust_policy={})
    return Desired(Settings(), {}, iam_roles={"sender": template})


def monitored(**extra: Any) -> Desired:
    mon = Monitoring(rule_name="Watch", log_group="/aws/ses/tenants", **extra)
    return Desired(Settings(), {}, monitoring=mon)


def test_a_role_write_names_its_tenant_and_template_by_role_name() -> None:
    events = [event("UpdateAssumeRolePolicy", {"roleName": "ses-Beta-sender"}),
              event("DetachRolePolicy", {"roleName": "someone-elses-role"})]
    assert touched_roles(events, roles(), CTX) == {"Beta/sender"}


def test_a_rule_is_touched_by_name_only_on_its_bus() -> None:
    mine = event("DisableRule", {"name": "Watch"})
    other_bus = event("DisableRule", {"name": "Watch", "eventBusName": "team-bus"})
    other_rule = event("RemoveTargets", {"rule": "Other"})
    assert touched_rule([mine], monitored(), CTX) == {"Watch"}
    assert touched_rule([other_bus, other_rule], monitored(), CTX) == set()


def test_a_log_group_is_touched_by_name_or_arn_and_its_policy_by_either() -> None:
    by_name = event("PutRetentionPolicy", {"logGroupName": "/aws/ses/tenants"})
    policy = event("PutResourcePolicy", {"policyName": "x", "resourceArn": GROUP_ARN})
    other = event("CreateLogGroup", {"logGroupName": "/other"})
    assert touched_group([by_name], monitored(), CTX) == {"/aws/ses/tenants"}
    assert touched_policy([policy], monitored(), CTX) == {"/aws/ses/tenants"}
    assert touched_group([other], monitored(), CTX) == set()
    assert touched_policy([other], monitored(), CTX) == set()


def test_the_alerts_topic_is_touched_by_its_arn_or_a_subscription_under_it() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:alerts"
    with_alerts = monitored(alerts=Alerts("alerts"))
    assert touched_topic([event("Unsubscribe", {"subscriptionArn": f"{topic}:abc"})],
                         with_alerts, CTX) == {"alerts"}
    assert touched_topic([event("SetTopicAttributes", {"topicArn": f"{topic}-x"})],
                         with_alerts, CTX) == set()
    assert touched_topic([event("DeleteTopic", {"topicArn": topic})],
                         replace(with_alerts, monitoring=replace(
                             with_alerts.monitoring, alerts=None)), CTX) == set()

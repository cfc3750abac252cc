"""The permission table against the gateway's source, and the policy built from it.

Every SES v2 / STS operation the gateway can call must have a row: a method of the boto3
client, named in snake case (`client.get_tenant(`, or passed on as `client.list_tenants`),
is an operation the tool's credentials must allow. DynamoDB is scanned only in the lock module,
its one user: its `tag_resource` would otherwise match SES's; IAM only in the IAM modules; Logs,
CloudWatch, EventBridge and SNS only in the monitoring modules; CloudTrail only in its
event-history module.
"""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
from botocore import xform_name

from reconciler.iam.permissions import OPERATIONS, actions, self_policy

GATEWAY = Path(__file__).resolve().parents[3] / "reconciler" / "aws"
SERVICE_FILES = {"dynamodb": ("lock.py",), "cloudtrail": ("cloudtrail.py",),
                 "iam": tuple(sorted(p.name for p in GATEWAY.glob("iam_*.py"))),
                 "logs": ("log_events.py", "log_groups.py"),
                 "cloudwatch": ("publish.py",),
                 "events": ("publish.py", "event_rules.py"),
                 "sns": ("sns_topics.py",)}
# modules that call only their own service (their tag_resource is not SES's)
SINGLE_SERVICE = frozenset({"log_groups.py", "event_rules.py", "sns_topics.py"})
_ATTRIBUTE = re.compile(r"\.([a-z][a-z0-9_]*)\b")


def _operations_by_method(service: str) -> dict[str, str]:
    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


def referenced_operations(source: str,
                          services: tuple[str, ...] = ("sesv2", "sts")) -> set[tuple[str, str]]:
    """(service, operation) for every client method named in `source`."""
    names = set(_ATTRIBUTE.findall(source))
    return {(service, op) for service in services
            for method, op in _operations_by_method(service).items() if method in names}


def _gateway_operations() -> set[tuple[str, str]]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(GATEWAY.glob("*.py"))
                       if p.name not in SINGLE_SERVICE)
    found = referenced_operations(source)
    for service, files in SERVICE_FILES.items():
        text = "\n".join((GATEWAY / name).read_text(encoding="utf-8") for name in files)
        found |= referenced_operations(text, (service,))
    return found


def test_the_scan_finds_calls_and_passed_on_methods() -> None:
    source = "client.send_email(To=x)\npaginate(self.client.list_tenants, 'Tenants')"
    assert referenced_operations(source) == {("sesv2", "SendEmail"), ("sesv2", "ListTenants")}


def test_every_operation_the_gateway_calls_has_a_row_in_the_table() -> None:
    missing = _gateway_operations() - set(OPERATIONS)
    assert not missing, f"add these operations to reconciler/iam/permissions.py: {missing}"


def test_the_table_holds_no_operation_the_gateway_never_calls() -> None:
    unused = set(OPERATIONS) - _gateway_operations()
    assert not unused, f"least privilege: remove these rows: {unused}"


def test_every_ses_v2_action_uses_the_ses_prefix_and_the_operation_name() -> None:
    for (service, operation), permission in OPERATIONS.items():
        if service == "sesv2":
            assert permission.actions == (f"ses:{operation}",)


def test_the_lock_module_s_dynamodb_calls_are_found() -> None:
    assert {("dynamodb", "PutItem"), ("dynamodb", "UpdateItem"),
            ("dynamodb", "DeleteItem")} <= _gateway_operations()


def test_the_monitoring_calls_are_found() -> None:
    assert {("logs", "FilterLogEvents"), ("cloudwatch", "PutMetricData"),
            ("events", "PutEvents")} <= _gateway_operations()


def test_the_iam_modules_calls_are_found() -> None:
    assert {("iam", "ListPolicies"), ("iam", "GetPolicyVersion"), ("iam", "CreatePolicyVersion"),
            ("iam", "DetachUserPolicy"), ("iam", "UpdateAssumeRolePolicy"),
            ("iam", "DeleteRole")} <= _gateway_operations()


def test_the_monitoring_modules_calls_are_found() -> None:
    assert {("logs", "DescribeLogGroups"), ("logs", "PutResourcePolicy"),
            ("events", "DescribeRule"), ("events", "PutTargets"),
            ("sns", "ListSubscriptionsByTopic"), ("sns", "SetTopicAttributes")
            } <= _gateway_operations()


def test_iam_creates_with_tags_need_the_tag_action_too() -> None:
    assert OPERATIONS[("iam", "CreatePolicy")].actions == ("iam:CreatePolicy", "iam:TagPolicy")
    assert OPERATIONS[("iam", "CreateRole")].actions == ("iam:CreateRole", "iam:TagRole")


def test_get_caller_identity_needs_no_permission() -> None:
    assert OPERATIONS[("sts", "GetCallerIdentity")].actions == ()


def test_the_read_only_policy_has_no_write_action() -> None:
    [read] = self_policy(read_only=True)["Statement"]
    writes = {a for p in OPERATIONS.values() if p.access == "write" for a in p.actions}
    assert read["Action"] == actions(read_only=True)
    assert not writes & set(read["Action"])


def test_the_full_policy_grants_every_action_of_the_table_once() -> None:
    statements = self_policy()["Statement"]
    granted = [a for s in statements for a in s["Action"]]
    assert sorted(granted) == actions()
    assert len(granted) == len(set(granted))

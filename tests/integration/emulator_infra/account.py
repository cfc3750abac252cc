"""A small account touching every kind of resource the reconciler manages, and its read-back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.seeder import Seeder

ClientFactory = Callable[[str], Any]
ACCOUNT, REGION = "123456789012", "us-east-1"
IDENTITY_ARN = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/customer-a.example.com"
CONFIG_SET_ARN = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/customer-a"
LOG_GROUP = "/aws/ses/tenants"


def _document(action: str) -> str:
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})


def populate(client: ClientFactory) -> None:
    """Create tenants with tags, suppression, associations and a policy, plus IAM and monitoring."""
    ses = client("sesv2")
    seed = Seeder(ses, ACCOUNT, REGION)
    seed.identities("customer-a.example.com")
    seed.configuration_sets("customer-a")
    tenant = seed.tenant("CustomerA", {"CustomerID": "1"}, (IDENTITY_ARN, CONFIG_SET_ARN),
                         SuppressionAttributes={"SuppressionScope": "TENANT",
                                                "SuppressedReasons": ["BOUNCE"]})
    seed.tenant("CustomerB", resources=(IDENTITY_ARN,))
    ses.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[{"Key": "Env", "Value": "prod"}])
    ses.create_email_template(TemplateName="welcome",
                              TemplateContent={"Subject": "Hi", "Html": "h"},
                              Tags=[{"Key": "team", "Value": "growth"}])
    ses.put_suppressed_destination(EmailAddress="gone@customer-a.test", Reason="BOUNCE",
                                   TenantName="CustomerA")
    ses.put_suppressed_destination(EmailAddress="gone@everyone.test", Reason="COMPLAINT")
    client("ses").create_template(Template={"TemplateName": "legacy", "SubjectPart": "Old",
                                            "TextPart": "t"})
    ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=tenant["TenantArn"],
        ReputationEntityPolicy=f"arn:aws:ses:{REGION}:aws:reputation-policy/strict")
    ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=tenant["TenantArn"],
        SendingStatus="DISABLED")
    iam = client("iam")
    policy = iam.create_policy(PolicyName="ses-CustomerA-sender",
                               PolicyDocument=_document("ses:SendEmail"))["Policy"]
    iam.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=_document("ses:*"),
                              SetAsDefault=True)
    iam.create_role(RoleName="customer-a-sender", AssumeRolePolicyDocument=_document("sts:*"))
    iam.attach_role_policy(RoleName="customer-a-sender", PolicyArn=policy["Arn"])
    client("logs").create_log_group(logGroupName=LOG_GROUP)
    client("logs").put_retention_policy(logGroupName=LOG_GROUP, retentionInDays=30)
    client("logs").put_resource_policy(policyName="ses-events", policyDocument=_document("logs:*"))
    events = client("events")
    events.put_rule(Name="SESTenantStatusMonitor",
                    EventPattern=json.dumps({"source": ["aws.ses"]}))
    events.put_targets(Rule="SESTenantStatusMonitor", Targets=[
        {"Id": "logs", "Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}"}])


def read_back(client: ClientFactory) -> dict[str, Any]:
    """Everything `populate` made, as the APIs answer it (minus per-request metadata)."""
    ses, iam, events, logs = (client(name) for name in ("sesv2", "iam", "events", "logs"))
    tenants = ses.list_tenants()["Tenants"]
    state: dict[str, Any] = {"tenants": tenants, "identities": ses.list_email_identities(),
                             "config_set": ses.get_configuration_set(
                                 ConfigurationSetName="customer-a")}
    for tenant in tenants:
        name, arn = tenant["TenantName"], tenant["TenantArn"]
        state[name] = {
            "tenant": ses.get_tenant(TenantName=name)["Tenant"],
            "resources": ses.list_tenant_resources(TenantName=name)["TenantResources"],
            "tags": ses.list_tags_for_resource(ResourceArn=arn)["Tags"],
            "suppressed": ses.list_suppressed_destinations(TenantName=name),
            "reputation": ses.get_reputation_entity(
                ReputationEntityType="RESOURCE", ReputationEntityReference=arn),
        }
    state["resource_tenants"] = ses.list_resource_tenants(ResourceArn=IDENTITY_ARN)
    state["account_suppressed"] = ses.list_suppressed_destinations()
    state["templates"] = [ses.get_email_template(TemplateName=t["TemplateName"])
                          for t in ses.list_email_templates()["TemplatesMetadata"]]
    policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/ses-CustomerA-sender"
    state["policy"] = iam.get_policy(PolicyArn=policy_arn)["Policy"]
    state["versions"] = [iam.get_policy_version(PolicyArn=policy_arn, VersionId=v["VersionId"])
                         for v in iam.list_policy_versions(PolicyArn=policy_arn)["Versions"]]
    state["role"] = iam.get_role(RoleName="customer-a-sender")["Role"]
    state["attached"] = iam.list_attached_role_policies(RoleName="customer-a-sender")
    state["rule"] = events.describe_rule(Name="SESTenantStatusMonitor")
    state["targets"] = events.list_targets_by_rule(Rule="SESTenantStatusMonitor")["Targets"]
    state["log_groups"] = logs.describe_log_groups()["logGroups"]
    state["resource_policies"] = logs.describe_resource_policies()["resourcePolicies"]
    return _without_metadata(state)


def _without_metadata(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_metadata(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_without_metadata(v) for v in value]
    return value

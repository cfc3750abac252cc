"""Which tenants and IAM policies a CloudTrail event touched (pure mapping, no account)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reconciler.aws.cloudtrail import TrailEvent
from reconciler.kinds.iam_policy_events import touched_policies
from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant_events import touched_tenants
from reconciler.state import ArnContext, Desired, IamTemplate, ResourceRef, Settings

CTX = ArnContext("aws", "us-east-1", "123456789012")
TENANT_ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-0123"


def event(name: str, request: dict[str, Any] | None = None,
          resources: tuple[str, ...] = ()) -> TrailEvent:
    return TrailEvent(name=name, source="ses.amazonaws.com",
                      time=dt.datetime(2026, 11, 29, tzinfo=dt.UTC), user_agent="console",
                      username="mallory", error_code=None, request=request or {},
                      response={}, resources=resources)


def desired() -> Desired:
    shared = ResourceRef("configuration-set", "shared")
    tenants = {
        "Acme": Tenant(name="Acme", resources=frozenset({shared})),
        "Beta": Tenant(name="Beta", resources=frozenset({
            shared, ResourceRef("identity", "beta.example.com")})),
    }
    template = IamTemplate(name="sender", policy_name="ses-${tenant.name}-sender",
                           document={})
    return Desired(Settings(), tenants, iam_templates={"sender": template})


def test_a_tenant_is_named_by_name_or_by_its_arn() -> None:
    events = [event("PutTenantSuppressionAttributes", {"tenantName": "Zed"}),
              event("TagResource", {"resourceArn": TENANT_ARN})]
    assert touched_tenants(events, desired(), CTX) == {"Zed", "Acme"}


def test_a_tenant_of_another_region_is_not_this_configs() -> None:
    other = TENANT_ARN.replace("us-east-1", "eu-west-1")
    assert touched_tenants([event("TagResource", {"resourceArn": other})], desired(),
                           CTX) == set()


def test_deleting_an_associated_resource_touches_the_tenants_the_config_gives_it() -> None:
    events = [event("DeleteEmailIdentity", {"emailIdentity": "beta.example.com"})]
    assert touched_tenants(events, desired(), CTX) == {"Beta"}
    by_arn = [event("DeleteConfigurationSet", {}, (
        "arn:aws:ses:us-east-1:123456789012:configuration-set/shared",))]
    assert touched_tenants(by_arn, desired(), CTX) == {"Acme", "Beta"}


def test_creating_or_associating_a_resource_touches_only_the_named_tenant() -> None:
    events = [event("CreateEmailIdentity", {"emailIdentity": "beta.example.com"}),
              event("DeleteTenantResourceAssociation", {
                  "tenantName": "Acme",
                  "resourceArn": "arn:aws:ses:us-east-1:123456789012:configuration-set/shared"})]
    assert touched_tenants(events, desired(), CTX) == {"Acme"}


def test_a_policy_name_or_arn_gives_back_its_tenant_and_template() -> None:
    events = [event("CreatePolicyVersion", {
        "policyArn": "arn:aws:iam::123456789012:policy/ses-reconciler/ses-Beta-sender"}),
        event("CreatePolicy", {"policyName": "ses-Gone-sender"}),
        event("CreatePolicy", {"policyName": "unrelated"})]
    assert touched_policies(events, desired(), CTX) == {"Beta/sender", "Gone/sender"}

"""Parsing SES v2 answers into the shared state types, including the shapes seen in the wild."""

from __future__ import annotations

from reconciler.aws.wire import (
    policy_from_arn,
    resource_from_wire,
    status_from_entity,
    suppression_from_wire,
    tags_from_wire,
)
from reconciler.kinds.tenant import from_wire
from reconciler.state import ArnContext, LiveStatus, ResourceRef, Suppression

CTX = ArnContext("aws", "us-east-1", "123456789012")
ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-0123456789abcdef0123456789abc"


def test_resource_type_segment_spelling_parses_from_the_arn() -> None:
    item = {"ResourceType": "identity",
            "ResourceArn": "arn:aws:ses:us-east-1:123456789012:identity/acme.com"}
    assert resource_from_wire(item, CTX) == ResourceRef("identity", "acme.com")


def test_resource_type_model_spelling_parses_the_same() -> None:
    item = {"ResourceType": "CONFIGURATION_SET",
            "ResourceArn": "arn:aws:ses:us-east-1:123456789012:configuration-set/acme"}
    assert resource_from_wire(item, CTX) == ResourceRef("configuration-set", "acme")


def test_resource_of_another_region_keeps_its_full_arn() -> None:
    arn = "arn:aws:ses:eu-west-1:123456789012:template/welcome"
    ref = resource_from_wire({"ResourceType": "template", "ResourceArn": arn}, CTX)
    assert ref == ResourceRef("template", arn)
    assert ref != ResourceRef("template", "welcome")


def test_resource_of_an_unsupported_type_is_skipped() -> None:
    item = {"ResourceType": "contact-list",
            "ResourceArn": "arn:aws:ses:us-east-1:123456789012:contact-list/x"}
    assert resource_from_wire(item, CTX) is None


def test_aws_reserved_tags_are_ignored_and_keys_sorted() -> None:
    wire = [{"Key": "b", "Value": "2"}, {"Key": "aws:cfn", "Value": "x"}, {"Key": "a", "Value": ""}]
    assert list(tags_from_wire(wire).items()) == [("a", ""), ("b", "2")]


def test_absent_or_empty_suppression_is_none() -> None:
    assert suppression_from_wire(None) is None
    assert suppression_from_wire({}) is None


def test_stored_suppression_pair_with_empty_reasons_is_kept() -> None:
    wire = {"SuppressionScope": "ACCOUNT", "SuppressedReasons": []}
    assert suppression_from_wire(wire) == Suppression("ACCOUNT", frozenset())


def test_policy_is_the_last_segment_of_its_arn() -> None:
    assert policy_from_arn("arn:aws-cn:ses:cn-north-1:aws:reputation-policy/strict") == "strict"


def test_missing_entity_reads_as_a_fresh_enabled_tenant() -> None:
    assert status_from_entity(None, None) == LiveStatus(aggregate="ENABLED")


def test_entity_statuses_and_unmodelled_impact_are_kept() -> None:
    entity = {"SendingStatusAggregate": "DISABLED", "ReputationImpact": "NONE",
              "AwsSesManagedStatus": {"Status": "DISABLED", "Cause": "bounces"},
              "CustomerManagedStatus": {"Status": "ENABLED", "Cause": "Status manually updated."}}
    assert status_from_entity(entity, "ENABLED") == LiveStatus(
        customer="ENABLED", aws="DISABLED", aggregate="DISABLED", impact="NONE",
        aws_cause="bounces", customer_cause="Status manually updated.")


def test_tenant_without_customer_status_reads_as_enabled_with_entity_policy() -> None:
    wire = {"TenantName": "Acme", "TenantId": "tn-1", "TenantArn": ARN, "CreatedTimestamp": 5}
    entity = {"ReputationManagementPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/none",
              "SendingStatusAggregate": "ENABLED"}
    tenant = from_wire(wire, entity, frozenset())
    assert (tenant.sending_status, tenant.reputation_policy, tenant.created) == (
        "ENABLED", "none", 5.0)

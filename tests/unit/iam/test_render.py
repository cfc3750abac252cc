"""Substitution of placeholders into per-tenant IAM policies."""

from __future__ import annotations

import json

import pytest

from reconciler.errors import RunError
from reconciler.iam.render import (
    KNOWN_AFTER_APPLY,
    offline_context,
    partition_for_region,
    policies_json,
    policies_text,
    render_policies,
    select_tenants,
)
from reconciler.state import Settings
from tests.unit.iam.builders import CONTEXT, desired, document, live, statement

ALL = "${tenant.name}|${tenant.id}|${tenant.arn}|${account_id}|${region}|${partition}"


def _only_document(templates: dict, live_tenants: dict | None = None) -> dict:
    state = desired(templates)
    [policy] = render_policies(state, ["Acme"], CONTEXT, live_tenants or {})
    return policy.document


def test_every_placeholder_is_replaced_with_the_live_tenant_and_the_account() -> None:
    doc = _only_document({"t": document(statement(Sid=ALL))}, {"Acme": live("Acme")})
    assert doc["Statement"][0]["Sid"] == (
        "Acme|tid-1|arn:aws:ses:eu-west-1:123456789012:tenant/Acme/tid-1|123456789012|"
        "eu-west-1|aws")


def test_a_tenant_not_in_the_account_renders_id_and_arn_as_known_after_apply() -> None:
    doc = _only_document({"t": document(statement(Sid="${tenant.id} ${tenant.arn}"))})
    assert doc["Statement"][0]["Sid"] == f"{KNOWN_AFTER_APPLY} {KNOWN_AFTER_APPLY}"


def test_a_resource_known_only_after_apply_passes_the_arn_check() -> None:
    doc = _only_document({"t": document(statement(Resource="${tenant.arn}"))})
    assert doc["Statement"][0]["Resource"] == KNOWN_AFTER_APPLY


def test_iam_policy_variables_pass_through_untouched() -> None:
    resource = "arn:aws:ses:*:*:identity/${aws:username}-${tenant.name}"
    doc = _only_document({"t": document(statement(Resource=resource))})
    assert doc["Statement"][0]["Resource"] == "arn:aws:ses:*:*:identity/${aws:username}-Acme"


def test_placeholders_in_mapping_keys_are_replaced() -> None:
    condition = {"StringEquals": {"aws:ResourceTag/${tenant.name}-owner": "${region}"}}
    doc = _only_document({"t": document(statement(Condition=condition))})
    assert doc["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/Acme-owner": "eu-west-1"}}


def test_strings_inside_nested_lists_are_replaced() -> None:
    condition = {"StringEquals": {"aws:x": [["${tenant.name}"], "${region}"]}}
    doc = _only_document({"t": document(statement(Condition=condition))})
    assert doc["Statement"][0]["Condition"]["StringEquals"]["aws:x"] == [["Acme"], "eu-west-1"]


def test_the_policy_name_is_rendered_per_tenant() -> None:
    state = desired({"t": document()}, {"Acme": ("t",), "Beta": ("t",)})
    names = [p.policy_name for p in render_policies(state, ["Acme", "Beta"], CONTEXT, {})]
    assert names == ["p-Acme-t", "p-Beta-t"]


def test_without_names_every_tenant_with_templates_is_selected() -> None:
    state = desired({"t": document()}, {"Acme": ("t",), "Bare": (), "Beta": ("t",)})
    assert select_tenants(state, ()) == ["Acme", "Beta"]


def test_selecting_a_tenant_absent_from_the_config_is_refused() -> None:
    with pytest.raises(RunError, match="no tenant named 'Ghost' in the config"):
        select_tenants(desired({"t": document()}), ["Ghost"])


def test_offline_takes_account_and_region_from_settings() -> None:
    context = offline_context(Settings(region="cn-north-1", account_id="111122223333"))
    assert (context.account_id, context.region, context.partition) == (
        "111122223333", "cn-north-1", "aws-cn")


def test_offline_without_an_account_id_in_settings_is_refused() -> None:
    with pytest.raises(RunError, match=r"--offline needs settings.account_id"):
        offline_context(Settings(account_id=None))


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-northwest-1", "aws-cn")])
def test_the_partition_follows_the_region(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition


def test_json_output_maps_tenant_to_policy_name_to_document() -> None:
    state = desired({"t": document()}, {"Acme": ("t",), "Bare": ()})
    policies = render_policies(state, ["Acme", "Bare"], CONTEXT, {})
    assert json.loads(policies_json(policies, ["Bare", "Acme"])) == {
        "Acme": {"p-Acme-t": document()}, "Bare": {}}


def test_text_output_heads_each_policy_with_tenant_name_and_template() -> None:
    policies = render_policies(desired({"t": document()}), ["Acme"], CONTEXT, {})
    text = policies_text(policies)
    assert text.startswith("# tenant Acme: policy p-Acme-t (template t)\n{\n")
    assert json.loads(text.split("\n", 1)[1]) == document()

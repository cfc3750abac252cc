"""Resolution into `Desired`: defaults -> tier -> tenant, and the public loading API."""

from __future__ import annotations

from pathlib import Path

from reconciler.config.load import load_desired, load_desired_texts
from reconciler.diagnostics import Location, Source
from reconciler.state import ResourceRef, Settings, Suppression

EXAMPLE = Path(__file__).resolve().parents[3] / "configs" / "example"

LAYERED = {
    "settings.yaml": """\
settings: {region: us-east-1, account_id: "123456789012"}
defaults:
  reputation_policy: standard
  tags: {Environment: Production, Team: platform}
  resources: {templates: [footer]}
  iam: [reader]
iam_templates:
  reader: {policy_name: "r-${tenant.name}", document: &doc {Version: "2012-10-17",
           Statement: {Effect: Allow, Action: "ses:GetTenant", Resource: "${tenant.arn}"}}}
  sender: {policy_name: "s-${tenant.name}", document: *doc}
tiers:
  free:
    reputation_policy: strict
    sending_status: DISABLED
    tags: {Tier: free, Team: growth}
    resources: {identities: [mail.free.example.com], configuration_sets: [free]}
    suppression: {scope: TENANT, reasons: [BOUNCE]}
    iam: [sender]
""",
    "tenants/acme.yaml": """\
tenants:
  Acme:
    tier: free
    tags: {Team: acme-mail, CustomerID: "1"}
    resources:
      identities: ["arn:aws:ses:us-east-1:123456789012:identity/acme.example.com"]
    sending_status: ENABLED
""",
}


def test_example_config_is_valid_with_ten_tenants() -> None:
    desired = load_desired(EXAMPLE)
    assert len(desired.tenants) == 10
    assert desired.settings.target == "local" and desired.settings.prune is True


def test_tier_scalars_apply_when_the_tenant_does_not_write_them() -> None:
    acme = load_desired_texts(LAYERED).tenants["Acme"]
    assert acme.reputation_policy == "strict"
    assert acme.suppression == Suppression("TENANT", frozenset({"BOUNCE"}))


def test_tenant_scalars_override_the_tier() -> None:
    assert load_desired_texts(LAYERED).tenants["Acme"].sending_status == "ENABLED"


ACME_ARN = "arn:aws:ses:us-east-1:123456789012:identity/acme.example.com"


def test_resources_are_unioned_across_layers_and_arns_kept_whole() -> None:
    acme = load_desired_texts(LAYERED).tenants["Acme"]
    assert acme.resources == frozenset({
        ResourceRef("template", "footer"),
        ResourceRef("identity", "mail.free.example.com"),
        ResourceRef("configuration-set", "free"),
        ResourceRef("identity", ACME_ARN),
    })


def test_each_resource_named_by_arn_remembers_where_it_was_written() -> None:
    desired = load_desired_texts(LAYERED)
    assert desired.arn_sources == {ResourceRef("identity", ACME_ARN): Source(
        Location("tenants/acme.yaml", 6, 20), "tenants.Acme.resources.identities[0]")}


def test_tags_merge_by_key_with_the_tenant_winning() -> None:
    acme = load_desired_texts(LAYERED).tenants["Acme"]
    assert dict(acme.tags) == {"CustomerID": "1", "Environment": "Production",
                               "Team": "acme-mail", "Tier": "free"}


def test_desired_tenants_do_not_carry_the_ownership_tag() -> None:
    for tenant in load_desired(EXAMPLE).tenants.values():
        assert "managed-by" not in tenant.tags


def test_iam_templates_are_unioned_across_layers() -> None:
    assert load_desired_texts(LAYERED).tenants["Acme"].iam == ("reader", "sender")


def test_tenant_source_is_the_location_of_its_definition() -> None:
    acme = load_desired_texts(LAYERED).tenants["Acme"]
    assert acme.source == Location("tenants/acme.yaml", 2, 3)


def test_renamed_from_maps_to_replaces() -> None:
    desired = load_desired_texts({"t.yaml": "tenants:\n  Acme-Corp: {renamed_from: Acme}\n"})
    assert desired.tenants["Acme-Corp"].replaces == "Acme"


def test_empty_suppression_means_never_set() -> None:
    desired = load_desired_texts({"t.yaml": "tenants:\n  Acme: {suppression: {}}\n"})
    assert desired.tenants["Acme"].suppression is None


def test_tenant_can_clear_a_tier_suppression_with_null() -> None:
    files = {"t.yaml": "tiers:\n  t: {suppression: {scope: TENANT, reasons: []}}\n"
                       "tenants:\n  Acme: {tier: t, suppression: null}\n"}
    assert load_desired_texts(files).tenants["Acme"].suppression is None


def test_settings_are_flattened_into_the_shared_settings_type() -> None:
    text = ("settings:\n  region: eu-west-1\n  ownership: {tag_key: owner, tag_value: me}\n"
            "  safety: {max_delete_percent: 5, max_change_percent: 20, min_tenants: 3}\n"
            "  max_tenants: 50\n")
    assert load_desired_texts({"s.yaml": text}).settings == Settings(
        region="eu-west-1", ownership_tag_key="owner", ownership_tag_value="me",
        max_delete_percent=5, max_change_percent=20, max_tenants=50, min_tenants=3)


def test_safety_floor_defaults_to_ten_owned_tenants() -> None:
    assert load_desired_texts({"s.yaml": "settings: {}\n"}).settings.min_tenants == 10


def test_iam_templates_and_monitoring_are_resolved() -> None:
    desired = load_desired(EXAMPLE)
    assert sorted(desired.iam_templates) == ["monitoring-readonly", "sender", "tenant-admin"]
    assert desired.iam_templates["sender"].policy_name == "ses-${tenant.name}-sender"
    assert desired.monitoring is not None and desired.monitoring.retention_days == 30


def test_a_file_holding_one_tenant_merges_with_the_rest() -> None:
    desired = load_desired_texts({**LAYERED, "tenants/globex.yaml":
                                  "tenants:\n  Globex: {tier: free}\n"})
    assert sorted(desired.tenants) == ["Acme", "Globex"]
    assert desired.tenants["Globex"].reputation_policy == "strict"


def test_tenants_are_sorted_by_name() -> None:
    files = {"t.yaml": "tenants:\n  b: {}\n  C: {}\n  a: {}\n"}
    assert list(load_desired_texts(files).tenants) == ["C", "a", "b"]


def test_an_empty_config_file_is_allowed() -> None:
    desired = load_desired_texts({"empty.yaml": "# nothing yet\n", **LAYERED})
    assert list(desired.tenants) == ["Acme"]


def test_a_tenant_given_by_name_alone_takes_the_defaults() -> None:
    desired = load_desired_texts({"t.yaml": "defaults: {reputation_policy: strict}\n"
                                            "tenants:\n  Bakery:\n"})
    assert desired.tenants["Bakery"].reputation_policy == "strict"


def test_declared_lists_the_scalars_some_layer_wrote() -> None:
    desired = load_desired_texts({"t.yaml": """\
defaults: {reputation_policy: strict}
tenants:
  Bare: {}
  Paused: {sending_status: DISABLED, suppression: {scope: TENANT, reasons: [BOUNCE]}}
"""})
    assert desired.tenants["Bare"].declared == {"reputation_policy"}
    assert desired.tenants["Paused"].declared == {"reputation_policy", "sending_status",
                                                  "suppression"}

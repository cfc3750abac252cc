"""IAM settings, attachments and role templates resolve into plain data in `Desired`."""

from __future__ import annotations

from reconciler.config.load import load_desired_texts
from reconciler.iam.render import PolicyContext, placeholder_values
from reconciler.iam.specs import policy_specs, role_specs
from reconciler.state import Attachments, Desired

TEMPLATES = """\
iam_templates:
  sender:
    policy_name: "ses-${tenant.name}-sender"
    attach: {roles: [mail-app], users: [ci-bot]}
    document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: ses:SendEmail
          Resource: "*"
          Condition: {StringEquals: {"ses:TenantName": "${tenant.name}"}}
  reader:
    policy_name: "ses-${tenant.name}-reader"
    document:
      Version: "2012-10-17"
      Statement: {Effect: Allow, Action: ses:GetTenant, Resource: "${tenant.arn}"}
iam_roles:
  customer:
    role_name: "ses-${tenant.name}-customer"
    max_session_duration: 7200
    policies: [sender]
    trust_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {AWS: "arn:aws:iam::111122223333:root"}
          Action: sts:AssumeRole
          Condition: {StringEquals: {"sts:ExternalId": "${tenant.id}"}}
"""
TENANTS = """\
defaults:
  iam: [reader]
  iam_attach: {reader: {groups: [auditors]}}
tiers:
  pro: {iam: [sender], iam_attach: {sender: {roles: [pro-app]}}}
tenants:
  Acme:
    tier: pro
    iam_attach: {sender: {roles: ["acme-${tenant.name}"]}}
    iam_roles: [customer]
  Bare: {}
"""
CONTEXT = PolicyContext("123456789012", "us-east-1", "aws")


def _load(settings: str = "") -> Desired:
    return load_desired_texts({"a.yaml": settings + TEMPLATES, "b.yaml": TENANTS})


def test_the_iam_path_defaults_to_ses_reconciler() -> None:
    desired = _load()
    assert desired.settings.iam_path == "/ses-reconciler/"
    assert desired.iam_roles["customer"].path == "/ses-reconciler/"


def test_settings_iam_sets_path_extra_services_and_trust_quota() -> None:
    desired = _load("settings:\n  iam: {path: /mail/, extra_services: [s3, s3], "
                    "trust_policy_max_chars: 4096}\n")
    settings = desired.settings
    assert (settings.iam_path, settings.iam_extra_services,
            settings.iam_trust_policy_max_chars) == ("/mail/", ("s3",), 4096)
    assert desired.iam_roles["customer"].path == "/mail/"


def test_an_extra_service_lets_its_actions_through_validation() -> None:
    doc = TEMPLATES.replace("Action: ses:GetTenant", "Action: s3:ListBucket")
    desired = load_desired_texts({"a.yaml": "settings: {iam: {extra_services: [s3]}}\n" + doc,
                                  "b.yaml": TENANTS})
    assert desired.iam_templates["reader"].document["Statement"]["Action"] == "s3:ListBucket"


def test_a_template_keeps_its_attachments() -> None:
    assert _load().iam_templates["sender"].attach == Attachments(
        roles=("mail-app",), users=("ci-bot",))


def test_tenant_attachments_are_unioned_across_layers_per_template() -> None:
    acme = _load().tenants["Acme"]
    assert acme.iam_attach == {
        "reader": Attachments(groups=("auditors",)),
        "sender": Attachments(roles=("acme-${tenant.name}", "pro-app"))}


def test_a_role_template_resolves_to_plain_data() -> None:
    role = _load().iam_roles["customer"]
    assert (role.role_name, role.max_session_duration, role.policies) == (
        "ses-${tenant.name}-customer", 7200, ("sender",))
    assert _load().tenants["Acme"].iam_roles == ("customer",)


def test_attachments_and_roles_change_the_digest() -> None:
    base = _load().digest
    other = load_desired_texts({"a.yaml": TEMPLATES.replace("[mail-app]", "[mail-app2]"),
                                "b.yaml": TENANTS}).digest
    assert base != other


def test_a_policy_spec_joins_template_and_tenant_principals_rendered() -> None:
    desired = _load()
    values = placeholder_values("Acme", None, CONTEXT)
    specs = {s.template: s for s in policy_specs(desired, "Acme", values)}
    assert specs["sender"].attach == Attachments(
        roles=("acme-Acme", "mail-app", "pro-app"), users=("ci-bot",))
    assert specs["reader"].policy_name == "ses-Acme-reader"
    assert specs["reader"].document["Statement"]["Resource"] == "(known after apply)"
    assert specs["reader"].path == "/ses-reconciler/"


def test_a_role_spec_names_the_tenant_policies_its_template_attaches() -> None:
    desired = _load()
    [role] = role_specs(desired, "Acme", placeholder_values("Acme", None, CONTEXT))
    assert (role.role_name, role.policies) == ("ses-Acme-customer", ("ses-Acme-sender",))
    condition = role.trust_policy["Statement"][0]["Condition"]["StringEquals"]
    assert condition == {"sts:ExternalId": "(known after apply)"}

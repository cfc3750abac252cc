"""Live tenant -> config document, checked by loading the document back through the loader."""

from __future__ import annotations

import re

import yaml

from reconciler.config.load import load_desired_texts
from reconciler.kinds.tenant import Tenant
from reconciler.operations.importer import import_summary, import_tenant, import_tenants
from reconciler.state import Settings
from tests.unit.planning.builders import have, sup

SETTINGS = Settings()
SCHEMA = "../schemas/ses-reconciler.schema.json"
SETTINGS_TEXT = "settings: {region: us-east-1}\n"


def _body(tenant: Tenant) -> dict[str, object]:
    document = yaml.safe_load(import_tenant(tenant, SETTINGS, SCHEMA).text)
    return document["tenants"][tenant.name]  # type: ignore[no-any-return]


def _reloaded(tenant: Tenant) -> Tenant:
    text = import_tenant(tenant, SETTINGS, SCHEMA).text
    desired = load_desired_texts({"settings.yaml": SETTINGS_TEXT, "t.yaml": text})
    return desired.tenants[tenant.name]


def test_first_line_is_the_schema_modeline() -> None:
    text = import_tenant(have("Acme"), SETTINGS, SCHEMA).text
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA}"


def test_ownership_and_aws_tags_are_left_out() -> None:
    tenant = have("Acme", tags={"CustomerID": "1234", "aws:created": "x"})
    assert _body(tenant)["tags"] == {"CustomerID": "1234"}


def test_protect_tag_becomes_protect_true() -> None:
    body = _body(have("Acme", tags={"managed-by:protect": "true"}))
    assert body["protect"] is True and "tags" not in body


def test_resources_are_grouped_by_kind_and_sorted() -> None:
    tenant = have("Acme", "template/welcome", "identity/b.example.com",
                  "identity/a.example.com", "configuration-set/acme")
    assert _body(tenant)["resources"] == {
        "identities": ["a.example.com", "b.example.com"], "configuration_sets": ["acme"],
        "templates": ["welcome"]}


def test_sending_status_is_omitted_when_never_written() -> None:
    assert "sending_status" not in _body(have("Acme", customer=None))


def test_sending_status_written_by_a_customer_is_kept() -> None:
    assert _body(have("Acme", customer="REINSTATED"))["sending_status"] == "REINSTATED"


def test_unset_suppression_is_written_as_null() -> None:
    assert _body(have("Acme"))["suppression"] is None


def test_document_loads_back_to_the_same_attributes() -> None:
    tenant = have("Acme", "identity/acme.example.com", tags={"Env": "yes"},
                  reputation_policy="strict", suppression=sup("ACCOUNT"), customer="DISABLED")
    back = _reloaded(tenant)
    assert dict(back.tags) == {"Env": "yes"}
    assert (back.resources, back.reputation_policy, back.sending_status, back.suppression) == (
        tenant.resources, "strict", "DISABLED", sup("ACCOUNT"))


def test_select_searches_names_and_sorts() -> None:
    tenants = {n: have(n) for n in ("Shop-B", "Other", "Shop-A")}
    chosen = import_tenants(tenants, SETTINGS, re.compile("^Shop"), SCHEMA)
    assert [t.name for t in chosen] == ["Shop-A", "Shop-B"]


def test_unowned_tenant_is_written_external_by_default() -> None:
    text = import_tenant(have("Stray", owned=False), SETTINGS, SCHEMA).text
    back = load_desired_texts({"settings.yaml": SETTINGS_TEXT, "t.yaml": text}).tenants["Stray"]
    assert (back.external, back.adopt) == (True, False)


def test_unowned_tenant_is_written_adopt_with_the_adopt_option() -> None:
    text = import_tenant(have("Stray", owned=False), SETTINGS, SCHEMA, adopt=True).text
    back = load_desired_texts({"settings.yaml": SETTINGS_TEXT, "t.yaml": text}).tenants["Stray"]
    assert (back.external, back.adopt) == (False, True)


def test_owned_tenant_is_written_without_adopt_or_external() -> None:
    body = _body(have("Acme"))
    assert "adopt" not in body and "external" not in body


def test_adopt_option_leaves_owned_tenants_alone() -> None:
    imported = import_tenant(have("Acme"), SETTINGS, SCHEMA, adopt=True)
    assert "adopt" not in yaml.safe_load(imported.text)["tenants"]["Acme"]
    assert not imported.adopt


def test_summary_says_unowned_tenants_were_written_external() -> None:
    imported = import_tenants({"Stray": have("Stray", owned=False)}, SETTINGS, None, SCHEMA)
    summary = import_summary(imported, "imported", SETTINGS)
    assert "Stray.yaml  (not owned) external: true" in summary
    assert "without the ownership tag managed-by=ses-reconciler were written with" in summary
    assert "(or import again with --adopt)" in summary


def test_summary_says_unowned_tenants_will_be_adopted_with_the_adopt_option() -> None:
    imported = import_tenants({"Stray": have("Stray", owned=False)}, SETTINGS, None, SCHEMA,
                              adopt=True)
    summary = import_summary(imported, "imported", SETTINGS)
    assert "Stray.yaml  (not owned) adopt: true" in summary
    assert 'the plan shows them as "will be adopted"' in summary


def test_summary_of_nothing_says_nothing_was_written() -> None:
    assert import_summary([], "imported", SETTINGS).startswith("No live tenant matched")

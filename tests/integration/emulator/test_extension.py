"""`install()` is idempotent and leaves moto's own SES v2 operations working."""

from __future__ import annotations

from typing import Any

from moto.sesv2.responses import SESV2Response

from reconciler.emulator.extension import install, installed
from reconciler.emulator.responses import TenantResponses


def test_install_twice_keeps_moto_originals_reachable(sesv2: Any) -> None:
    install()
    install()
    assert installed()
    original = SESV2Response._moto_tag_resource  # type: ignore[attr-defined]
    assert original is not TenantResponses.tag_resource
    sesv2.create_tenant(TenantName="acme")
    assert [t["TenantName"] for t in sesv2.list_tenants()["Tenants"]] == ["acme"]


def test_moto_identity_and_configuration_set_operations_still_answer(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    identities = sesv2.list_email_identities()["EmailIdentities"]
    assert [i["IdentityName"] for i in identities] == ["example.com"]
    assert sesv2.list_configuration_sets()["ConfigurationSets"] == ["cs"]

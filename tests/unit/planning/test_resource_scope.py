"""Resources named by full ARN, against the account and Region of the run."""

from __future__ import annotations

import pytest

from reconciler.diagnostics import Location, Source
from reconciler.errors import AccountMismatchError
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from reconciler.planning.resource_scope import check_resource_scope, localize
from reconciler.state import ArnContext, Desired, ResourceRef, Settings
from tests.unit.planning.builders import CTX, desired, have, live, only, want

HOME = "arn:aws:ses:us-east-1:123456789012"
OTHER_ACCOUNT = "arn:aws:ses:us-east-1:999999999999:identity/a.com"
OTHER_REGION = "arn:aws:ses:eu-west-1:123456789012:identity/a.com"


def test_arn_of_the_run_account_and_region_means_its_bare_name() -> None:
    assert CTX.localize(ResourceRef("identity", f"{HOME}:identity/a.com")) == ResourceRef(
        "identity", "a.com")


@pytest.mark.parametrize("arn", [OTHER_ACCOUNT, OTHER_REGION,
                                 "arn:aws-cn:ses:us-east-1:123456789012:identity/a.com"])
def test_arn_elsewhere_stays_whole(arn: str) -> None:
    assert CTX.localize(ResourceRef("identity", arn)) == ResourceRef("identity", arn)


def test_arn_of_another_resource_type_than_its_field_stays_whole() -> None:
    ref = ResourceRef("template", f"{HOME}:identity/a.com")
    assert CTX.localize(ref) == ref


def test_localize_keeps_the_digest_and_leaves_arn_free_tenants_alone() -> None:
    plain = want("Beta", "identity/b.com")
    before = desired(want("Acme", f"identity/{HOME}:identity/a.com"), plain, digest="d1")
    after = localize(before, CTX)
    assert after.tenants["Acme"].resources == frozenset({ResourceRef("identity", "a.com")})
    assert after.tenants["Beta"] is plain
    assert after.digest == "d1"


def test_config_without_arns_is_returned_as_is() -> None:
    state = desired(want("Acme", "identity/a.com"))
    assert localize(state, CTX) is state


def test_matching_arn_plans_nothing_against_the_same_live_association() -> None:
    plan = make_plan(desired(want("Acme", f"identity/{HOME}:identity/a.com")),
                     live(have("Acme", "identity/a.com")))
    assert plan.empty


def test_matching_arn_of_a_new_tenant_is_associated_by_its_bare_name() -> None:
    plan = make_plan(desired(want("Acme", f"identity/{HOME}:identity/a.com")), live())
    assert only(plan, "Acme", Action.ASSOCIATE).after == ResourceRef("identity", "a.com")


def test_foreign_arn_is_never_planned_as_the_local_resource() -> None:
    plan = make_plan(desired(want("Acme", f"identity/{OTHER_ACCOUNT}")),
                     live(have("Acme", "identity/a.com")))
    assert only(plan, "Acme", Action.ASSOCIATE).after == ResourceRef("identity", OTHER_ACCOUNT)
    assert only(plan, "Acme", Action.DISASSOCIATE).before == ResourceRef("identity", "a.com")


def test_scope_check_accepts_arns_of_the_run() -> None:
    check_resource_scope(desired(want("Acme", "identity/a.com",
                                      f"identity/{HOME}:identity/b.com")), CTX)


def with_sources(*entries: tuple[str, str, int]) -> Desired:
    """One tenant per (ARN, file, line), each written at `tenants.NAME.resources.identities[0]`."""
    tenants = {f"T{i}": want(f"T{i}", f"identity/{arn}") for i, (arn, _, _) in enumerate(entries)}
    sources = {ResourceRef("identity", arn): Source(
        Location(file, line, 20), f"tenants.T{i}.resources.identities[0]")
        for i, (arn, file, line) in enumerate(entries)}
    return Desired(Settings(), tenants, arn_sources=sources)


def test_arn_of_another_account_is_refused_naming_where_it_is_written() -> None:
    with pytest.raises(AccountMismatchError) as caught:
        check_resource_scope(with_sources((OTHER_ACCOUNT, "ses.yaml", 7)), CTX)
    assert str(caught.value) == (
        "ses.yaml:7:20: tenants.T0.resources.identities[0]: the resource ARN "
        f"{OTHER_ACCOUNT} is in account 999999999999, but this run is in account 123456789012 "
        "in us-east-1, and a tenant can only use resources of its own account and Region; "
        "nothing was changed: run with credentials for account 999999999999, or write "
        "'a.com' instead of the ARN to mean the resource of account 123456789012 in "
        "us-east-1.")


def test_arn_of_another_region_is_refused_with_the_region_to_run_in() -> None:
    with pytest.raises(AccountMismatchError) as caught:
        check_resource_scope(with_sources((OTHER_REGION, "ses.yaml", 3)),
                             ArnContext("aws", "us-east-1", "123456789012"))
    message = str(caught.value)
    assert message.startswith("ses.yaml:3:20: tenants.T0.resources.identities[0]: the "
                              f"resource ARN {OTHER_REGION} is in Region eu-west-1, but this "
                              "run is in account 123456789012 in us-east-1")
    assert "run with --region eu-west-1, or write 'a.com'" in message


def test_the_first_offender_in_file_order_is_named_and_the_rest_counted() -> None:
    late, early = (OTHER_ACCOUNT, "b.yaml", 2), (OTHER_REGION, "a.yaml", 10)
    with pytest.raises(AccountMismatchError) as caught:
        check_resource_scope(with_sources(late, early), CTX)
    message = str(caught.value)
    assert message.startswith("a.yaml:10:20: tenants.T1.resources.identities[0]:")
    assert "(and 1 other ARN outside it)" in message


def test_offender_without_a_recorded_source_names_its_tenant() -> None:
    with pytest.raises(AccountMismatchError, match=r"^tenants\.Acme\.resources: the resource"):
        check_resource_scope(desired(want("Acme", f"identity/{OTHER_ACCOUNT}")), CTX)

"""What IAM would refuse is reported per tenant and template, all problems at once."""

from __future__ import annotations

import datetime

import pytest

from reconciler.errors import ConfigError
from reconciler.iam.checks import MAX_POLICY_CHARS, policy_size
from reconciler.iam.render import render_policies
from reconciler.state import Desired, IamTemplate
from tests.unit.iam.builders import CONTEXT, desired, document, statement


def _errors(templates: dict, tenants: dict | None = None) -> list[str]:
    state = desired(templates, tenants)
    with pytest.raises(ConfigError) as caught:
        render_policies(state, sorted(state.tenants), CONTEXT, {})
    return [str(d) for d in caught.value.diagnostics]


def test_a_valid_policy_renders_without_errors() -> None:
    assert len(render_policies(desired({"t": document()}), ["Acme"], CONTEXT, {})) == 1


def test_a_missing_version_is_an_error_naming_tenant_and_template() -> None:
    doc = document()
    del doc["Version"]
    assert _errors({"t": doc}) == [
        "iam_templates.t.document: tenant 'Acme': the policy has no Version "
        "(use Version: \"2012-10-17\")"]


def test_the_sesv2_prefix_is_an_error_pointing_at_the_ses_prefix() -> None:
    doc = document(statement(Action=["ses:GetTenant", "sesv2:ListTenants"]))
    assert _errors({"t": doc}) == [
        "iam_templates.t.document.Statement[0].Action[1]: tenant 'Acme': action "
        "'sesv2:ListTenants': IAM names sesv2 actions with the ses: prefix (ses:ListTenants)"]


def test_a_service_botocore_does_not_model_is_an_error() -> None:
    [error] = _errors({"t": document(statement(Action="nosuchservice:GetThing"))})
    assert error == ("iam_templates.t.document.Statement[0].Action: tenant 'Acme': action "
                     "'nosuchservice:GetThing': unknown service 'nosuchservice' (list it in "
                     "settings.iam.extra_services if IAM knows it)")


def test_an_action_botocore_does_not_model_is_an_error() -> None:
    [error] = _errors({"t": document(statement(Action="ses:SendPigeon"))})
    assert error.endswith("action 'ses:SendPigeon' is not an ses action (botocore's ses "
                          "service models)")


@pytest.mark.parametrize("action", ["GetTenant", "ses:", "ses:Get Tenant", 42])
def test_an_action_not_of_the_form_service_name_is_an_error(action: object) -> None:
    [error] = _errors({"t": document(statement(Action=[action]))})
    assert error.endswith(f"action {action!r} is not of the form service:Name")


def test_not_action_is_checked_like_action() -> None:
    bare = {k: v for k, v in statement().items() if k != "Action"}
    [error] = _errors({"t": document({**bare, "NotAction": "sesv2:DeleteTenant"})})
    assert "Statement[0].NotAction: tenant 'Acme': action 'sesv2:DeleteTenant'" in error


def test_wildcard_actions_of_an_allowed_service_are_accepted() -> None:
    doc = document(statement(Action=["ses:Get*", "ses:List?enants"]))
    assert render_policies(desired({"t": doc}), ["Acme"], CONTEXT, {})


def test_a_yaml_date_is_not_a_json_value() -> None:
    doc = document(Version=datetime.date(2012, 10, 17))
    assert _errors({"t": doc}) == [
        "iam_templates.t.document.Version: tenant 'Acme': datetime.date(2012, 10, 17) is a "
        "date, not a JSON value (quote it)"]


def test_an_unknown_placeholder_left_in_a_key_is_an_error() -> None:
    condition = {"StringEquals": {"ses:${tenant.nmae}": "x"}}
    [error] = _errors({"t": document(statement(Condition=condition))})
    assert error.endswith("tenant 'Acme': unknown placeholder ${tenant.nmae} (allowed: "
                          "${account_id} ${partition} ${region} ${tenant.arn} ${tenant.id} "
                          "${tenant.name})")


def _sized(chars: int) -> dict:
    """A valid document of exactly `chars` non-whitespace characters."""
    doc = document(statement(Sid=""))
    doc["Statement"][0]["Sid"] = "S" * (chars - policy_size(doc))
    return doc


def test_a_policy_at_the_size_limit_is_accepted() -> None:
    doc = _sized(MAX_POLICY_CHARS)
    assert render_policies(desired({"t": doc}), ["Acme"], CONTEXT, {})


def test_a_policy_over_the_size_limit_is_an_error_with_its_size() -> None:
    assert _errors({"t": _sized(MAX_POLICY_CHARS + 1)}) == [
        "iam_templates.t.document: tenant 'Acme': the policy is 6,145 characters "
        "without whitespace, over IAM's 6,144 for a managed policy"]


def test_whitespace_does_not_count_towards_the_size() -> None:
    spaced = document(statement(Sid="A B"))
    assert policy_size(spaced) == policy_size(document(statement(Sid="AB")))


def test_the_size_is_measured_after_substitution() -> None:
    doc = _sized(MAX_POLICY_CHARS - 3)
    doc["Statement"][0]["Sid"] += "${partition}"  # 12 characters, rendered as the 3 of `aws`
    assert policy_size(doc) > MAX_POLICY_CHARS
    assert render_policies(desired({"t": doc}), ["Acme"], CONTEXT, {})


def test_every_failing_tenant_is_reported() -> None:
    doc = document(statement(Action="sesv2:GetTenant"))
    errors = _errors({"t": doc}, {"Acme": ("t",), "Beta": ("t",)})
    assert [e.split(": ")[1] for e in errors] == ["tenant 'Acme'", "tenant 'Beta'"]


def test_two_templates_rendering_to_one_policy_name_is_an_error() -> None:
    state = desired({"a": document(), "b": document()})
    templates = {name: IamTemplate(name, "same-${tenant.name}", document()) for name in "ab"}
    state = Desired(state.settings, state.tenants, templates)
    with pytest.raises(ConfigError) as caught:
        render_policies(state, ["Acme"], CONTEXT, {})
    assert [str(d) for d in caught.value.diagnostics] == [
        "iam_templates.b.policy_name: tenant 'Acme': renders to 'same-Acme', the same name "
        "as template 'a'"]

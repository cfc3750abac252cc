"""Policy documents are checked as IAM would: botocore's models for actions, IAM's grammar."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.iam import catalog
from reconciler.iam.checks import (
    MAX_TRUST_POLICY_CHARS,
    Finding,
    action_error,
    arn_error,
    check_document,
    operator_error,
    policy_size,
)
from reconciler.iam.lint import lint_document, tenant_actions
from reconciler.iam.names import name_error, path_error

TENANT_ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-1"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": TENANT_ARN, **extra}


def _trust(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "sts:AssumeRole", **extra}


# --- the action catalog ---------------------------------------------------------------------

def test_the_ses_prefix_covers_ses_v1_and_v2_models() -> None:
    assert {"ses", "sesv2"} <= set(catalog.services_by_prefix()["ses"])


@pytest.mark.parametrize("service", ["ses", "sesv2", "mailmanager", "cloudwatch",
                                     "stepfunctions", "docdb", "sts"])
def test_the_quick_metadata_read_agrees_with_the_full_model(service: str) -> None:
    metadata = catalog._loader().load_service_model(service, "service-2")["metadata"]
    expected = ({metadata["signingName"]} if "signingName" in metadata
                else {service, metadata["endpointPrefix"]})
    assert set(catalog._prefixes(catalog._loader(), service)) == expected


def test_an_sesv2_only_and_a_v1_only_operation_are_both_ses_actions() -> None:
    assert catalog.matching("ses", "CreateTenant") == ("CreateTenant",)
    assert catalog.matching("ses", "SendRawEmail") == ("SendRawEmail",)


def test_the_iam_prefix_of_a_service_is_its_signing_name() -> None:
    assert catalog.prefix_of_service("sesv2") == "ses"
    assert not catalog.known_prefix("sesv2")


def test_without_a_signing_name_the_endpoint_prefix_and_the_name_are_prefixes() -> None:
    assert catalog.known_prefix("states") and catalog.known_prefix("cloudwatch")


def test_action_names_match_without_case_and_with_wildcards() -> None:
    assert catalog.matching("ses", "sendemail") == ("SendEmail",)
    assert set(catalog.matching("ses", "Send*Email")) >= {"SendEmail", "SendBulkEmail"}
    assert catalog.matching("ses", "List?enants") == ("ListTenants",)


@pytest.mark.parametrize("action", ["*", "ses:*", "ses:Get*", "logs:PutLogEvents",
                                    "states:StartExecution", "sts:TagSession"])
def test_real_actions_and_wildcards_are_accepted(action: str) -> None:
    assert action_error(action) is None


def test_an_extra_service_takes_any_action_name() -> None:
    assert action_error("s3:ListBucket") is not None
    assert action_error("s3:ListBucket", extra_services={"s3"}) is None


# --- statements and documents ---------------------------------------------------------------

def test_a_valid_identity_policy_has_no_findings() -> None:
    assert check_document(_doc(_allow())) == []


def test_a_valid_trust_policy_has_no_findings() -> None:
    assert check_document(_doc(_trust()), policy_type="trust") == []


def test_a_statement_without_effect_action_or_resource_says_each() -> None:
    assert check_document(_doc({"Sid": "Empty"})) == [
        Finding("Statement[0]", "the statement has no Effect (Allow or Deny)"),
        Finding("Statement[0]", "the statement has no Action (or NotAction)"),
        Finding("Statement[0]", "the statement has no Resource (or NotResource)")]


def test_an_unknown_statement_element_is_named() -> None:
    [finding] = check_document(_doc(_allow(Actions="ses:GetTenant")))
    assert finding.path == "Statement[0].Actions"
    assert finding.message.startswith("unknown statement element 'Actions'")


def test_a_trust_policy_with_an_unknown_principal_type_is_refused() -> None:
    [finding] = check_document(_doc(_trust(Principal={"Account": "111122223333"})),
                               policy_type="trust")
    assert finding == Finding("Statement[0].Principal.Account", "unknown principal type "
                              "'Account' (expected one of: AWS, Service, Federated, "
                              "CanonicalUser)")


@pytest.mark.parametrize("action", ["sts:AssumeRole", "sts:assumerolewithsaml",
                                    "sts:Assume*", "sts:TagSession", "*"])
def test_a_trust_policy_grants_the_actions_of_assuming_a_role(action: str) -> None:
    assert check_document(_doc(_trust(Action=action)), policy_type="trust") == []


@pytest.mark.parametrize("action", ["sts:GetCallerIdentity", "ses:SendEmail", "sts:Get*"])
def test_a_trust_policy_granting_anything_else_is_refused(action: str) -> None:
    [finding] = check_document(_doc(_trust(Action=action)), policy_type="trust")
    assert finding.path == "Statement[0].Action"
    assert finding.message.startswith(f"action {action!r} cannot be granted by a role trust "
                                      "policy")


@pytest.mark.parametrize("principal", [
    "*", "111122223333", "arn:aws:iam::111122223333:root",
    "arn:aws:iam::111122223333:role/path/sender", "arn:aws-cn:iam::111122223333:user/ops",
    "arn:aws:sts::111122223333:assumed-role/sender/session", "(known after apply)"])
def test_aws_principal_shapes_iam_accepts(principal: str) -> None:
    assert check_document(_doc(_trust(Principal={"AWS": principal})), policy_type="trust") == []


@pytest.mark.parametrize("principal", [
    "customer", "11112222333", "arn:aws:iam::111122223333:policy/p",
    "arn:aws:s3:::bucket"])
def test_aws_principal_shapes_iam_refuses(principal: str) -> None:
    [finding] = check_document(_doc(_trust(Principal={"AWS": [principal]})),
                               policy_type="trust")
    assert finding.path == "Statement[0].Principal.AWS[0]"
    assert finding.message.startswith(f"AWS principal {principal!r} is not")


def test_the_trust_policy_limit_is_the_quota_given() -> None:
    doc = _doc(_trust(Sid="S" * MAX_TRUST_POLICY_CHARS))
    assert check_document(doc, policy_type="trust")
    assert check_document(doc, policy_type="trust", max_chars=policy_size(doc)) == []


def test_a_single_statement_mapping_is_checked_like_a_list() -> None:
    [finding] = check_document({"Version": "2012-10-17", "Statement": _allow(Effect="Maybe")})
    assert finding.path == "Statement.Effect"


@pytest.mark.parametrize("operator", ["StringEquals", "StringLikeIfExists",
                                      "ForAllValues:StringEquals", "ForAnyValue:ArnLike",
                                      "Null", "NumericLessThanEquals", "Bool"])
def test_iam_condition_operators_are_accepted(operator: str) -> None:
    assert operator_error(operator) is None


@pytest.mark.parametrize("operator", ["StringEqual", "NullIfExists", "ForEachValue:StringLike",
                                      "stringequals"])
def test_other_condition_operators_are_refused(operator: str) -> None:
    assert operator_error(operator) == f"unknown condition operator {operator!r}"


@pytest.mark.parametrize("resource", [
    "*", TENANT_ARN, "arn:aws:ses:*:*:tenant/*/tn-*", "arn:aws:iam::123456789012:role/x",
    "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws-cn:ses:cn-north-1:123456789012:*",
    "arn:aws:ses:us-east-1:123456789012:tenant/Acme/(known after apply)"])
def test_resource_arn_shapes_iam_accepts(resource: str) -> None:
    assert arn_error(resource) is None


@pytest.mark.parametrize(("resource", "message"), [
    ("tenant/Acme", "is not an ARN"), ("arn:amazon:ses:us-east-1:123456789012:x",
                                       "unknown partition 'amazon'"),
    ("arn:aws:ses:us-east-1:12345:x", "'12345' is not a valid account"),
    ("arn:aws:SES:us-east-1:123456789012:x", "'SES' is not a valid service"),
    ("arn:aws:ses:us-east-1:123456789012:", "names no resource")])
def test_resource_arn_shapes_iam_refuses(resource: str, message: str) -> None:
    error = arn_error(resource)
    assert error is not None and message in error


# --- names and paths, from IAM's model --------------------------------------------------------

def test_policy_names_allow_128_characters_and_role_names_64() -> None:
    assert name_error("policy", "p" * 128) is None
    assert name_error("role", "r" * 64) is None
    assert name_error("role", "r" * 65) is not None


def test_a_name_with_a_character_outside_iam_rules_is_refused() -> None:
    assert name_error("policy", "ses/Acme") == (
        "IAM policy name 'ses/Acme' must be 1-128 characters of letters, digits and "
        "+ = , . @ _ -")


@pytest.mark.parametrize(("path", "valid"), [("/", True), ("/ses-reconciler/", True),
                                             ("/a/b/", True), ("ses/", False), ("/a", False),
                                             ("/a b/", False)])
def test_paths_start_and_end_with_a_slash(path: str, valid: bool) -> None:
    assert (path_error(path) is None) is valid


# --- lint -------------------------------------------------------------------------------------

def test_tenant_actions_are_the_ses_requests_naming_a_tenant() -> None:
    assert {"GetTenant", "DeleteTenant", "CreateTenantResourceAssociation"} <= tenant_actions()
    assert "ListTenants" not in tenant_actions() and "SendEmail" not in tenant_actions()


def test_a_send_pinned_to_the_tenant_name_is_not_warned() -> None:
    condition = {"StringEquals": {"ses:TenantName": "Acme"}}
    assert lint_document(_doc(_allow(Action="ses:SendEmail", Resource="*",
                                     Condition=condition))) == []


def test_a_condition_key_matches_without_case() -> None:
    condition = {"StringLike": {"SES:tenantname": "Acme"}}
    assert lint_document(_doc(_allow(Action="ses:SendBulkEmail", Condition=condition))) == []


def test_a_send_wildcard_without_the_tenant_condition_is_warned() -> None:
    [finding] = lint_document(_doc(_allow(Action="ses:Send*")))
    assert finding.severity == "warning" and finding.path == "Statement[0]"


def test_deny_statements_are_not_linted() -> None:
    assert lint_document(_doc({"Effect": "Deny", "Action": "ses:*", "Resource": "*"})) == []


def test_the_tools_own_policy_passes_the_checks_it_applies_to_templates() -> None:
    from reconciler.iam.permissions import self_policy

    for read_only in (False, True):
        assert check_document(self_policy(read_only=read_only)) == []

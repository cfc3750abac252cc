"""botocore exceptions as one sentence: what was being done, what AWS said, what to do."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    UnauthorizedSSOTokenError,
)

from reconciler.aws.failures import describe, doing, iam_actions, translate
from reconciler.errors import AwsError, RunError

URL = "http://127.0.0.1:9/v2/email/tenants/list"


def client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def one_sentence(err: AwsError) -> str:
    text = str(err)
    assert "\n" not in text and text.count(". ") == 0 and not text.endswith("."), text
    return text


def test_translated_errors_are_run_errors_carrying_the_aws_code() -> None:
    err = translate(client_error("AccessDeniedException", "denied", "ListTenants"))
    assert isinstance(err, RunError)
    assert err.code == "AccessDeniedException"


@pytest.mark.parametrize("code", ["AccessDenied", "AccessDeniedException",
                                  "UnauthorizedOperation"])
def test_access_denied_names_the_iam_action_and_the_self_policy_command(code: str) -> None:
    text = one_sentence(translate(client_error(
        code, "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
              "ses:ListTenants", "ListTenants")))
    assert text.startswith("reading the account's tenants (sesv2 ListTenants) was denied")
    assert f"({code}: User: arn:aws:iam::123456789012:user/ci is not authorized" in text
    assert "allow ses:ListTenants for these credentials" in text
    assert "`ses-reconciler iam self-policy`" in text and "`--read-only`" in text


def test_access_denied_on_a_write_names_the_write_action() -> None:
    text = one_sentence(translate(client_error(
        "AccessDeniedException", "no", "UpdateReputationEntityCustomerManagedStatus")))
    assert "allow ses:UpdateReputationEntityCustomerManagedStatus for" in text
    assert text.startswith("setting a tenant's sending status (sesv2 ")


def test_access_denied_on_an_iam_create_names_the_tag_action_it_also_needs() -> None:
    text = one_sentence(translate(client_error("AccessDenied", "no", "CreatePolicy")))
    assert text.startswith("creating an IAM policy (iam CreatePolicy) was denied")
    assert "allow iam:CreatePolicy and iam:TagPolicy for these credentials" in text


@pytest.mark.parametrize(("operation", "service", "action"), [
    ("ListTenants", "sesv2", "ses:ListTenants"),
    ("PutItem", "dynamodb", "dynamodb:PutItem"),
    ("ListArchives", "events", "events:ListArchives"),
    ("DescribeDestinations", "logs", "logs:DescribeDestinations"),
    ("LookupEvents", "cloudtrail", "cloudtrail:LookupEvents"),
    ("GetPolicy", "iam", "iam:GetPolicy"),
])
def test_iam_actions_map_the_service_to_its_iam_prefix(operation: str, service: str,
                                                       action: str) -> None:
    assert iam_actions(operation, service) == (action,)


def test_operations_outside_the_table_are_named_without_a_service() -> None:
    assert doing("SomethingNew") == "calling (SomethingNew)"
    assert doing("GetTenant") == "reading a tenant (sesv2 GetTenant)"


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException", "RequestExpired"])
def test_an_expired_token_says_to_refresh_the_session(code: str) -> None:
    text = one_sentence(translate(client_error(
        code, "The security token included in the request is expired", "GetTenant")))
    assert text.startswith("reading a tenant (sesv2 GetTenant) failed because the session has "
                           "expired")
    assert f"{code}: The security token included in the request is expired" in text
    assert "`aws sso login`" in text


def test_an_expired_sso_session_says_to_log_in_again() -> None:
    text = one_sentence(translate(UnauthorizedSSOTokenError(), "identifying the account"))
    assert "SSO session" in text and "`aws sso login`" in text


@pytest.mark.parametrize("code", ["InvalidClientTokenId", "UnrecognizedClientException",
                                  "SignatureDoesNotMatch"])
def test_rejected_credentials_name_where_credentials_come_from(code: str) -> None:
    text = one_sentence(translate(client_error(code, "The token is invalid", "ListTenants")))
    assert "does not accept these credentials" in text and code in text
    assert "--profile or AWS_PROFILE" in text


def test_no_credentials_names_every_way_to_provide_them() -> None:
    text = one_sentence(translate(NoCredentialsError(), "identifying the account"))
    assert text.startswith("identifying the account needs AWS credentials and none were found")
    for way in ("AWS_ACCESS_KEY_ID", "--profile or AWS_PROFILE", "`aws sso login`",
                "instance or role credentials"):
        assert way in text


def test_partial_credentials_say_what_is_missing() -> None:
    text = one_sentence(translate(PartialCredentialsError(
        provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), "identifying the account"))
    assert "missing: AWS_SECRET_ACCESS_KEY" in text


def test_an_unknown_profile_is_named() -> None:
    text = one_sentence(translate(ProfileNotFound(profile="prod")))
    assert text.startswith("the AWS profile 'prod' is not in the AWS config files")


def test_no_region_asks_for_one() -> None:
    assert "--region" in one_sentence(translate(NoRegionError(), "opening the sesv2 client"))


@pytest.mark.parametrize("error", [EndpointConnectionError(endpoint_url=URL),
                                   ConnectTimeoutError(endpoint_url=URL)])
def test_an_unreachable_endpoint_names_the_url_and_the_option(error: Exception) -> None:
    text = one_sentence(translate(error, "reading the account"))  # type: ignore[arg-type]
    assert text.startswith(f"reading the account could not reach the AWS endpoint {URL} "
                           f"({type(error).__name__})")
    assert "--endpoint-url" in text


def test_a_read_timeout_names_the_url() -> None:
    text = one_sentence(translate(ReadTimeoutError(endpoint_url=URL), "creating a tenant"))
    assert f"got no complete answer from {URL}" in text


def test_other_aws_errors_keep_the_code_and_message() -> None:
    text = one_sentence(translate(client_error("InternalFailure", "An internal error occurred.",
                                               "ListTenants")))
    assert text == ("reading the account's tenants (sesv2 ListTenants) failed "
                    "(InternalFailure: An internal error occurred)")


def test_apply_details_keep_code_and_message_for_ordinary_failures() -> None:
    assert describe(client_error("BadRequestException", "bad", "CreateTenant")) == \
        "BadRequestException: bad"


def test_apply_details_use_the_sentence_for_permission_failures() -> None:
    detail = describe(client_error("AccessDeniedException", "no", "CreateTenant"))
    assert detail.startswith("creating a tenant (sesv2 CreateTenant) was denied")
    assert "allow ses:CreateTenant" in detail


def test_apply_details_of_non_aws_errors_name_the_type() -> None:
    assert describe(ValueError("boom")) == "ValueError: boom"

"""botocore's exceptions as the project's errors: one sentence saying what was being done, what
AWS answered and what to do about it.

A 49-line traceback for a missing IAM permission tells the user nothing they can act on; the
sentence names the permission and the command that prints the whole policy. Pure: the CLI,
the engine and the executor's per-change details all say the same thing for the same failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectionError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
)

from reconciler.aws.wire import error_code, error_message
from reconciler.errors import AwsError, ReconcilerError
from reconciler.iam.permissions import OPERATIONS

ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                           "UnauthorizedAccess", "NotAuthorized"})
EXPIRED_TOKEN = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired",
                           "TokenRefreshRequired"})
INVALID_CREDENTIALS = frozenset({"InvalidClientTokenId", "UnrecognizedClientException",
                                 "SignatureDoesNotMatch", "InvalidAccessKeyId",
                                 "IncompleteSignature", "AuthFailure", "InvalidToken"})
THROTTLED = frozenset({"TooManyRequestsException", "Throttling", "ThrottlingException",
                       "RequestLimitExceeded", "SlowDown"})

# boto3 service name -> IAM action prefix
IAM_PREFIX = {"sesv2": "ses", "ses": "ses", "sts": "sts", "iam": "iam", "dynamodb": "dynamodb",
              "logs": "logs", "events": "events", "cloudtrail": "cloudtrail",
              "cloudwatch": "cloudwatch"}

_DOING = {
    "GetCallerIdentity": "identifying the account",
    "ListTenants": "reading the account's tenants",
    "GetTenant": "reading a tenant",
    "ListTenantResources": "reading a tenant's resource associations",
    "ListResourceTenants": "reading which tenants use a resource",
    "GetReputationEntity": "reading a tenant's reputation settings",
    "ListReputationEntities": "reading the tenants' reputation settings",
    "GetEmailIdentity": "checking a referenced identity",
    "GetAccount": "reading the account's send rate",
    "SendEmail": "sending a test message as a tenant",
    "GetConfigurationSet": "checking a referenced configuration set",
    "GetEmailTemplate": "checking a referenced template",
    "ListEmailIdentities": "listing the account's identities",
    "ListConfigurationSets": "listing the account's configuration sets",
    "ListEmailTemplates": "listing the account's templates",
    "CreateTenant": "creating a tenant",
    "DeleteTenant": "deleting a tenant",
    "TagResource": "tagging a tenant",
    "UntagResource": "untagging a tenant",
    "CreateTenantResourceAssociation": "associating a resource with a tenant",
    "DeleteTenantResourceAssociation": "removing a resource from a tenant",
    "UpdateReputationEntityPolicy": "setting a tenant's reputation policy",
    "UpdateReputationEntityCustomerManagedStatus": "setting a tenant's sending status",
    "PutTenantSuppressionAttributes": "setting a tenant's suppression attributes",
    "FilterLogEvents": "reading the tenant events log group",
    "PutMetricData": "publishing the drift metrics",
    "PutEvents": "publishing the drift event",
    "ListPolicies": "listing the IAM policies under the tool's path",
    "GetAccountAuthorizationDetails": "listing the account's IAM policies with their documents",
    "GetPolicy": "reading an IAM policy",
    "GetPolicyVersion": "reading an IAM policy's document",
    "ListPolicyVersions": "listing an IAM policy's versions",
    "ListEntitiesForPolicy": "reading where an IAM policy is attached",
    "CreatePolicy": "creating an IAM policy",
    "CreatePolicyVersion": "setting an IAM policy's new document",
    "DeletePolicyVersion": "deleting an old version of an IAM policy",
    "DeletePolicy": "deleting an IAM policy",
    "AttachRolePolicy": "attaching an IAM policy to a role",
    "DetachRolePolicy": "detaching an IAM policy from a role",
    "AttachGroupPolicy": "attaching an IAM policy to a group",
    "DetachGroupPolicy": "detaching an IAM policy from a group",
    "AttachUserPolicy": "attaching an IAM policy to a user",
    "DetachUserPolicy": "detaching an IAM policy from a user",
    "ListRoles": "listing the IAM roles under the tool's path",
    "GetRole": "reading an IAM role",
    "ListAttachedRolePolicies": "reading an IAM role's policies",
    "CreateRole": "creating an IAM role",
    "UpdateAssumeRolePolicy": "setting an IAM role's trust policy",
    "UpdateRole": "setting an IAM role's max session duration",
    "DeleteRole": "deleting an IAM role",
}

CREDENTIAL_SOURCES = ("environment variables (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), "
                      "a profile (--profile or AWS_PROFILE), `aws sso login` for an SSO profile, "
                      "or instance or role credentials")
SELF_POLICY = ("`ses-reconciler iam self-policy` prints every permission the tool needs "
               "(`--read-only` for plan, drift and status)")


def service_of(operation: str) -> str | None:
    """The boto3 service that sends `operation`, from the gateway's operation table."""
    return next((service for service, op in OPERATIONS if op == operation), None)


def iam_actions(operation: str, service: str | None = None) -> tuple[str, ...]:
    """The IAM actions an operation needs: the table's row, else `<prefix>:<Operation>`."""
    service = service or service_of(operation)
    permission = OPERATIONS.get((service or "", operation))
    if permission is not None and permission.actions:
        return permission.actions
    return (f"{IAM_PREFIX.get(service or '', service or 'ses')}:{operation}",)


def doing(operation: str, service: str | None = None) -> str:
    """`reading the account's tenants (sesv2 ListTenants)`."""
    service = service or service_of(operation)
    phrase = _DOING.get(operation, "calling")
    return f"{phrase} ({service} {operation})" if service else f"{phrase} ({operation})"


def translate(err: BotoCoreError | ClientError, what: str = "calling AWS") -> AwsError:
    """The one-sentence error for a botocore exception.

    An AWS answer names its operation, which says what was being done; `what` describes the
    activity for the failures that carry no operation (credentials, network).
    """
    if isinstance(err, ClientError):
        return _client_error(err)
    return AwsError(_botocore_sentence(err, what), type(err).__name__)


def describe(err: Exception) -> str:
    """The detail of a failed change in an apply report: the translated sentence for
    failures that need the user (permissions, credentials, network), else `Code: message`;
    the project's own errors are already one sentence."""
    if isinstance(err, ReconcilerError):
        return str(err)
    if isinstance(err, ClientError):
        code = error_code(err)
        if code in ACCESS_DENIED | EXPIRED_TOKEN | INVALID_CREDENTIALS:
            return str(translate(err))
        return f"{code}: {error_message(err)}"
    if isinstance(err, BotoCoreError):
        return str(translate(err, "applying the change"))
    return f"{type(err).__name__}: {err}"


@contextmanager
def aws_failures(what: str = "calling AWS") -> Iterator[None]:
    """Raise botocore exceptions leaving the block as `AwsError`, the original chained."""
    try:
        yield
    except (BotoCoreError, ClientError) as err:
        raise translate(err, what) from err


def _client_error(err: ClientError) -> AwsError:
    code, message = error_code(err), error_message(err).rstrip(".")
    operation = err.operation_name or ""
    what = doing(operation)
    answer = f"{code}: {message}" if message else code
    if code in ACCESS_DENIED:
        needed = " and ".join(iam_actions(operation))
        sentence = (f"{what} was denied ({answer}); allow {needed} for these credentials "
                    f"({SELF_POLICY})")
    elif code in EXPIRED_TOKEN:
        sentence = (f"{what} failed because the session has expired ({answer}); refresh the "
                    f"credentials (for example `aws sso login`, or assume the role again) and "
                    f"rerun")
    elif code in INVALID_CREDENTIALS:
        sentence = (f"{what} was refused because AWS does not accept these credentials "
                    f"({answer}); check the access key and secret in use ({CREDENTIAL_SOURCES})"
                    f" and that the system clock is correct")
    elif code in THROTTLED:
        sentence = (f"{what} was still throttled after every retry ({answer}); rerun with a "
                    f"lower --max-rate or --parallelism")
    else:
        sentence = f"{what} failed ({answer})"
    return AwsError(sentence, code)


def _botocore_sentence(err: BotoCoreError, what: str) -> str:
    url = str(getattr(err, "kwargs", {}).get("endpoint_url") or "")
    if isinstance(err, NoCredentialsError):
        return f"{what} needs AWS credentials and none were found; provide {CREDENTIAL_SOURCES}"
    if isinstance(err, PartialCredentialsError):
        return (f"{what} found incomplete AWS credentials ({err}); provide both the key id and "
                f"the secret, or use another source: {CREDENTIAL_SOURCES}")
    if isinstance(err, ProfileNotFound):
        return (f"the AWS profile {err.kwargs.get('profile')!r} is not in the AWS config files; "
                f"check --profile or AWS_PROFILE (`aws configure list-profiles` lists them)")
    if isinstance(err, NoRegionError):
        return f"{what} needs an AWS Region; pass --region or set settings.region"
    if isinstance(err, SSOError | TokenRetrievalError):
        return (f"{what} failed because the SSO session is missing or expired "
                f"({type(err).__name__}); "
                f"run `aws sso login` and rerun")
    if isinstance(err, CredentialRetrievalError):
        return (f"{what} could not load AWS credentials ({err}); check the credential source "
                f"of the profile in use, or provide {CREDENTIAL_SOURCES}")
    if isinstance(err, ConnectionError):
        return (f"{what} could not reach the AWS endpoint {url} ({type(err).__name__}); check "
                f"--endpoint-url (or AWS_ENDPOINT_URL), --region and the network")
    if isinstance(err, ReadTimeoutError | ConnectionClosedError):
        return (f"{what} got no complete answer from {url} ({type(err).__name__}); check "
                f"--endpoint-url and the network, then rerun (a plan shows what was applied)")
    return f"{what} failed ({type(err).__name__}: {err})"

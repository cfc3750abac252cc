"""Activates the tenant extension inside moto, for `mock_aws()` and for moto's server app alike.

Both modes dispatch SES v2 requests to `moto.sesv2.responses.SESV2Response` (and v1 to
`moto.ses.responses.EmailResponse`), choosing the method from the operation name the botocore
model routes the raw path to. Installing therefore means adding our response methods to those
classes; any hook on moto's dispatch sees our operations under their real names. Methods moto
already had (tagging, deletes, SendEmail) stay reachable as `_moto_<name>` for the cases we
do not handle. IAM's GetPolicyVersion is replaced the same way (see `iam_responses`), and
Logs gains the KMS key calls moto lacks (`logs_responses`), and SNS keeps email
subscriptions pending until confirmed (`sns_responses`).
CloudTrail gains LookupEvents (see `cloudtrail`).
"""

from __future__ import annotations

import threading

from moto.cloudtrail.responses import CloudTrailResponse
from moto.iam.responses import IamResponse
from moto.logs.responses import LogsResponse
from moto.ses.responses import EmailResponse
from moto.sesv2 import urls as sesv2_urls
from moto.sesv2.responses import SESV2Response
from moto.sns.responses import SNSResponse

from reconciler.emulator import event_delivery
from reconciler.emulator.cloudtrail_responses import CloudTrailResponses
from reconciler.emulator.iam_responses import IamResponses
from reconciler.emulator.logs_responses import LogsResponses
from reconciler.emulator.mail_responses import MailResponses, V1GuardResponses
from reconciler.emulator.responses import TenantResponses
from reconciler.emulator.sns_responses import SnsResponses
from reconciler.emulator.suppression_responses import SuppressionResponses

MARKER = "_ses_tenancy_installed"
# moto's catch-all `/v2/.*` serves in-process mocks but is a literal path to Flask, so server
# mode needs each route spelled out. Werkzeug decodes %2F before matching, hence `.+` for ARNs.
SERVER_PATHS = (
    r"{0}/v2/email/tenants$",
    r"{0}/v2/email/tenants/get$",
    r"{0}/v2/email/tenants/list$",
    r"{0}/v2/email/tenants/delete$",
    r"{0}/v2/email/tenants/resources$",
    r"{0}/v2/email/tenants/resources/delete$",
    r"{0}/v2/email/tenants/resources/list$",
    r"{0}/v2/email/resources/tenants/list$",
    r"{0}/v2/email/tenant/suppression$",
    r"{0}/v2/email/reputation/entities$",
    r"{0}/v2/email/reputation/entities/(?P<ReputationEntityType>[^/]+)/(?P<Reference>.+)$",
    r"{0}/v2/email/templates$",
    r"{0}/v2/email/templates/(?P<TemplateName>[^/]+)$",
    r"{0}/v2/email/outbound-bulk-emails$",
    r"{0}/v2/email/account$",
    r"{0}/v2/email/suppression/addresses$",
    r"{0}/v2/email/suppression/addresses/(?P<EmailAddress>[^/]+)$",
)
_lock = threading.Lock()


def _graft(target: type, sources: tuple[type, ...]) -> None:
    for source in sources:
        for name, member in vars(source).items():
            if name.startswith("__") or not (callable(member) or isinstance(member, property)):
                continue
            if name in vars(target):
                setattr(target, f"_moto_{name}", vars(target)[name])
            setattr(target, name, member)


def install() -> None:
    """Idempotent; safe to call from every test, `local serve`, and the in-process handle."""
    with _lock:
        if getattr(SESV2Response, MARKER, False):
            return
        _graft(SESV2Response, (TenantResponses, MailResponses, SuppressionResponses))
        _graft(EmailResponse, (V1GuardResponses,))
        _graft(IamResponse, (IamResponses,))
        event_delivery.install()
        _graft(LogsResponse, (LogsResponses,))
        _graft(SNSResponse, (SnsResponses,))
        _graft(CloudTrailResponse, (CloudTrailResponses,))
        for path in SERVER_PATHS:
            sesv2_urls.url_paths.setdefault(path, SESV2Response.dispatch)
        setattr(SESV2Response, MARKER, True)
        setattr(EmailResponse, MARKER, True)


def installed() -> bool:
    return bool(getattr(SESV2Response, MARKER, False))

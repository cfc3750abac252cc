"""SES v2 error responses as the service sends them: type header, JSON body with `message`.

moto's model-driven serializer writes `Message`; SES writes `message` (except on the tenant
send gate), so these errors are werkzeug HTTP exceptions that moto's dispatch passes through
verbatim with their own headers.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.exceptions import HTTPException

SV_ONE = "1 validation error detected: "


class SesApiError(HTTPException):
    """One SES v2 error: HTTP status, `x-amzn-ErrorType`, and a JSON body."""

    def __init__(
        self, status: int, error_type: str, message: str | None, body_key: str = "message"
    ) -> None:
        self.code = status
        self.error_type = error_type
        self.message = message
        body: dict[str, Any] = {} if message is None else {body_key: message}
        super().__init__(description=json.dumps(body))

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("x-amzn-ErrorType", self.error_type), ("Content-Type", "application/json")]

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self.description or ""


def bad_request(message: str) -> SesApiError:
    return SesApiError(400, "BadRequestException", message)


def not_found(message: str) -> SesApiError:
    return SesApiError(404, "NotFoundException", message)


def already_exists(message: str) -> SesApiError:
    return SesApiError(400, "AlreadyExistsException", message)


def limit_exceeded(message: str) -> SesApiError:
    return SesApiError(400, "LimitExceededException", message)


def validation_without_message() -> SesApiError:
    return SesApiError(400, "ValidationException", None)


def access_denied(message: str) -> SesApiError:
    return SesApiError(403, "AccessDeniedException", message, body_key="Message")


def invalid_next_token(message: str) -> SesApiError:
    """The modeled token error of ListSuppressedDestinations (the tenant lists use BadRequest)."""
    return SesApiError(400, "InvalidNextTokenException", message)


def sending_paused(message: str) -> SesApiError:
    return SesApiError(400, "SendingPausedException", message)


def message_rejected(message: str) -> SesApiError:
    return SesApiError(400, "MessageRejected", message)


def validation_failed(*clauses: str) -> SesApiError:
    """SES joins model-level violations into one sentence with a count prefix."""
    if len(clauses) == 1:
        return bad_request(SV_ONE + clauses[0])
    return bad_request(f"{len(clauses)} validation errors detected: " + "; ".join(clauses))


def tenant_not_found(name: str) -> SesApiError:
    return not_found(f"The requested tenant {name} does not exist.")


TENANT_NAME_EMPTY = "TenantName cannot be empty"
INVALID_NEXT_TOKEN = "Invalid Next Token"


def map_keys_clause(field: str, allowed: list[str]) -> str:
    return (
        f"Value at '{field}' failed to satisfy constraint: Map keys must satisfy constraint: "
        f"[Member must satisfy enum value set: [{', '.join(allowed)}]]"
    )


def map_value_clause(field: str) -> str:
    return (
        f"Value at '{field}' failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length greater than or equal to 1]"
    )


def not_null_clause(field: str) -> str:
    return f"Value at '{field}' failed to satisfy constraint: Member must not be null"


def enum_clause(field: str, values: list[str], nested: bool = False) -> str:
    """A single value's enum violation; a list member's (`nested`) wraps it once more."""
    constraint = f"Member must satisfy enum value set: [{', '.join(values)}]"
    if nested:
        constraint = f"Member must satisfy constraint: [{constraint}]"
    return f"Value at '{field}' failed to satisfy constraint: {constraint}"


def delete_guard_message(arn: str) -> str:
    return (
        f"Cannot delete {arn} because it has tenant associations. "
        "Remove all tenant associations and try again."
    )

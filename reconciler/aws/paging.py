"""Walking SES v2's paged listings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_message
from reconciler.errors import RunError

PAGE_SIZE = 100
_RESTARTS = 3


def paginate(call: Callable[..., Mapping[str, Any]], key: str, **params: Any) -> list[Any]:
    """Every item of a paged list, with Filter/PageSize constant across pages.

    Tokens are bound to the operation, scope and Region, and SES may reject its own
    ("Invalid Next Token"); the remedy is to restart the walk, a few times at most.
    """
    for _ in range(_RESTARTS):
        items: list[Any] = []
        token: str | None = None
        try:
            while True:
                page = call(**params, **({"NextToken": token} if token else {}))
                items.extend(page.get(key) or ())
                token = page.get("NextToken")
                if not token:
                    return items
        except ClientError as err:
            if "Invalid Next Token" not in error_message(err):
                raise
    raise RunError(f"{key}: SES kept rejecting its own page tokens; try again later")

"""Walking paged listings; the pages come from a plain function standing in for the API."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.aws.paging import paginate
from reconciler.errors import RunError

INVALID_TOKEN = ClientError(
    {"Error": {"Code": "BadRequestException", "Message": "Invalid Next Token"}}, "ListTenants")


class Pages:
    """Serves fixed pages by token; optionally rejects the first `rejects` tokens it sees."""

    def __init__(self, pages: list[list[int]], rejects: int = 0) -> None:
        self.pages, self.rejects, self.requests = pages, rejects, []

    def __call__(self, **params: Any) -> dict[str, Any]:
        self.requests.append(params)
        index = int(params.get("NextToken", "0"))
        if index and self.rejects:
            self.rejects -= 1
            raise INVALID_TOKEN
        page: dict[str, Any] = {"Items": self.pages[index]}
        if index + 1 < len(self.pages):
            page["NextToken"] = str(index + 1)
        return page


def test_items_of_every_page_are_returned_in_order() -> None:
    assert paginate(Pages([[1, 2], [3], [4]]), "Items", PageSize=2) == [1, 2, 3, 4]


def test_filter_and_page_size_stay_constant_while_walking() -> None:
    pages = Pages([[1], [2]])
    paginate(pages, "Items", PageSize=1, Filter={"k": "v"})
    assert pages.requests == [{"PageSize": 1, "Filter": {"k": "v"}},
                              {"PageSize": 1, "Filter": {"k": "v"}, "NextToken": "1"}]


def test_rejected_token_restarts_the_walk_from_the_first_page() -> None:
    pages = Pages([[1], [2]], rejects=1)
    assert paginate(pages, "Items") == [1, 2]
    assert [r.get("NextToken") for r in pages.requests] == [None, "1", None, "1"]


def test_token_rejected_on_every_walk_is_a_run_error() -> None:
    with pytest.raises(RunError, match="page tokens"):
        paginate(Pages([[1], [2]], rejects=99), "Items")


def test_other_errors_propagate_unchanged() -> None:
    def broken(**_: Any) -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "X")

    with pytest.raises(ClientError, match="AccessDenied"):
        paginate(broken, "Items")

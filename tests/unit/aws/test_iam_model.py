"""The pure parts of the IAM gateway: ownership, documents off the wire, versions, waiting."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from reconciler.aws.iam_model import (
    Attachments,
    Ownership,
    PolicyVersion,
    Principal,
    document_from_wire,
    document_to_wire,
)
from reconciler.aws.iam_write import oldest_non_default
from reconciler.aws.settle import NO_SETTLE, Settle
from reconciler.errors import NotOwnedError

OWNERSHIP = Ownership("managed-by", "ses-reconciler")
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail",
                                               "Resource": "arn:aws:ses:*:*:tenant/a b/*"}]}


def test_ownership_matches_the_key_in_any_case_and_the_value_exactly() -> None:
    assert OWNERSHIP.owns({"Managed-By": "ses-reconciler"})
    assert not OWNERSHIP.owns({"managed-by": "SES-reconciler"})
    assert not OWNERSHIP.owns({})


def test_ownership_require_is_one_sentence_naming_kind_name_and_tag() -> None:
    with pytest.raises(NotOwnedError) as refused:
        OWNERSHIP.require("iam_policy", "p", {"team": "x"}, "deleted")

    assert str(refused.value) == (
        "iam_policy.p does not carry the ownership tag managed-by=ses-reconciler, so it was not "
        "deleted and nothing was written to it; it is managed outside this tool.")


def test_a_url_encoded_document_is_decoded() -> None:
    assert document_from_wire(quote(json.dumps(DOC))) == DOC


def test_plain_json_and_dicts_pass_through() -> None:
    assert document_from_wire(json.dumps(DOC)) == DOC
    assert document_from_wire(DOC) == DOC


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        document_from_wire("[1]")


def test_documents_are_sent_compact_in_the_author_s_key_order() -> None:
    assert document_to_wire({"b": 1, "a": [1, 2]}) == '{"b":1,"a":[1,2]}'


def test_the_oldest_non_default_version_is_the_lowest_number_not_the_default() -> None:
    versions = (PolicyVersion("v10", False), PolicyVersion("v2", True), PolicyVersion("v9", False))

    assert oldest_non_default(versions) == PolicyVersion("v9", False)
    assert oldest_non_default((PolicyVersion("v1", True),)) is None


def test_attachments_list_their_principals_sorted_by_kind_and_name() -> None:
    found = Attachments.of([Principal("user", "u"), Principal("role", "b"),
                            Principal("role", "a")])

    assert [str(p) for p in found.principals()] == ["role/a", "role/b", "user/u"]
    assert not Attachments()


def test_settling_waits_back_off_exponentially_within_the_bound() -> None:
    delays = list(Settle(timeout=5.0, first_delay=0.2, factor=2.0, max_delay=2.0).delays())

    assert delays == pytest.approx([0.2, 0.4, 0.8, 1.6, 2.0])
    assert sum(delays) == pytest.approx(5.0)
    assert list(NO_SETTLE.delays()) == []

"""Policy documents compare by meaning; a real change is explained path by path."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.iam.documents import canonical, canonical_json, equivalent, explain
from reconciler.iam.render import KNOWN_AFTER_APPLY, placeholder_values
from reconciler.iam.substitute import render_value
from tests.unit.iam.builders import CONTEXT, live

SENDER = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Send", "Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendBulkEmail"],
         "Resource": "*", "Condition": {"StringEquals": {"ses:TenantName": "Acme"}}},
        {"Sid": "Read", "Effect": "Allow", "Action": "ses:GetTenant",
         "Resource": "arn:aws:ses:eu-west-1:123456789012:tenant/Acme/tn-1"},
    ],
}


def _copy(document: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(document))


def test_key_order_makes_no_difference() -> None:
    reordered = {"Statement": [dict(reversed(list(s.items()))) for s in SENDER["Statement"]],
                 "Version": "2012-10-17"}
    assert equivalent(SENDER, reordered)


def test_action_order_and_duplicates_make_no_difference() -> None:
    doc = _copy(SENDER)
    doc["Statement"][0]["Action"] = ["ses:SendBulkEmail", "ses:SendEmail", "ses:SendEmail"]
    assert equivalent(SENDER, doc) and explain(SENDER, doc) == []


def test_a_string_equals_a_one_element_list() -> None:
    doc = _copy(SENDER)
    doc["Statement"][1]["Action"] = ["ses:GetTenant"]
    doc["Statement"][0]["Condition"]["StringEquals"]["ses:TenantName"] = ["Acme"]
    assert equivalent(SENDER, doc)


def test_a_single_statement_mapping_equals_a_one_statement_list() -> None:
    one = {"Version": "2012-10-17", "Statement": SENDER["Statement"][1]}
    assert canonical(one)["Statement"] == [canonical(SENDER)["Statement"][1]]


def test_url_encoded_and_plain_json_text_equal_the_mapping() -> None:
    text = json.dumps(SENDER, indent=4)
    assert equivalent(SENDER, text)
    assert equivalent(SENDER, quote(text))


def test_canonical_form_is_sorted_lists_without_duplicates() -> None:
    assert canonical(SENDER)["Statement"][0]["Action"] == ["ses:SendBulkEmail",
                                                            "ses:SendEmail"]
    assert canonical_json(SENDER) == canonical_json(json.dumps(SENDER))


def test_an_added_action_is_one_line_naming_statement_and_action() -> None:
    doc = _copy(SENDER)
    doc["Statement"][1]["Action"] = ["ses:GetTenant", "ses:ListTenantResources"]
    assert explain(SENDER, doc) == ["Statement[1].Action[+] ses:ListTenantResources"]


def test_a_removed_action_and_a_changed_effect_are_explained_in_path_order() -> None:
    doc = _copy(SENDER)
    doc["Statement"][1]["Effect"] = "Deny"
    doc["Statement"][0]["Action"] = "ses:SendEmail"
    assert explain(SENDER, doc) == ["Statement[0].Action[-] ses:SendBulkEmail",
                                    "Statement[1].Effect: Allow -> Deny"]


def test_an_added_condition_value_and_a_new_statement_are_explained() -> None:
    doc = _copy(SENDER)
    doc["Statement"][0]["Condition"]["StringEquals"]["ses:TenantName"] = ["Acme", "Beta"]
    doc["Statement"].append({"Effect": "Deny", "Action": "ses:DeleteTenant", "Resource": "*"})
    assert explain(SENDER, doc) == [
        "Statement[0].Condition.StringEquals.ses:TenantName[+] Beta",
        'Statement[2]: (absent) -> {"Action":["ses:DeleteTenant"],"Effect":"Deny",'
        '"Resource":["*"]}']


def test_a_removed_element_shows_absent_on_the_new_side() -> None:
    doc = _copy(SENDER)
    del doc["Statement"][0]["Condition"]
    assert explain(SENDER, doc) == [
        'Statement[0].Condition: {"StringEquals":{"ses:TenantName":["Acme"]}} -> (absent)']


def test_a_created_document_is_one_line() -> None:
    [line] = explain(None, {"Version": "2012-10-17", "Statement": []})
    assert line == 'document: (absent) -> {"Statement":[],"Version":"2012-10-17"}'


def test_the_arn_of_a_tenant_to_be_created_is_explained_as_known_after_apply() -> None:
    template = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "${tenant.arn}"}]}
    before = render_value(template, placeholder_values("Acme", live("Acme"), CONTEXT))
    after = render_value(template, placeholder_values("Acme", None, CONTEXT))
    assert explain(before, after) == [
        "Statement[0].Resource[-] arn:aws:ses:eu-west-1:123456789012:tenant/Acme/tid-1",
        f"Statement[0].Resource[+] {KNOWN_AFTER_APPLY}"]


# --- properties ---------------------------------------------------------------------------

ACTIONS = ["ses:SendEmail", "ses:SendBulkEmail", "ses:GetTenant", "ses:ListTenants",
           "ses:TagResource", "ses:DeleteTenant"]
RESOURCES = ["*", "arn:aws:ses:us-east-1:123456789012:tenant/A/tn-1",
             "arn:aws:ses:us-east-1:123456789012:identity/a.example.com"]

statements = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny"]),
     "Action": st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=4, unique=True),
     "Resource": st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=3, unique=True)},
    optional={"Condition": st.fixed_dictionaries({"StringEquals": st.fixed_dictionaries(
        {"ses:TenantName": st.lists(st.sampled_from(["A", "B", "C"]), min_size=1,
                                    max_size=3, unique=True)})})})
documents = st.fixed_dictionaries({"Version": st.just("2012-10-17"),
                                   "Statement": st.lists(statements, min_size=1, max_size=3)})


@st.composite
def respelled(draw: st.DrawFn, value: Any) -> Any:
    """The same meaning, written differently: keys and lists shuffled, items repeated, a
    one-element list as a string."""
    if isinstance(value, dict):
        keys = draw(st.permutations(list(value)))
        return {k: draw(respelled(value[k])) for k in keys}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = draw(st.permutations(value))
        items += draw(st.lists(st.sampled_from(value), max_size=2))
        return items[0] if len(set(items)) == 1 and draw(st.booleans()) else items
    if isinstance(value, list):
        return [draw(respelled(v)) for v in value]
    return value


@st.composite
def respellings(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    doc = draw(documents)
    other: Any = draw(respelled(doc))
    encoding = draw(st.sampled_from(["dict", "json", "url"]))
    if encoding != "dict":
        other = json.dumps(other, indent=draw(st.sampled_from([None, 2])))
        other = quote(other) if encoding == "url" else other
    return doc, other


@settings(max_examples=60, deadline=None)
@given(respellings())
def test_any_respelling_of_a_document_is_equivalent(pair: tuple[dict[str, Any], Any]) -> None:
    doc, other = pair
    assert equivalent(doc, other)
    assert explain(doc, other) == []


@st.composite
def edits(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A document, the document with one real edit, and the line that must explain it."""
    doc = draw(documents)
    edited = _copy(doc)
    i = draw(st.integers(0, len(doc["Statement"]) - 1))
    statement = edited["Statement"][i]
    kind = draw(st.sampled_from(["add", "remove", "resource", "effect"]))
    missing = [a for a in ACTIONS if a not in statement["Action"]]
    if kind == "add" and missing:
        action = draw(st.sampled_from(missing))
        statement["Action"].append(action)
        return doc, edited, f"Statement[{i}].Action[+] {action}"
    if kind == "remove" and len(statement["Action"]) > 1:
        action = statement["Action"].pop(draw(st.integers(0, len(statement["Action"]) - 1)))
        return doc, edited, f"Statement[{i}].Action[-] {action}"
    spare = [r for r in RESOURCES if r not in statement["Resource"]]
    if kind == "resource" and spare:
        resource = draw(st.sampled_from(spare))
        statement["Resource"].append(resource)
        return doc, edited, f"Statement[{i}].Resource[+] {resource}"
    old = statement["Effect"]
    statement["Effect"] = "Deny" if old == "Allow" else "Allow"
    return doc, edited, f"Statement[{i}].Effect: {old} -> {statement['Effect']}"


@settings(max_examples=60, deadline=None)
@given(edits())
def test_any_single_real_edit_is_detected_and_explained(
        case: tuple[dict[str, Any], dict[str, Any], str]) -> None:
    before, after, line = case
    assert not equivalent(before, after)
    assert explain(before, after) == [line]

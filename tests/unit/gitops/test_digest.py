"""The plan digest changes with what would be written, and with nothing else."""

from __future__ import annotations

from reconciler.config.load import load_desired_texts
from reconciler.gitops.bodies import pr_comment, reviewed_digest
from reconciler.gitops.digest import DIGEST_PATTERN, plan_digest
from reconciler.planning import make_plan
from reconciler.state import ArnContext, Desired, Live

LIVE = Live(ArnContext("aws", "us-east-1", "123456789012"), {})


def desired(a_tag: str = "1", b_tag: str = "2") -> Desired:
    return load_desired_texts({"c.yaml": (
        "settings: {region: us-east-1, account_id: '123456789012'}\n"
        f"tenants:\n  A: {{tags: {{CustomerID: '{a_tag}'}}}}\n"
        f"  B: {{tags: {{CustomerID: '{b_tag}'}}}}\n")})


def digest(d: Desired, scope: set[str]) -> str:
    return plan_digest(make_plan(d, LIVE, scope=frozenset(scope)), d, LIVE)


def test_digest_is_a_stable_sha256() -> None:
    first = digest(desired(), {"A"})
    assert DIGEST_PATTERN.fullmatch(first)
    assert digest(desired(), {"A"}) == first


def test_digest_ignores_a_wider_scope_that_adds_no_change() -> None:
    assert digest(desired(), {"A"}) == digest(desired(), {"A", "Unrelated"})


def test_digest_ignores_config_edits_to_tenants_the_plan_does_not_touch() -> None:
    assert digest(desired(b_tag="2"), {"A"}) == digest(desired(b_tag="9"), {"A"})


def test_digest_changes_when_a_touched_tenant_changes() -> None:
    assert digest(desired(a_tag="1"), {"A"}) != digest(desired(a_tag="7"), {"A"})


def test_digest_changes_when_the_account_state_of_a_touched_tenant_changes() -> None:
    d = desired()
    plan = make_plan(d, LIVE, scope=frozenset({"A"}))
    other = Live(ArnContext("aws", "us-east-1", "123456789012"),
                 {"A": d.tenants["A"]})  # A now exists: the live fingerprint differs
    assert plan_digest(plan, d, LIVE) != plan_digest(plan, d, other)


def test_the_comment_carries_the_digest_the_merge_job_reads_back() -> None:
    d = desired()
    plan = make_plan(d, LIVE)
    value = plan_digest(plan, d, LIVE)
    assert reviewed_digest(pr_comment(plan, value, "main")) == value
    assert reviewed_digest("no marker here") is None

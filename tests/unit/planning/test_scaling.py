"""The tool's work per tenant does not grow with the number of tenants.

At 100,000 tenants a step quadratic in N (a scan of every change for each change, a list
membership test in a loop) costs hours, while timing it in a test would be flaky on a shared
machine. So the work is counted instead: the Python lines executed (anywhere: the tool, the
standard library's graphlib and json, nothing is mocked) by loading, planning and rendering
configs of n, 2n and 3n tenants that differ only by name. Linear work with a fixed overhead
makes the counts an arithmetic progression; any term in N² breaks it. Two things are left out
because they are not per-tenant work that could go quadratic: what runs once per process (a
regex compiled on first use; each step runs once before it is counted), and the comparisons
`sorted` makes through dataclass-generated `__lt__` (n log n, and their number depends on the
input order).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from types import FrameType
from typing import Any

import pytest

from reconciler.config.load import load_desired_texts
from reconciler.kinds.tenant import Tenant
from reconciler.planning import load_plan, make_plan, plan_chunks
from reconciler.render import render_drift, render_plan
from reconciler.state import ArnContext, Desired, Live, ResourceRef

SIZES = (20, 40, 60)
SETTINGS = """\
settings: {region: us-east-1, account_id: "123456789012", prune: true, max_tenants: 100000}
tiers:
  pro: {reputation_policy: strict, resources: {configuration_sets: [tier-pro],
        templates: [welcome]}, tags: {Tier: pro}}
"""


def lines_executed(call: Callable[[], Any]) -> int:
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_name == "__lt__" and frame.f_code.co_filename == "<string>":
            return None  # the comparisons of a sort
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def config(n: int) -> dict[str, str]:
    files = {"settings.yaml": SETTINGS}
    for i in range(n):
        files[f"tenants/T{i:05d}.yaml"] = (
            f"tenants:\n  T{i:05d}:\n    tier: pro\n    tags: {{CustomerID: c{i:05d}}}\n"
            f"    resources: {{identities: [t{i:05d}.example.com]}}\n"
            "    suppression: {scope: TENANT, reasons: [BOUNCE]}\n")
    return files


def drifted(desired: Desired) -> Live:
    """Every tenant exists and is owned, with a changed tag and an association missing; as
    many owned tenants outside the config are pruned."""
    ctx = ArnContext("aws", "us-east-1", "123456789012")
    owner = {desired.settings.ownership_tag_key: desired.settings.ownership_tag_value}

    def live(t: Tenant, name: str) -> Tenant:
        return replace(t, name=name, tenant_id=f"tn-{name}", arn=f"arn:tenant/{name}/tn-{name}",
                       tags={**t.tags, **owner, "CustomerID": "old"},
                       resources=frozenset(sorted(t.resources)[1:]))

    tenants = {t.name: live(t, t.name) for t in desired.tenants.values()}
    tenants |= {f"Gone{t.name}": live(t, f"Gone{t.name}") for t in desired.tenants.values()}
    return Live(ctx, tenants)


def swapped(desired: Desired) -> tuple[Desired, Live]:
    """Every tenant moves between two shared configuration sets, half each way (a re-tiering):
    each set is lost by n/2 tenants and gained by n/2 others in the same plan."""
    ctx = ArnContext("aws", "us-east-1", "123456789012")
    owner = {desired.settings.ownership_tag_key: desired.settings.ownership_tag_value}
    sets = (ResourceRef("configuration-set", "set-a"), ResourceRef("configuration-set", "set-b"))
    wanted, seen = {}, {}
    for i, t in enumerate(desired.tenants.values()):
        mine, other = sets[i % 2], sets[1 - i % 2]
        wanted[t.name] = replace(t, resources=t.resources | {mine})
        seen[t.name] = replace(t, tenant_id=f"tn-{t.name}", arn=f"arn:tenant/{t.name}",
                               tags={**t.tags, **owner}, resources=t.resources | {other})
    return replace(desired, tenants=wanted), Live(ctx, seen)


def steps(n: int) -> dict[str, Callable[[], Any]]:
    desired = load_desired_texts(config(n))
    empty = Live(ArnContext("aws", "us-east-1", "123456789012"), {})
    create, drift = make_plan(desired, empty, scope=None), make_plan(desired, drifted(desired),
                                                                      scope=None)
    assert (len(create.changes), len(drift.changes)) == (5 * n, 3 * n)
    saved = "".join(plan_chunks(create))
    moved, moving = swapped(desired)
    return {
        "validate and resolve": lambda: load_desired_texts(config(n)),
        "plan of creates (planner and ordering DAG)": lambda: make_plan(desired, empty,
                                                                         scope=None),
        "plan of updates and prunes": lambda: make_plan(desired, drifted(desired), scope=None),
        "plan of resources moving between tenants": lambda: make_plan(moved, moving,
                                                                      scope=None),
        "text rendering": lambda: render_plan(create, "text"),
        "JSON rendering": lambda: render_plan(create, "json"),
        "Markdown rendering": lambda: render_plan(drift, "markdown"),
        "drift report": lambda: render_drift(drift, "text"),
        "saved plan written and read": lambda: load_plan("".join(plan_chunks(create))) and saved,
    }


STEPS = list(steps(1))


@pytest.mark.parametrize("step", STEPS)
def test_work_grows_linearly_with_the_number_of_tenants(step: str) -> None:
    steps(1)[step]()
    small, middle, large = (lines_executed(steps(n)[step]) for n in SIZES)
    assert middle - small == large - middle, (step, small, middle, large)

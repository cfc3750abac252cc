"""Properties over random desired/live pairs: applying a plan converges, and its order is valid.

The apply is simulated here, change by change, with the semantics the executor implements. The
resulting state is then compared, attribute by attribute, with what the config asks for (an
expectation written here from the rules, not by planning again): a planner that forgets one kind
of write would otherwise plan nothing the second time either, and "converge".
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from reconciler.planning.plan import Change, Plan
from reconciler.state import Desired, Live, LiveStatus
from tests.unit.planning.builders import CTX, OWN, desired, ref, sup
from tests.unit.planning.expected import end_state_differences

NAMES = ["A", "B", "C", "D"]
REFS = [ref(r) for r in ("identity/a.com", "identity/b.com", "configuration-set/c",
                         "template/t")]
tags_st = st.dictionaries(st.sampled_from(["k1", "k2", "aws:x", "managed-by:protect"]),
                          st.sampled_from(["1", "2", "true"]), max_size=3)
res_st = st.frozensets(st.sampled_from(REFS), max_size=3)
SCALARS = ["reputation_policy", "sending_status", "suppression"]
policy_st = st.sampled_from(["none", "standard", "strict"])
sup_st = st.one_of(st.none(), st.builds(
    lambda scope, reasons: sup(scope, *reasons), st.sampled_from(["TENANT", "ACCOUNT"]),
    st.frozensets(st.sampled_from(["BOUNCE", "COMPLAINT"]))))


@st.composite
def desired_tenant(draw: st.DrawFn, name: str) -> Tenant:
    return Tenant(name, tags=draw(st.dictionaries(st.sampled_from(["k1", "k2"]),
                                                  st.sampled_from(["1", "2"]), max_size=2)),
                  resources=draw(res_st), reputation_policy=draw(policy_st),
                  sending_status=draw(st.sampled_from(["ENABLED", "DISABLED", "REINSTATED"])),
                  suppression=draw(sup_st), protect=draw(st.booleans()),
                  declared=draw(st.frozensets(st.sampled_from(SCALARS))))


@st.composite
def live_tenant(draw: st.DrawFn, name: str) -> Tenant:
    tags = {**draw(tags_st), **(OWN if draw(st.booleans()) else {})}
    status = LiveStatus(customer=draw(st.sampled_from([None, "ENABLED", "DISABLED", "REINSTATED"])),
                        aws=draw(st.sampled_from([None, None, "DISABLED"])))
    return Tenant(name, tags=tags, resources=draw(res_st), reputation_policy=draw(policy_st),
                  suppression=draw(sup_st), status=status, tenant_id=f"tn-{name.lower()}")


@st.composite
def states(draw: st.DrawFn) -> tuple[Desired, Live]:
    wanted = draw(st.lists(st.sampled_from(NAMES), unique=True))
    have = draw(st.lists(st.sampled_from([*NAMES, "Old", "New"]), unique=True))
    tenants = [draw(desired_tenant(n)) for n in sorted(wanted)]
    if draw(st.booleans()):
        tenants.append(replace(draw(desired_tenant("New")), replaces="Old"))
    lives = [draw(live_tenant(n)) for n in sorted(have)]
    return (desired(*tenants, prune=draw(st.booleans())),
            Live(CTX, {t.name: t for t in lives}))


def simulate(live: Live, plan: Plan) -> Live:
    tenants = dict(live.tenants)
    done: set[str] = set()
    for change in plan.changes:
        assert set(change.depends_on) <= done, f"{change.key} ran before its prerequisites"
        _apply(tenants, change)
        done.add(change.key)
    return Live(live.context, tenants)


def _apply(tenants: dict[str, Tenant], c: Change) -> None:
    t = tenants.get(c.tenant)
    if c.action is Action.CREATE_TENANT:
        tenants[c.tenant] = Tenant(c.tenant, tags=dict(c.after.tags), tenant_id="tn-new",
                                   suppression=c.after.suppression, status=LiveStatus())
    elif c.action is Action.DELETE_TENANT:
        del tenants[c.tenant]
    elif c.action is Action.UPDATE_TAGS:
        kept = {k: v for k, v in t.tags.items() if k.startswith("aws:")}
        tenants[c.tenant] = replace(t, tags={**kept, **c.after})
    elif c.action is Action.ASSOCIATE:
        tenants[c.tenant] = replace(t, resources=t.resources | {c.after})
    elif c.action is Action.DISASSOCIATE:
        tenants[c.tenant] = replace(t, resources=t.resources - {c.before})
    elif c.action is Action.SET_POLICY:
        tenants[c.tenant] = replace(t, reputation_policy=c.after)
    elif c.action is Action.SET_SUPPRESSION:
        tenants[c.tenant] = replace(t, suppression=c.after)
    elif c.action is Action.SET_STATUS:
        tenants[c.tenant] = replace(t, status=replace(t.status, customer=c.after))


@settings(max_examples=200, deadline=None)
@given(states())
def test_applying_a_plan_leaves_nothing_to_do(state: tuple[Desired, Live]) -> None:
    wanted, live = state
    after = simulate(live, make_plan(wanted, live))
    assert make_plan(wanted, after).changes == ()


@settings(max_examples=300, deadline=None)
@given(states())
def test_applying_a_plan_yields_what_the_config_asks_for(state: tuple[Desired, Live]) -> None:
    wanted, live = state
    after = simulate(live, make_plan(wanted, live))
    assert end_state_differences(wanted, live, after) == []


@settings(max_examples=100, deadline=None)
@given(states())
def test_every_change_comes_after_its_dependencies(state: tuple[Desired, Live]) -> None:
    plan = make_plan(*state)
    seen: set[str] = set()
    for change in plan.changes:
        assert set(change.depends_on) <= seen
        seen.add(change.key)


@settings(max_examples=100, deadline=None)
@given(states())
def test_moves_associate_before_they_disassociate(state: tuple[Desired, Live]) -> None:
    plan = make_plan(*state)
    position = {c.key: i for i, c in enumerate(plan.changes)}
    gains = {c.after: c.key for c in plan.changes if c.action is Action.ASSOCIATE}
    for c in plan.changes:
        if c.action is Action.DISASSOCIATE and c.before in gains:
            assert position[gains[c.before]] < position[c.key]
            assert gains[c.before] in c.depends_on


@settings(max_examples=100, deadline=None)
@given(states())
def test_only_owned_unprotected_tenants_are_deleted(state: tuple[Desired, Live]) -> None:
    wanted, live = state
    for c in make_plan(wanted, live).changes:
        if c.action is Action.DELETE_TENANT:
            tags = live.tenants[c.tenant].tags
            assert tags.get("managed-by") == "ses-reconciler"
            assert tags.get("managed-by:protect") != "true"

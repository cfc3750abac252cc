"""The three CI steps: plan a pull request, apply what was reviewed on merge, detect drift.

The workflows only move files and call these through `ses-reconciler ci …`; every decision (what
to plan, whether the merged plan is the reviewed one, open or close the drift issue) is made here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from reconciler.engine import LIVE_MANAGED, PlanResult, Refresh, Run
from reconciler.gitops import bodies
from reconciler.gitops.digest import plan_digest
from reconciler.gitops.git import merge_base
from reconciler.kinds.tenant import TenantAction
from reconciler.planning import Plan, dump_plan
from reconciler.render import render_apply, render_drift, render_plan
from reconciler.state import Live

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PlanStep:
    """A plan with everything the workflow keeps: comment body, saved plan, digest, log text."""

    plan: Plan
    digest: str
    body: str
    saved: str
    text: str


@dataclass(frozen=True, slots=True)
class MergeStep:
    applied: bool  # False: refused, nothing written
    ok: bool  # applied without failures (or refused: False)
    digest: str
    reviewed: str | None
    body: str
    text: str


@dataclass(frozen=True, slots=True)
class DriftStep:
    plan: Plan
    outcome: Literal["open", "close"]  # open (or update) the stack's issue, or close it
    title: str
    body: str
    text: str
    live: Live | None = None  # what the drift was read from (for `--publish`)


def pr_plan(run: Run, config: Path, *, stack: str, base: str | None = None,
            changed_since: str | None = None) -> PlanStep:
    """Plan only what the branch changed since it left `base` (or since `changed_since`)."""
    cwd = config if config.is_dir() else config.parent
    ref = merge_base(cwd, base) if base is not None else changed_since
    result = run.plan(changed_since=ref, config_path=config)
    digest = _digest(run, result)
    return PlanStep(result.plan, digest, bodies.pr_comment(result.plan, digest, stack),
                    dump_plan(result.plan), render_plan(result.plan, "text"))


def merge_apply(run: Run, config: Path, *, stack: str, reviewed: str | None,
                changed_since: str | None, allow_delete: bool = False, force: bool = False,
                progress: Progress | None = None,
                stop: threading.Event | None = None) -> MergeStep:
    """Re-plan the merged commit; apply it only if its digest is the reviewed one."""
    result = run.plan(changed_since=changed_since, config_path=config)
    digest = _digest(run, result)
    text = render_plan(result.plan, "text")
    if not result.plan.changes:  # nothing would be written: e.g. a re-run after the apply
        body = bodies.applied_comment("Nothing to apply: the account already matches.\n",
                                      digest=digest, ok=True, stack=stack)
        return MergeStep(True, not result.plan.conflicts, digest, reviewed, body, text)
    if reviewed != digest:
        body = bodies.refusal_comment(result.plan, reviewed=reviewed, fresh=digest, stack=stack)
        return MergeStep(False, False, digest, reviewed, body, text)
    report = run.apply(_with_managed_base(result, run), allow_delete=allow_delete, force=force,
                       progress=progress, stop=stop)
    report_text = render_apply(report, "text")
    ok = report.ok and not result.plan.conflicts
    body = bodies.applied_comment(report_text, digest=digest, ok=ok, stack=stack)
    return MergeStep(True, ok, digest, reviewed, body, text + "\n" + report_text)


def drift(run: Run, *, stack: str, refresh: Refresh | None = None) -> DriftStep:
    result = run.plan(refresh=refresh)
    outcome: Literal["open", "close"] = "close" if result.plan.settled else "open"
    return DriftStep(result.plan, outcome, bodies.drift_title(stack),
                     bodies.drift_issue(result.plan, stack), render_drift(result.plan, "text"),
                     result.live)


def _with_managed_base(result: PlanResult, run: Run) -> PlanResult:
    """A targeted plan read only its scope, so the safety percentages would be shares of the
    scope (2 changed of 2 read: 100%). The config's tenants that already exist are the base."""
    if result.plan.scope is None or LIVE_MANAGED in result.plan.meta:
        return result
    created = sum(1 for c in result.plan.changes if c.action is TenantAction.CREATE_TENANT)
    base = max(len(run.desired.tenants) - created, 0)
    plan = replace(result.plan, meta={**result.plan.meta, LIVE_MANAGED: base})
    return PlanResult(result.desired, result.live, plan)


def _digest(run: Run, result: PlanResult) -> str:
    return plan_digest(result.plan, run.desired, result.live)

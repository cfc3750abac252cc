"""Execute a plan: walk the dependency DAG, run independent changes in parallel.

A failed change never stops the others; only the changes that depend on it (transitively) are
skipped, each naming the failed change it waited for. Every writer is idempotent, so whatever
an interrupted or partly failed apply leaves behind, a fresh read and plan converge.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from graphlib import CycleError, TopologicalSorter

from reconciler.aws.clients import ClientFactory
from reconciler.aws.failures import describe
from reconciler.aws.writers import WRITERS, TenantArns, WriteContext
from reconciler.errors import ReconcilerError, RunError
from reconciler.planning.plan import Action, Change, Plan
from reconciler.report import ApplyReport, Outcome
from reconciler.state import Live

Progress = Callable[[int, int], None]  # (finished, total) after each change
Writer = Callable[[WriteContext, Change], None]


class Executor:
    """Applies plans against one account.

    `writers` can extend or replace the per-action functions (for action kinds handled outside
    SES). Dependencies on keys that are not in the plan count as already satisfied.
    """

    def __init__(self, factory: ClientFactory, live: Live, parallelism: int = 8, *,
                 writers: Mapping[Action, Writer] | None = None) -> None:
        self.factory = factory
        self.parallelism = max(1, parallelism)
        self.writers = {**WRITERS, **(writers or {})}
        arns = {name: t.arn for name, t in live.tenants.items() if t.arn}
        self.context = WriteContext(factory.client("sesv2"), TenantArns(arns), live.context)

    def _run(self, change: Change) -> Outcome:
        started = time.monotonic()
        writer = self.writers.get(change.action)
        try:
            if writer is None:
                raise ReconcilerError(f"no writer for action {change.action}")
            writer(self.context, change)
        except Exception as err:  # one broken change must not stop the others
            return Outcome(change, "failed", describe(err), time.monotonic() - started)
        return Outcome(change, "applied", "", time.monotonic() - started)

    def apply(self, plan: Plan, progress: Progress | None = None) -> ApplyReport:
        """Run every change whose prerequisites succeeded; `progress(done, total)` after each."""
        started, calls_before = time.monotonic(), self.factory.calls
        by_key = {change.key: change for change in plan.changes}
        graph = TopologicalSorter(
            {key: [d for d in c.depends_on if d in by_key] for key, c in by_key.items()})
        try:
            graph.prepare()
        except CycleError as err:
            raise RunError(f"the plan's dependencies form a cycle: {err.args[1]}") from err
        outcomes: dict[str, Outcome] = {}
        finish = _Finisher(outcomes, graph, len(by_key), progress)
        blocked_by: dict[str, str] = {}  # key -> the failed change that blocks it
        running: dict[Future[Outcome], str] = {}
        # Ready changes wait on a stack and at most `parallelism` run at once: a change just
        # released by its prerequisite starts before older ready ones, so a tenant's follow-up
        # calls (another operation family, another rate budget) overlap the remaining creates
        # instead of queuing behind all of them in the pool.
        order = {key: i for i, key in enumerate(by_key)}
        pending: list[str] = []
        with ThreadPoolExecutor(max_workers=self.parallelism) as pool:
            while graph.is_active():
                pending.extend(sorted(graph.get_ready(), key=order.__getitem__, reverse=True))
                while pending and len(running) < self.parallelism:
                    key = pending.pop()
                    cause = next((blocked_by[d] for d in by_key[key].depends_on
                                  if d in blocked_by), None)
                    if cause is None:
                        running[pool.submit(self._run, by_key[key])] = key
                        continue
                    blocked_by[key] = cause
                    finish(Outcome(by_key[key], "skipped", cause))
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    key, outcome = running.pop(future), future.result()
                    if outcome.status == "failed":
                        blocked_by[key] = key
                    finish(outcome)
        calls = _delta(self.factory.calls, calls_before)
        return ApplyReport(tuple(outcomes[c.key] for c in plan.changes), calls,
                           time.monotonic() - started)


class _Finisher:
    """Records an outcome, releases its dependents in the graph and reports progress."""

    def __init__(self, outcomes: dict[str, Outcome], graph: TopologicalSorter[str], total: int,
                 progress: Progress | None) -> None:
        self.outcomes, self.graph, self.total, self.progress = outcomes, graph, total, progress

    def __call__(self, outcome: Outcome) -> None:
        self.outcomes[outcome.change.key] = outcome
        self.graph.done(outcome.change.key)
        if self.progress is not None:
            self.progress(len(self.outcomes), self.total)


def _delta(after: Mapping[str, int], before: Mapping[str, int]) -> dict[str, int]:
    counts = {op: n - before.get(op, 0) for op, n in after.items()}
    return dict(sorted((op, n) for op, n in counts.items() if n))

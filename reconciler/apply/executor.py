"""Execute a plan: walk the dependency DAG, run independent changes in parallel.

A failed change never stops the others; only the changes that depend on it (transitively) are
skipped, each naming the failed change it waited for. Every writer is idempotent, so whatever
an interrupted or partly failed apply leaves behind, a fresh read and plan converge.

A stop request (the CLI sets it on SIGINT/SIGTERM) launches nothing new, lets the calls in
flight finish for up to `grace` seconds and reports the rest as not started; the executor
returns normally, so the caller's cleanup (locks, state files) runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from graphlib import CycleError, TopologicalSorter

from reconciler.apply.report import ApplyReport, Outcome
from reconciler.aws.clients import ClientFactory
from reconciler.aws.failures import describe
from reconciler.aws.writers import TenantArns, WriteContext
from reconciler.errors import ReconcilerError, RunError
from reconciler.kinds.registry import kinds
from reconciler.planning.plan import ActionName, Change, Plan
from reconciler.state import Live

Progress = Callable[[int, int], None]  # (finished, total) after each change
Writer = Callable[[WriteContext, Change], None]
DEFAULT_GRACE = 30.0  # seconds in-flight changes get to finish after a stop request
_POLL = 0.2


class Executor:
    """Applies plans against one account.

    Each action runs the writer its kind declares; `writers` can extend or replace them.
    Dependencies on keys that are not in the plan count as already satisfied.
    """

    def __init__(self, factory: ClientFactory, live: Live, parallelism: int = 8, *,
                 writers: Mapping[ActionName, Writer] | None = None,
                 grace: float = DEFAULT_GRACE) -> None:
        self.factory = factory
        self.parallelism = max(1, parallelism)
        self.grace = grace
        declared = {a.name: a.write for kind in kinds() for a in kind.actions}
        self.writers: dict[ActionName, Writer] = {**declared, **(writers or {})}
        arns = {name: t.arn for name, t in live.tenants.items() if t.arn}
        self.context = WriteContext(factory.client("sesv2"), TenantArns(arns), live.context,
                                    factory=factory)

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

    def apply(self, plan: Plan, progress: Progress | None = None,
              stop: threading.Event | None = None) -> ApplyReport:
        """Run every change whose prerequisites succeeded; `progress(done, total)` after each.

        Once `stop` is set no change starts; those left are reported as `not_started`."""
        started, calls_before = time.monotonic(), self.factory.calls
        self.context = replace(self.context, ownership=plan.ownership)
        stop = stop or threading.Event()
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

        def collect(done: set[Future[Outcome]]) -> None:
            for future in done:
                key, outcome = running.pop(future), future.result()
                if outcome.status == "failed":
                    blocked_by[key] = key
                finish(outcome)

        # Ready changes wait on a stack and at most `parallelism` run at once: a change just
        # released by its prerequisite starts before older ready ones, so a tenant's follow-up
        # calls (another operation family, another rate budget) overlap the remaining creates
        # instead of queuing behind all of them in the pool.
        order = {key: i for i, key in enumerate(by_key)}
        pending: list[str] = []
        pool = ThreadPoolExecutor(max_workers=self.parallelism)
        try:
            while graph.is_active() and not stop.is_set():
                pending.extend(sorted(graph.get_ready(), key=order.__getitem__, reverse=True))
                while pending and len(running) < self.parallelism and not stop.is_set():
                    key = pending.pop()
                    cause = next((blocked_by[d] for d in by_key[key].depends_on
                                  if d in blocked_by), None)
                    if cause is None:
                        running[pool.submit(self._run, by_key[key])] = key
                        continue
                    blocked_by[key] = cause
                    finish(Outcome(by_key[key], "skipped", cause))
                if running:
                    collect(wait(running, timeout=_POLL, return_when=FIRST_COMPLETED)[0])
            if running:  # stopped: the calls in flight may finish, within the grace period
                collect(wait(running, timeout=self.grace)[0])
            for key in running.values():
                finish(Outcome(by_key[key], "failed",
                               f"still running {self.grace:g} s after the interrupt, so its "
                               f"result is unknown; the next plan shows whether it took effect"))
        finally:
            pool.shutdown(wait=not running, cancel_futures=True)
        interrupted = stop.is_set()
        calls = _delta(self.factory.calls, calls_before)
        return ApplyReport(
            tuple(outcomes.get(c.key) or Outcome(c, "not_started") for c in plan.changes),
            calls, time.monotonic() - started, interrupted=interrupted)


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

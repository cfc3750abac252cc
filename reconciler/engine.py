"""The few steps a command runs: load -> (lock) -> read -> plan -> (apply).

`cli.py` calls only this module. A `Run` holds one opened account (real AWS through a
`ClientFactory`, or the embedded emulator for `--target local`) for the life of a command, so
plan and apply share clients, the rate limiter and the call counts.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reconciler.apply import DEFAULT_GRACE, Executor
from reconciler.apply.report import ApplyReport
from reconciler.aws import lock as aws_lock
from reconciler.aws.clients import ClientFactory
from reconciler.aws.failures import aws_failures, translate
from reconciler.aws.ratelimit import AdaptiveRateLimiter
from reconciler.config.load import load_desired
from reconciler.errors import (
    AccountMismatchError,
    LockError,
    OptionConflictError,
    PlanError,
    RunError,
)
from reconciler.kinds.registry import read_account
from reconciler.local_account import open_local_account
from reconciler.local_lock import command_line, state_file_lock
from reconciler.operations.commands import (
    Validation,
    import_to_files,
    scaffold,
    schema_text,
    select_pattern,
    self_policy_text,
    serve_local,
    stacks_listing,
    stale_schemas,
    status_output,
    validate,
)
from reconciler.plan_scope import scope_changed_since
from reconciler.planning import (
    Plan,
    check_safety,
    check_saved_plan,
    dump_plan,
    fingerprint,
    fingerprint_names,
    load_plan,
    make_plan,
    plan_chunks,
)
from reconciler.planning.resource_scope import check_resource_scope
from reconciler.refresh import Refresh, RefreshReport, refresh_scope, write_watermark
from reconciler.render import render_apply, render_drift, render_plan, render_plan_chunks
from reconciler.state import AssociationReads, ChangedScope, Desired, Live, Settings

# re-exported for cli.py, which calls only this module
__all__ = ["DEFAULT_GRACE", "Refresh", "Validation", "dump_plan", "import_to_files",
           "plan_chunks", "render_apply", "render_drift", "render_plan", "render_plan_chunks",
           "scaffold", "schema_text", "select_pattern", "self_policy_text", "serve_local",
           "stacks_listing", "stale_schemas", "status_output", "translate", "validate"]

if TYPE_CHECKING:
    from reconciler.operations.verify import VerifyReport

DEFAULT_LOCAL_STATE = Path(".ses-reconciler/local-account.json")
# Plan meta key: owned tenants in the full read a plan was made from. `apply --plan` re-reads
# only the tenants the plan touches, which would make every saved plan a 100% change.
LIVE_MANAGED = "live_managed_tenants"
# The same for the other kinds (kind -> managed objects), recorded when the read found any.
LIVE_OBJECTS = "live_managed_objects"
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class TargetOptions:
    """Where to run: `target=None` means `settings.target` from the config."""

    target: Literal["aws", "local"] | None = None
    local_state: Path = DEFAULT_LOCAL_STATE
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    parallelism: int = 8
    max_rate: float | None = None  # requests/s per operation family; 0 = no client-side limit
    lock_timeout: float = 0.0  # seconds to wait for the state-file lock or the apply lease
    # Fields whose value came from the environment (AWS_ENDPOINT_URL), not the command line.
    from_environment: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PlanResult:
    desired: Desired
    live: Live
    plan: Plan
    refresh: RefreshReport | None = None  # how the account was read, when a mode was asked


@dataclass
class Run:
    """One command's view of one account."""

    desired: Desired
    factory: ClientFactory
    account: str
    region: str
    parallelism: int = 8
    _live: Live | None = field(default=None, repr=False)
    local: bool = False  # the embedded emulator, already locked for the whole command
    lease: aws_lock.DynamoLease | None = None

    def plan(self, *, only: tuple[str, ...] = (), changed_since: str | None = None,
             config_path: Path | None = None, refresh: Refresh | None = None) -> PlanResult:
        """Read what the plan needs (all tenants, the targeted ones, or those event history
        says changed) and diff; with `refresh`, the plan's notices say how it was read and a
        watermark file is advanced once the plan is made."""
        report: RefreshReport | None = None
        if refresh is not None and (refresh.incremental or refresh.full):
            if only or changed_since is not None:
                raise OptionConflictError(
                    "--since, --watermark and --full choose how the whole config is refreshed "
                    "and cannot be combined with --only or --changed-since; drop one of them")
            now = dt.datetime.now(dt.UTC)
            scope, report = refresh_scope(self.factory, self.desired, refresh, now)
            if scope is not None:
                scope = ChangedScope(scope)
        else:
            scope = self._scope(only, changed_since, config_path)
        live = read_account(self.factory, self.desired, scope=scope, parallelism=self.parallelism)
        _refuse_missing_resources(live)
        self._live = live
        plan = make_plan(self.desired, live, scope=scope)
        if scope is None:  # a saved plan re-reads only what it touches; keep the whole count
            objects = _managed_objects(live)
            plan = replace(plan, meta={**plan.meta, LIVE_MANAGED: _managed(live, self.desired),
                                       **({LIVE_OBJECTS: objects} if objects else {})})
        if report is not None:
            plan = replace(plan, notices=(report.sentence(), *plan.notices))
            if refresh is not None and refresh.watermark is not None:
                write_watermark(refresh.watermark, report.now)
        return PlanResult(self.desired, live, plan, report)

    def _scope(self, only: tuple[str, ...], changed_since: str | None,
               config_path: Path | None) -> frozenset[str] | None:
        names: set[str] = set(only)
        if changed_since is not None:
            assert config_path is not None
            changed = scope_changed_since(self.desired, config_path, changed_since)
            if changed is None:
                return None
            names |= changed
        if not only and changed_since is None:
            return None
        return frozenset(names)

    def saved_plan(self, text: str) -> PlanResult:
        """Load a saved plan and refuse it unless account, region, config and live all match."""
        plan = load_plan(text)
        check_saved_plan(plan, account=self.account, region=self.region,
                         config_digest=self.desired.digest, live_fingerprint=None)
        scope = fingerprint_names(plan)
        live = read_account(self.factory, self.desired, scope=scope, parallelism=self.parallelism)
        check_saved_plan(plan, account=self.account, region=self.region,
                         config_digest=self.desired.digest,
                         live_fingerprint=fingerprint(live, scope))
        self._live = live
        return PlanResult(self.desired, live, plan)

    def apply(self, result: PlanResult, *, allow_delete: bool, force: bool,
              progress: Progress | None = None,
              stop: threading.Event | None = None) -> ApplyReport:
        """`stop` (set on an interrupt) ends the apply early; see `Executor.apply`."""
        managed = result.plan.meta.get(LIVE_MANAGED)
        if not isinstance(managed, int):
            managed = _managed(result.live, self.desired)
        objects = result.plan.meta.get(LIVE_OBJECTS)
        if not isinstance(objects, dict):
            objects = _managed_objects(result.live)
        owned = {n for n, t in result.live.tenants.items() if _owned(t.tags, self.desired)}
        check_safety(result.plan, self.desired.settings, live_managed_count=managed,
                     allow_delete=allow_delete, force=force, owned=owned,
                     managed_objects=objects)
        executor = Executor(self.factory, result.live, parallelism=self.parallelism)
        return executor.apply(result.plan, progress=progress, stop=stop)

    def read_all(self) -> Live:
        """Every live tenant, in the config or not, owned or not: what `status` and `import`
        report on, so nothing in the account is hidden by the config's scope or prune."""
        live = read_account(self.factory, self.desired, parallelism=self.parallelism,
                         all_tenants=True)
        self._live = live
        return live

    def read_tenants(self, names: Iterable[str]) -> Live:
        """Just the named tenants (targeted read): `iam render` needs their ids and ARNs,
        whatever the size of the account."""
        return read_account(self.factory, self.desired, scope=frozenset(names),
                         parallelism=self.parallelism)

    def calls(self) -> dict[str, int]:
        return dict(self.factory.call_counts())

    def association_reads(self) -> AssociationReads | None:
        """How the last full read got the associations, and the estimates behind the choice."""
        return self._live.association_reads if self._live is not None else None

    def lock_lost(self) -> str | None:
        """Why the apply lease stopped being ours during the run, if it did."""
        return self.lease.lost if self.lease is not None else None


def _managed(live: Live, desired: Desired) -> int:
    """Owned tenants in what was read: the base of the safety percentages."""
    return sum(1 for t in live.tenants.values() if _owned(t.tags, desired))


def _managed_objects(live: Live) -> dict[str, int]:
    """kind -> live objects read as the tool's (all but those proven not owned): the base of
    each other kind's safety percentages."""
    counts = {kind: sum(1 for o in objects.values() if getattr(o, "owned", None) is not False)
              for kind, objects in live.objects.items()}
    return {kind: n for kind, n in sorted(counts.items()) if n}


def _owned(tags: object, desired: Desired) -> bool:
    s = desired.settings
    return isinstance(tags, dict) and tags.get(s.ownership_tag_key) == s.ownership_tag_value


def _refuse_missing_resources(live: Live) -> None:
    if live.missing_resources:
        names = ", ".join(str(r) for r in sorted(live.missing_resources))
        raise PlanError(f"the config references resources that do not exist in the account: "
                        f"{names}. Create them first; nothing was changed.")


@contextmanager
def open_run(config: Path, options: TargetOptions) -> Iterator[Run]:
    """Load the config, open the account it targets and guard the account id."""
    with aws_failures("reading the account"), _open(load_desired(config), options) as run:
        yield run


@contextmanager
def open_apply_run(config: Path, options: TargetOptions) -> Iterator[Run]:
    """`open_run` holding the apply lock (`settings.lock`) from before the plan's read to the
    end of the apply, so the plan is computed and applied with no other apply in between."""
    with open_run(config, options) as run, _apply_lock(run, options.lock_timeout):
        yield run


@contextmanager
def _apply_lock(run: Run, timeout: float) -> Iterator[None]:
    table = run.desired.settings.lock_table
    if table is None or run.local:
        yield
        return
    with aws_lock.held_lease(run.factory.client("dynamodb"), table, account=run.account,
                             region=run.region, command=command_line(),
                             timeout=timeout) as lease:
        run.lease = lease
        yield


def force_unlock(config: Path, options: TargetOptions, lock_id: str) -> Run:
    """Delete the apply lease of the config's account and Region if `lock_id` holds it."""
    with open_run(config, options) as run:
        table = run.desired.settings.lock_table
        if run.local:
            raise LockError("--target local locks its state file, and that lock is released "
                            "when its holder exits; there is nothing to force-unlock")
        if table is None:
            raise LockError("the config sets no settings.lock.dynamodb_table, so applies take "
                            "no lock and there is nothing to force-unlock")
        aws_lock.force_unlock(run.factory.client("dynamodb"), table, account=run.account,
                              region=run.region, lock_id=lock_id)
        return run


@contextmanager
def open_account(options: TargetOptions, config: Path | None = None) -> Iterator[Run]:
    """`open_run` for commands whose config is optional (import): without one, the defaults
    (no tenants, no account guard, target aws unless `--target`) and the options decide."""
    desired = load_desired(config) if config is not None else Desired(Settings(), {})
    with aws_failures("reading the account"), _open(desired, options) as run:
        yield run


@contextmanager
def _open(desired: Desired, options: TargetOptions) -> Iterator[Run]:
    target = resolve_target(options, desired.settings.target)
    region = options.region or desired.settings.region
    if target == "local":
        with state_file_lock(options.local_state, timeout=options.lock_timeout), \
                open_local_account(desired, options.local_state, region) as factory:
            run = _checked_run(desired, factory, region, options.parallelism)
            run.local = True
            yield run
        return
    factory = ClientFactory(profile=options.profile, region=region,
                            endpoint_url=options.endpoint_url,
                            limiter=_limiter(options.max_rate), parallelism=options.parallelism)
    yield _checked_run(desired, factory, region, options.parallelism)


_AWS_ONLY = {"endpoint_url": "--endpoint-url", "profile": "--profile", "max_rate": "--max-rate"}


def resolve_target(options: TargetOptions, configured: str) -> Literal["aws", "local"]:
    """`--target`, else an endpoint URL (flag or AWS_ENDPOINT_URL) selects aws, else the
    config's target; an AWS-only option given on the command line for the embedded emulator
    is refused rather than silently ignored."""
    given = [flag for name, flag in _AWS_ONLY.items()
             if getattr(options, name) is not None and name not in options.from_environment]
    flags = " and ".join(given) + (" apply" if len(given) > 1 else " applies")
    if options.target == "local":
        if given:
            raise OptionConflictError(
                f"{flags} only to AWS, not to --target local (the embedded emulator); "
                f"drop {'them' if len(given) > 1 else 'it'} or use --target aws")
        return "local"
    if options.target == "aws" or configured != "local" or options.endpoint_url:
        return "aws"
    if given:
        raise OptionConflictError(
            f"{flags} only to AWS, but the config's settings.target is local; add "
            f"--target aws (or --endpoint-url URL) to run against AWS, or drop "
            f"{'them' if len(given) > 1 else 'it'}")
    return "local"


def _limiter(max_rate: float | None) -> AdaptiveRateLimiter | None:
    """None keeps the factory's default: paced for AWS, unlimited for a custom endpoint."""
    if max_rate is None:
        return None
    if max_rate == 0:
        return AdaptiveRateLimiter.for_local()
    return AdaptiveRateLimiter(max_rate, ceiling=max_rate)


def _checked_run(desired: Desired, factory: ClientFactory, region: str,
                 parallelism: int) -> Run:
    account = factory.caller_account()
    expected = desired.settings.account_id
    if expected and account != expected:
        raise AccountMismatchError(
            f"the credentials belong to account {account}, but the config is for account "
            f"{expected} (settings.account_id); refusing to run")
    check_resource_scope(desired, factory.arn_context())  # ARNs of another account or Region
    return Run(desired, factory, account, region, parallelism)


# --- the rest of what cli.py calls: it imports nothing but this module --------------------

def iam_render(config: Path, options: TargetOptions, tenants: tuple[str, ...], fmt: str,
               offline: bool) -> tuple[Run | None, str]:
    """The rendered policies of the selected tenants (ids and ARNs read from the account
    unless `offline`), as JSON or text; the run, when the account was read, for --stats."""
    from reconciler.iam import render

    run: Run | None = None
    if offline:
        desired = load_desired(config)
        context, live = render.offline_context(desired.settings), {}
        names = render.select_tenants(desired, tenants)
    else:
        with open_run(config, options) as opened:
            run, desired = opened, opened.desired
            names = render.select_tenants(desired, tenants)
            read = opened.read_tenants(names)
        context = render.PolicyContext(read.context.account, read.context.region,
                                       read.context.partition)
        live = dict(read.tenants)
    policies = render.render_policies(desired, names, context, live)
    return run, (render.policies_json(policies, names) if fmt == "json"
                 else render.policies_text(policies))


def stack_names(root: Path) -> list[str]:
    from reconciler.gitops import stacks

    return stacks.stack_names(root)


def stack_config(root: Path, name: str) -> Path:
    from reconciler.gitops import stacks

    return stacks.stack_config(root, name)


def stack_local_state(path: Path, name: str, *, many: bool) -> Path:
    from reconciler.gitops import stacks

    return stacks.stack_local_state(path, name, many=many)


def render_fleet_markdown(plans: list[tuple[str, Plan]]) -> str:
    from reconciler.render.fleet import render_fleet_markdown as render

    return render(plans)


def ci_step(step: str, *args: Any, **kwargs: Any) -> Any:
    """One of the pipeline steps (`pr_plan`, `merge_apply`, `drift`) of `gitops.pipeline`."""
    from reconciler.gitops import pipeline

    return getattr(pipeline, step)(*args, **kwargs)


def write_ci_outputs(out_dir: Path, files: dict[str, str], values: dict[str, str],
                     github_output: Path | None) -> None:
    from reconciler.gitops.outputs import write_outputs

    write_outputs(out_dir, files, values, github_output)


def ci_error_outputs(out_dir: Path, name: str, kind: str, stack: str, message: str) -> None:
    """The sticky comment (or issue) says the step failed; a failure to write it is ignored,
    the step's own error being the one to report."""
    from reconciler.gitops.bodies import error_comment

    with suppress(RunError):
        write_ci_outputs(out_dir, {name: error_comment(kind, stack, message)}, {}, None)


def reviewed_digest(comment: Path | None, digest: str | None) -> str | None:
    """The digest given, else the one in the reviewed plan comment, else None."""
    from reconciler.gitops.bodies import reviewed_digest as digest_in
    from reconciler.gitops.outputs import read_reviewed

    return digest or (digest_in(read_reviewed(comment)) if comment else None)


# --- monitoring: the tenant events log group, drift publishing -----------------------------

def tenant_events(config: Path, options: TargetOptions, since: str, tenants: tuple[str, ...],
                  fmt: str) -> tuple[Run, str]:
    """The SES tenant events the monitoring log group holds since `since`, per tenant."""
    from datetime import UTC, datetime

    from reconciler.aws.log_events import LogGroupMissing, log_events
    from reconciler.monitoring.tenant_events import build_report, parse_since
    from reconciler.render.tenant_events import render_events_json, render_events_text

    until = datetime.now(UTC)
    start = parse_since(since, until)
    desired = load_desired(config)
    monitoring = desired.monitoring
    if monitoring is None:
        raise RunError(f"monitoring is not set up: {config} declares no "
                       "monitoring.tenant_events, so no log group records the tenants' events; "
                       "declare it and run apply")
    with aws_failures("reading the tenant events"), _open(desired, options) as run:
        try:
            logged = [(int(e.get("timestamp", 0)), str(e.get("message", ""))) for e in log_events(
                run.factory.client("logs"), monitoring.log_group, int(start.timestamp() * 1000),
                int(until.timestamp() * 1000))]
        except LogGroupMissing:
            raise RunError(f"monitoring is not set up: the log group {monitoring.log_group} "
                           f"does not exist in account {run.account} in {run.region}; run "
                           "apply to create the config's monitoring") from None
    report = build_report(logged, names=frozenset(tenants) or None,
                          log_group=monitoring.log_group, account=run.account,
                          region=run.region, since=start, until=until)
    return run, render_events_json(report) if fmt == "json" else render_events_text(report)


@dataclass(frozen=True, slots=True)
class DriftRun:
    """A drift plan and the sentences of the publications that failed."""

    result: PlanResult
    publish_failures: tuple[str, ...] = ()


def drift_and_publish(run: Run, config: Path, publish: tuple[str, ...], *,
                      refresh: Refresh | None = None) -> DriftRun:
    """Plan for drift, then publish its summary (`cloudwatch`, `eventbridge`).

    A publication that fails is reported, not raised: the drift result (and its exit code)
    stands, and the missing `RunSucceeded` heartbeat is what an alarm sees.
    """
    result = run.plan(refresh=refresh)
    return DriftRun(result, publish_drift(run, result.plan, result.live, drift_stack(config),
                                          publish))


def drift_stack(config: Path) -> str:
    """The `Stack` dimension of a config's drift metrics (`stacks/<name>/`, else its folder)."""
    from reconciler.monitoring.drift_summary import stack_name

    return stack_name(config)


def publish_drift(run: Run, plan: Plan, live: Live, stack: str,
                  publish: tuple[str, ...]) -> tuple[str, ...]:
    """Publish a drift plan's summary; the sentences of the publications that failed."""
    from datetime import UTC, datetime

    from reconciler.aws import publish as put
    from reconciler.monitoring import drift_summary as summary

    if not publish:
        return ()
    found = summary.summarize(plan, live, run.desired, stack)
    failures: list[str] = []
    for target in dict.fromkeys(publish):
        try:
            if target == "cloudwatch":
                put.put_metrics(run.factory.client("cloudwatch"), summary.NAMESPACE,
                                found.dimensions, found.metrics, datetime.now(UTC))
            elif not plan.settled:
                put.put_event(run.factory.client("events"), summary.SOURCE,
                              summary.DETAIL_TYPE, found.event_detail())
        except RunError as err:
            failures.append(f"the drift was not published to {target}: {err}")
    return tuple(failures)


def verify_send(config: Path, options: TargetOptions, tenants: tuple[str, ...], to: str,
                send_test: bool) -> tuple[Run, VerifyReport]:
    """`verify --send-test`: one message per selected tenant to the mailbox simulator. A refused
    recipient or option is refused before the account is even opened: nothing is sent."""
    from reconciler.operations import verify
    from reconciler.planning.resource_scope import localize

    if not send_test:
        raise RunError("verify runs one check, the send test, which sends one message per "
                       f"tenant to {verify.SIMULATOR}: pass --send-test to run it")
    verify.check_recipient(to)
    with open_run(config, options) as run:
        desired = localize(run.desired, run.factory.arn_context())
        report = verify.send_tests(run.factory.client("sesv2"), desired, tenants, to,
                                   account=run.account, region=run.region)
    return run, report


def render_verify(report: VerifyReport, fmt: str) -> str:
    from reconciler.render.verify import render_verify as render

    return render(report, fmt)

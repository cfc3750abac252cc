"""Command line: the only module that prints or picks exit codes.

Each command is thin: parse options, call the engine (the only module it calls), print what it
returns, map errors to exit codes.
"""

from __future__ import annotations

import functools
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from botocore.exceptions import BotoCoreError, ClientError
from click.core import ParameterSource

from reconciler import __version__, engine
from reconciler.engine import (
    DEFAULT_GRACE,
    DEFAULT_LOCAL_STATE,
    Plan,
    Run,
    TargetOptions,
    open_apply_run,
    open_run,
    render_apply,
    render_drift,
    render_plan,
    render_plan_chunks,
    translate,
)
from reconciler.errors import ConfigError, OptionConflictError, ReconcilerError, RunError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_INTERRUPTED = 0, 1, 2, 130
T = TypeVar("T")


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.find_root().params.get("debug"))


def _fail(err: Exception) -> NoReturn:
    """Config errors list every diagnostic; run errors are one clear sentence (after the
    traceback with --debug)."""
    if isinstance(err, OptionConflictError):
        raise click.UsageError(str(err), click.get_current_context(silent=True))
    if _debug():
        traceback.print_exception(err, file=sys.stderr)
    if isinstance(err, ConfigError):
        for diagnostic in err.diagnostics:
            click.echo(str(diagnostic), err=True)
    else:
        click.echo(f"error: {err}", err=True)
    sys.exit(EXIT_ERROR)


def _fleet(combined: Callable[[Path, dict[str, Any]], None] | None = None
           ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`--stack NAME` / `--all-stacks`: CONFIG is then a fleet root holding stacks/<name>/."""
    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def run(*args: Any, stack: str | None, all_stacks: bool, **kw: Any) -> None:
            if stack is None and not all_stacks:
                return command(*args, **kw)
            if stack is not None and all_stacks:
                _fail(RunError("--stack and --all-stacks exclude each other; give one"))
            if all_stacks and (kw.get("out") or kw.get("report_file") or kw.get("watermark")):
                _fail(RunError("--out, --report and --watermark name one file; with "
                               "--all-stacks run each stack with --stack NAME instead"))
            root = Path(kw.pop("config"))
            try:
                names = [stack] if stack is not None else engine.stack_names(root)
                paths = [engine.stack_config(root, n) for n in names]
            except RunError as err:
                _fail(err)
            if all_stacks and combined is not None and kw.get("fmt") == "markdown":
                return combined(root, kw)
            codes = [_run_stack(command, name, path, args, kw, many=all_stacks)
                     for name, path in zip(names, paths, strict=True)]
            code = EXIT_ERROR if EXIT_ERROR in codes else max(codes, default=EXIT_OK)
            if code:
                sys.exit(code)

        run = click.option("--all-stacks", is_flag=True, help="Every stack under stacks/.")(run)
        return click.option("--stack", metavar="NAME",
                            help="CONFIG is a fleet root: use stacks/NAME.")(run)
    return decorate


def _run_stack(command: Callable[..., None], name: str, path: Path, args: tuple[Any, ...],
               kw: dict[str, Any], *, many: bool) -> int:
    if "local_state" in kw:
        kw = {**kw, "local_state": engine.stack_local_state(kw["local_state"], name, many=many)}
    if many:
        click.echo(f"== stack {name} ({path}) ==", err=True)
    try:
        command(*args, config=path, **kw)
    except SystemExit as done:
        return int(done.code or 0)
    return EXIT_OK


def _plan_fleet_markdown(root: Path, kw: dict[str, Any]) -> None:
    """`plan --all-stacks --format markdown`: one summary of every stack's plan."""
    kw.pop("out")
    stats, only, changed_since = kw.pop("stats"), kw.pop("only"), kw.pop("changed_since")
    refresh = _plan_refresh(kw)
    plans = []
    for name in engine.stack_names(root):
        path = engine.stack_config(root, name)
        options = _options({**kw, "local_state": engine.stack_local_state(
            kw["local_state"], name, many=True)})
        _, result = _read_account(open_run(path, options), stats, lambda run, p=path: run.plan(
            only=only, changed_since=changed_since, config_path=p, refresh=refresh))
        plans.append((name, result.plan))
    click.echo(engine.render_fleet_markdown(plans), nl=False)
    if kw["detailed_exitcode"] and any(not p.settled for _, p in plans):
        sys.exit(EXIT_CHANGES)




class _Main(click.Group):
    """Whatever escapes a command ends in one sentence, never a traceback (unless --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _terminate_as_interrupt():
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except (KeyboardInterrupt, click.Abort):
            click.echo("\ninterrupted before any change was made", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (BotoCoreError, ClientError) as err:
            _fail(translate(err))
        except ReconcilerError as err:
            _fail(err)
        except Exception as err:
            if _debug():
                raise
            click.echo(f"error: unexpected {type(err).__name__}: {err}; rerun with --debug "
                       f"for details", err=True)
            sys.exit(EXIT_ERROR)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI job cancelled, a container stopped) unwinds like Ctrl-C, so cleanups run;
    during an apply `_stop_on_signals` takes over both signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ses-reconciler")
@click.option("--debug", is_flag=True, envvar="SES_RECONCILER_DEBUG",
              help="Print the traceback of an error (also SES_RECONCILER_DEBUG=1).")
def main(debug: bool) -> None:
    """Declarative reconciler for Amazon SES v2 tenants."""


@main.group()
def local() -> None:
    """The embedded local SES emulator."""


@local.command("serve")
@click.option("--port", default=4566, show_default=True, help="TCP port (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--state", "state_file", type=click.Path(dir_okay=False), default=None,
              help="JSON file the account is loaded from and saved to.")
def local_serve(port: int, host: str, state_file: str | None) -> None:
    """Serve the emulated account over HTTP until interrupted (use it with --endpoint-url)."""
    def ready(url: str) -> None:
        click.echo(f"serving the local SES emulator on {url}", err=True)

    try:
        engine.serve_local(host, port, state_file, ready)
    except (RunError, OSError) as err:
        _fail(err)


@main.command()
@click.argument("config", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="json: a list of diagnostic objects on stdout; github: "
                                      "::error workflow commands (annotations at file:line).")
@_fleet()
def validate(config: str, fmt: str) -> None:
    """Check CONFIG offline and report every problem at once."""
    result = engine.validate(config, fmt)
    if result.error is not None:
        _fail(result.error)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.text, nl=False)
    if not result.ok:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--check", is_flag=True,
              help="Exit 1 unless each FILE holds exactly this version's schema.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def schema(check: bool, files: tuple[Path, ...]) -> None:
    """Print the JSON Schema of a config file (for editors and CI); --check FILE... compares."""
    if not check:
        click.echo(engine.schema_text(), nl=False)
        return
    if not files:
        _fail(RunError("--check needs the schema file(s) to compare, e.g. "
                       "schemas/ses-reconciler.schema.json"))
    stale = engine.stale_schemas(files)
    for f in stale:
        click.echo(f"{f}:1:1: not the schema of ses-reconciler {__version__}; run "
                   f"`ses-reconciler schema > {f}`", err=True)
    if stale:
        sys.exit(EXIT_ERROR)


# --- commands that read the account -------------------------------------------------------

def _target_options(func: Callable[..., None]) -> Callable[..., None]:
    """The options every account-reading command shares (design.md §3), then CONFIG."""
    func = click.argument("config", type=click.Path(exists=True, path_type=Path))(func)
    return _account_options(func)


def _account_options(func: Callable[..., None]) -> Callable[..., None]:
    """The account options alone, for a command whose config is optional (import)."""
    decorators = [
        click.option("--target", type=click.Choice(["aws", "local"]), default=None,
                     help="Where to run; default: aws when an endpoint URL is given, else "
                          "settings.target, else aws."),
        click.option("--local-state", type=click.Path(path_type=Path),
                      default=DEFAULT_LOCAL_STATE, show_default=True,
                      help="The emulated account file for --target local."),
        click.option("--endpoint-url", envvar="AWS_ENDPOINT_URL", default=None,
                     help="Send AWS calls here (e.g. an `ses-reconciler local serve`); "
                          "selects --target aws even when the config says target: local. "
                          "Also AWS_ENDPOINT_URL, which an explicit --target local ignores; "
                          "the flag with --target local is an error."),
        click.option("--region", default=None, help="Default: settings.region."),
        click.option("--profile", default=None,
                     help="AWS profile from the shared config (AWS only: an error with "
                          "--target local, or with target: local from the config unless "
                          "--target aws or --endpoint-url is given)."),
        click.option("--parallelism", type=click.IntRange(1, 64), default=8, show_default=True,
                     help="Concurrent API calls."),
        click.option("--max-rate", type=click.FloatRange(min=0), default=None,
                     help="Requests per second per operation family (0: no client-side limit; "
                          "throttling still backs off). Default: about 1 against AWS. AWS "
                          "only, like --profile."),
        click.option("--stats", is_flag=True, help="Print API calls per operation on stderr."),
        click.option("--lock-timeout", type=click.FloatRange(min=0), default=0.0,
                     show_default=True, metavar="SECONDS",
                     help="Wait this long for a held lock: the --target local state file "
                          "(every command), or settings.lock (apply) before failing."),
    ]
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


def _refresh_options(func: Callable[..., None]) -> Callable[..., None]:
    """`--since`, `--watermark`, `--full`: how drift (and `plan --refresh`) reads the account."""
    decorators = [
        click.option("--since", metavar="DURATION|TIMESTAMP", default=None,
                     help="Incremental refresh: read only the tenants CloudTrail event history "
                          "shows changed out of band since then (25h, 7d, "
                          "2026-11-28T02:00:00Z), plus those whose reputation entity moved."),
        click.option("--watermark", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, metavar="FILE",
                     help="Incremental refresh from the time stored in FILE (a full refresh if "
                          "FILE does not exist yet); FILE is advanced after a successful run."),
        click.option("--full", is_flag=True,
                     help="Full refresh, whatever --since or --watermark say (the watermark is "
                          "still advanced)."),
    ]
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


def _refresh(kw: dict[str, Any]) -> engine.Refresh:
    return engine.Refresh(since=kw.pop("since"), watermark=kw.pop("watermark"),
                          full=kw.pop("full"))


def _options(kw: dict[str, Any]) -> TargetOptions:
    ctx = click.get_current_context()
    from_environment = frozenset(
        name for name in ("target", "endpoint_url", "profile", "max_rate")
        if ctx.get_parameter_source(name) is ParameterSource.ENVIRONMENT)
    return TargetOptions(target=kw.pop("target"), local_state=kw.pop("local_state"),
                         endpoint_url=kw.pop("endpoint_url"), region=kw.pop("region"),
                         profile=kw.pop("profile"), parallelism=kw.pop("parallelism"),
                         max_rate=kw.pop("max_rate"), lock_timeout=kw.pop("lock_timeout"),
                         from_environment=from_environment)


def _print_stats(run: Run, enabled: bool) -> None:
    if not enabled:
        return
    calls = run.calls()
    click.echo(f"API calls: {sum(calls.values())}", err=True)
    for operation, count in sorted(calls.items()):
        click.echo(f"  {operation:<48} {count:>7}", err=True)
    reads = run.association_reads()
    if reads is not None:
        per_tenant = f"{reads.per_tenant_calls:,} calls per tenant (ListTenantResources)"
        per_resource = (f"{'' if reads.listed else 'at least '}{reads.per_resource_calls:,} "
                        "calls per resource (resource List walks + ListResourceTenants pages)")
        chosen, other = ((per_resource, per_tenant) if reads.per_resource
                         else (per_tenant, per_resource))
        way = "per resource" if reads.per_resource else "per tenant"
        click.echo(f"Associations read {way}: estimated {chosen}, against {other}", err=True)


def _read_account(opened: AbstractContextManager[Run], stats: bool,
                  read: Callable[[Run], T]) -> tuple[Run, T]:
    """Open the account, do one read under the spinner, print --stats; errors exit 1."""
    try:
        with opened as run:
            with _reading(run):
                value = read(run)
            _print_stats(run, stats)
    except (ConfigError, RunError) as err:
        _fail(err)
    return run, value


@main.command()
@_target_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Save the plan (versioned JSON) for `apply --plan`.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 0 when there are no changes, 2 when there are changes or conflicts, "
                   "1 on error.")
@click.option("--only", multiple=True, metavar="NAME", help="Plan only these tenants.")
@click.option("--changed-since", metavar="GIT_REF",
              help="Plan only tenants whose resolved config differs from GIT_REF.")
@click.option("--refresh", "refresh_mode", type=click.Choice(["full", "incremental"]),
              default="full", show_default=True,
              help="incremental: read only what changed out of band (needs --since or "
                   "--watermark).")
@_refresh_options
@_fleet(combined=lambda root, kw: _plan_fleet_markdown(root, kw))
def plan(config: Path, out: Path | None, fmt: str, detailed_exitcode: bool,
         only: tuple[str, ...], changed_since: str | None, stats: bool, **kw: Any) -> None:
    """Read the account, diff it against CONFIG and print the plan."""
    refresh = _plan_refresh(kw)
    _, result = _read_account(open_run(config, _options(kw)), stats, lambda run: run.plan(
        only=only, changed_since=changed_since, config_path=config, refresh=refresh))
    if out is not None:
        with out.open("w", encoding="utf-8") as stream:
            stream.writelines(engine.plan_chunks(result.plan))
    for chunk in render_plan_chunks(result.plan, fmt):
        click.echo(chunk, nl=False)
    if detailed_exitcode and not result.plan.settled:
        sys.exit(EXIT_CHANGES)


@main.command()
@_target_options
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False,
                                                      path_type=Path),
              help="Apply this saved plan instead of computing a fresh one.")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-delete", is_flag=True, help="Allow deleting (and replacing) tenants.")
@click.option("--force", is_flag=True, help="Allow changes above the safety thresholds.")
def apply(config: Path, plan_file: Path | None, auto_approve: bool, allow_delete: bool,
          force: bool, stats: bool, **kw: Any) -> None:
    """Make the account match CONFIG, in dependency order."""
    try:
        with open_apply_run(config, _options(kw)) as run:
            with _reading(run):
                result = (run.saved_plan(plan_file.read_text(encoding="utf-8")) if plan_file
                          else run.plan())
            click.echo(render_plan(result.plan, "text"), nl=False)
            if not result.plan.changes:
                _print_stats(run, stats)
                _exit_on_conflicts(result.plan)
                return
            _confirm(auto_approve)
            with _progress(len(result.plan.changes)) as progress, _stop_on_signals() as stop:
                report = run.apply(result, allow_delete=allow_delete, force=force,
                                   progress=progress, stop=stop)
            _print_stats(run, stats)
    except (ConfigError, RunError) as err:
        _fail(err)
    click.echo(render_apply(report, "text"), nl=False)
    lost = run.lock_lost()
    if lost:
        click.echo(f"warning: {lost}", err=True)
    if report.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    _exit_on_conflicts(result.plan)
    if not report.ok:
        sys.exit(EXIT_ERROR)


def _exit_on_conflicts(plan: Plan) -> None:
    """Conflicting tenants were left untouched: the apply did not reach the config, exit 1."""
    for conflict in plan.conflicts:
        click.echo(f"conflict: {conflict.message}", err=True)
    if plan.conflicts:
        sys.exit(EXIT_ERROR)


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise RunError("refusing to apply without confirmation: stdin is not a terminal; "
                       "pass --auto-approve")
    answer = click.prompt("Apply these changes? Only 'yes' is accepted", default="",
                          show_default=False, err=True)
    if answer != "yes":
        raise RunError("apply cancelled; nothing was changed")


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """SIGINT and SIGTERM during the apply set an event instead of killing the process: the
    executor starts nothing new, lets the calls in flight finish and reports; the previous
    handlers come back afterwards."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def request_stop(signum: int, _frame: object) -> None:
        if not stop.is_set():
            click.echo(f"\n{signal.Signals(signum).name}: starting no new change; waiting for "
                       f"the ones in flight (up to {DEFAULT_GRACE:g} s)", err=True)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _reading(run: Run) -> Iterator[None]:
    """A spinner with the running API-call count while the account is read (TTY only):
    against SES's ~1 request/s a large account takes minutes, and silence looks like a hang."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("reading the account") as status:
        stop = threading.Event()

        def refresh() -> None:
            while not stop.wait(0.25):
                status.update(f"reading the account: {sum(run.calls().values()):,} API calls")

        ticker = threading.Thread(target=refresh, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            stop.set()
            ticker.join()


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("applying", total=total)

        def advance(done: int, _total: int) -> None:
            bar.update(task, completed=done)

        yield advance


def _plan_refresh(kw: dict[str, Any]) -> engine.Refresh:
    mode = kw.pop("refresh_mode")
    refresh = _refresh(kw)
    asked = refresh.since is not None or refresh.watermark is not None
    if mode == "incremental" and not asked and not refresh.full:
        _fail(OptionConflictError("--refresh incremental needs --since DURATION|TIMESTAMP or "
                                  "--watermark FILE to know where the window starts"))
    if mode == "full" and asked:
        _fail(OptionConflictError("--since and --watermark choose an incremental refresh; add "
                                  "--refresh incremental (or drop them for a full plan)"))
    return refresh


@main.command()
@_target_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report to this file.")
@click.option("--publish", multiple=True, type=click.Choice(["cloudwatch", "eventbridge"]),
              help="cloudwatch: put the SESReconciler metrics (DriftedObjects, "
                   "TenantsPausedBySES, TenantsWithHighImpactFindings, RunSucceeded); "
                   "eventbridge: put one `Drift Detected` event when there is drift. May be "
                   "given twice. A failure to publish is a warning: the exit code stays "
                   "the drift's.")
@_refresh_options
@_fleet()
def drift(config: Path, fmt: str, report_file: Path | None, publish: tuple[str, ...],
          stats: bool, **kw: Any) -> None:
    """Detect drift for a schedule: exit 0 none, 2 drift or conflicts, 1 error.

    By default every tenant is read. With --since or --watermark only the tenants that
    CloudTrail event history (and the reputation entities) show changed are read; the report
    states the window covered, or why the refresh was full after all."""
    refresh = _refresh(kw)
    _, outcome = _read_account(open_run(config, _options(kw)), stats,
                               lambda run: engine.drift_and_publish(run, config, publish,
                                                                    refresh=refresh))
    result = outcome.result
    text = render_drift(result.plan, fmt)
    if report_file is not None:
        report_file.write_text(text, encoding="utf-8")
    click.echo(text, nl=False)
    for failure in outcome.publish_failures:
        click.echo(f"warning: {failure}", err=True)
    if not result.plan.settled:
        sys.exit(EXIT_CHANGES)


@main.command()
@_target_options
@click.option("--since", default="24h", show_default=True, metavar="DURATION|TIME",
              help="How far back: 30m, 24h, 7d, 2w, or an ISO 8601 time.")
@click.option("--tenant", "tenants", multiple=True, metavar="NAME",
              help="Only these tenants (default: every tenant with events).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def events(config: Path, since: str, tenants: tuple[str, ...], fmt: str, stats: bool,
           **kw: Any) -> None:
    """What SES did to each tenant (pauses and why, reinstatements, findings), newest first.

    Reads the log group of monitoring.tenant_events (FilterLogEvents). Exit 0, or 1 on error
    (including monitoring not set up: no monitoring in CONFIG, or its log group missing).
    """
    try:
        run, text = engine.tenant_events(config, _options(kw), since, tenants, fmt)
    except (ConfigError, RunError) as err:
        _fail(err)
    _print_stats(run, stats)
    click.echo(text, nl=False)


@main.command()
@_target_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
def status(config: Path, fmt: str, stats: bool, **kw: Any) -> None:
    """Sending status, reputation policy and impact of every tenant in CONFIG or the account.

    A report, not a check: exit 0 whatever the statuses, 1 on error. Text is a table (plain
    columns when stdout is not a terminal). JSON is {"account", "region", "tenants": [...]},
    each tenant {"name", "in_config", "in_account", "owned", "customer_managed_status",
    "aws_managed_status", "aws_managed_cause", "sending_status_aggregate",
    "reputation_policy", "reputation_impact", "attention"}; unknown values are null
    (customer_managed_status null: never written). Markdown (for an issue or a job summary)
    counts the tenants, lists those needing attention, then every tenant.
    """
    run, live = _read_account(open_run(config, _options(kw)), stats, Run.read_all)
    output = engine.status_output(run.desired, live, run.account, run.region, fmt,
                                  tty=sys.stdout.isatty())
    if isinstance(output, str):
        click.echo(output, nl=False)
    else:
        from rich.console import Console

        Console().print(output)


@main.command()
@_target_options
@click.option("--send-test", is_flag=True,
              help="Send one message per tenant to the SES mailbox simulator as that tenant.")
@click.option("--tenant", "tenants", multiple=True, metavar="NAME",
              help="Only these tenants of CONFIG (default: all of them).")
@click.option("--to", default="success@simulator.amazonses.com", show_default=True,
              help="The recipient; the simulator's success address is the only one accepted.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def verify(config: Path, send_test: bool, tenants: tuple[str, ...], to: str, fmt: str,
           stats: bool, **kw: Any) -> None:
    """Check that each tenant can send through what it is given: exit 0 all sent, 1 otherwise.

    Each tenant sends with TenantName from its identity, through its configuration set and
    with its template (when the config gives them), paced under the account's send rate, and
    is reported sent (message id), paused, not associated (the ARNs SES named), identity not
    verified, not found or failed.
    """
    options = _options(kw)
    try:
        run, report = engine.verify_send(config, options, tenants, to, send_test)
    except (ConfigError, RunError) as err:
        _fail(err)
    _print_stats(run, stats)
    click.echo(engine.render_verify(report, fmt), nl=False)
    if not report.ok:
        sys.exit(EXIT_ERROR)


@main.command("import")
@_account_options
@click.option("--config", "config", type=click.Path(exists=True, path_type=Path),
              help="Take region, account guard, ownership tag and target from this config.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("imported"), show_default=True, help="Directory to write into.")
@click.option("--select", "select", metavar="REGEX",
              help="Import only tenants whose name matches (searched anywhere in the name).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--adopt", is_flag=True,
              help="Write `adopt: true` for tenants without the ownership tag (the next apply "
                   "takes them over); default `external: true` (only what a file declares is "
                   "added).")
def import_(config: Path | None, out_dir: Path, select: str | None, force: bool, adopt: bool,
            stats: bool, **kw: Any) -> None:
    """Write one config file per live tenant (exit 0, or 1 on error/refusal)."""
    try:
        pattern = engine.select_pattern(select)
    except RunError as err:
        _fail(err)
    run, live = _read_account(engine.open_account(_options(kw), config), stats, Run.read_all)
    try:
        summary = engine.import_to_files(live, run.desired, out_dir, pattern, force=force,
                                         adopt=adopt)
    except (ConfigError, RunError) as err:
        _fail(err)
    click.echo(summary, nl=False)


@main.command("force-unlock")
@click.argument("lock_id")
@_target_options
def force_unlock(lock_id: str, config: Path, stats: bool, **kw: Any) -> None:
    """Release the apply lock LOCK_ID (settings.lock) left by a dead apply.

    Only the lease whose holder is LOCK_ID is deleted: make sure that apply is no longer
    running, or two applies may overlap.
    """
    try:
        run = engine.force_unlock(config, _options(kw), lock_id)
    except (ConfigError, RunError) as err:
        _fail(err)
    _print_stats(run, stats)
    click.echo(f"released apply lock {lock_id} of account {run.account} in {run.region}")


# --- iam -------------------------------------------------------------------------------------

@main.group()
def iam() -> None:
    """IAM policies: per tenant from `iam_templates`, and the tool's own."""


@iam.command("render")
@_target_options
@click.option("--tenant", "tenants", multiple=True, metavar="NAME",
              help="Render only these tenants (default: every tenant with templates).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json",
              show_default=True, help="json: {tenant: {policy_name: document}}.")
@click.option("--offline", is_flag=True,
              help="No account access: tenant ids and ARNs render as (known after apply).")
def iam_render(config: Path, tenants: tuple[str, ...], fmt: str, offline: bool, stats: bool,
               **kw: Any) -> None:
    """Render and validate the IAM policies of the tenants in CONFIG."""
    try:
        run, text = engine.iam_render(config, _options(kw), tenants, fmt, offline)
    except (ConfigError, RunError) as err:
        _fail(err)
    if run is not None:
        _print_stats(run, stats)
    click.echo(text, nl=False)


@iam.command("self-policy")
@click.option("--read-only", is_flag=True, help="Only what plan, drift and status need.")
def iam_self_policy(read_only: bool) -> None:
    """Print the least-privilege IAM policy this tool needs (JSON)."""
    click.echo(engine.self_policy_text(read_only), nl=False)


# --- git-ops: fleets, ci pipeline steps, scaffolding ---------------------------------------

@main.command("stacks")
@click.argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path),
                default=Path("."))
@click.option("--changed-since", metavar="GIT_REF", help="Only stacks with files changed since.")
@click.option("--format", "fmt", type=click.Choice(["github-matrix", "json", "text"]),
              default="text", show_default=True)
def stacks_(root: Path, changed_since: str | None, fmt: str) -> None:
    """List the fleet's stacks (stacks/<name>/ under ROOT), e.g. for a CI matrix."""
    try:
        text = engine.stacks_listing(root, changed_since, fmt)
    except RunError as err:
        _fail(err)
    click.echo(text, nl=False)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--stack", default="main", show_default=True, help="Name of the first stack.")
@click.option("--account", default=None, help="AWS account id the stack is guarded to.")
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--action", default=None, metavar="OWNER/REPO@REF",
              help="The ses-reconciler GitHub Action the workflows use (pin a commit SHA).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, stack: str, account: str | None, region: str, action: str | None,
         force: bool) -> None:
    """Write a ready git-ops repository: a stack, CI workflows, pre-commit and a README."""
    try:
        written = engine.scaffold(directory, stack=stack, account=account, region=region,
                                  action=action, force=force)
    except (ConfigError, RunError) as err:
        _fail(err)
    click.echo(f"wrote {written} files to {directory}; next: cd {directory} && "
               f"ses-reconciler plan --stack {stack} .")


@main.group()
def ci() -> None:
    """The pipeline steps the shipped workflows run (GitHub Actions, GitLab CI)."""


def _ci_options(func: Callable[..., None]) -> Callable[..., None]:
    func = click.option("--stack", metavar="NAME",
                        help="CONFIG is a fleet root: use stacks/NAME.")(func)
    func = click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path(".ses-reconciler/ci"), show_default=True,
                        help="Where the comment/issue body, plan and digest go.")(func)
    func = click.option("--github-output", envvar="GITHUB_OUTPUT", hidden=True,
                        type=click.Path(dir_okay=False, path_type=Path), default=None)(func)
    return _target_options(func)


def _ci_open(config: Path, stack: str | None, kw: dict[str, Any]) -> tuple[Path, str, Any]:
    if stack is None:
        return config, "default", _options(kw)
    try:
        path = engine.stack_config(config, stack)
    except RunError as err:
        _fail(err)
    kw["local_state"] = engine.stack_local_state(kw["local_state"], stack, many=False)
    return path, stack, _options(kw)


def _ci_fail(err: Exception, kind: str, stack: str, out_dir: Path, name: str) -> NoReturn:
    """The sticky comment (or issue) must say the step failed, then the step fails."""
    message = (str(err) if isinstance(err, ConfigError) else f"error: {err}")
    engine.ci_error_outputs(out_dir, name, kind, stack, message)
    _fail(err)


@ci.command("pr-plan")
@_ci_options
@click.option("--base", metavar="GIT_REF",
              help="Plan what changed since the merge base with GIT_REF (e.g. origin/main).")
@click.option("--changed-since", metavar="GIT_REF", help="Plan what changed since GIT_REF.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes.")
def ci_pr_plan(config: Path, stack: str | None, out_dir: Path, github_output: Path | None,
               base: str | None, changed_since: str | None, detailed_exitcode: bool,
               stats: bool, **kw: Any) -> None:
    """Plan a pull request: comment.md (sticky, with the digest), plan.json, digest."""
    config, label, options = _ci_open(config, stack, kw)
    try:
        with open_run(config, options) as run:
            with _reading(run):
                step = engine.ci_step("pr_plan", run, config, stack=label, base=base,
                                      changed_since=changed_since)
            _print_stats(run, stats)
        engine.write_ci_outputs(out_dir, {"comment.md": step.body, "plan.json": step.saved},
                                {"digest": step.digest, "changes": str(len(step.plan.changes))},
                                github_output)
    except (ConfigError, RunError) as err:
        _ci_fail(err, "plan", label, out_dir, "comment.md")
    click.echo(step.text + f"Plan digest: {step.digest}\n", nl=False)
    if detailed_exitcode and not step.plan.settled:
        sys.exit(EXIT_CHANGES)


@ci.command("merge-apply")
@_ci_options
@click.option("--reviewed-comment", type=click.Path(dir_okay=False, path_type=Path),
              help="The pull request's plan comment (its digest is the reviewed one).")
@click.option("--reviewed-digest", metavar="DIGEST", help="The reviewed digest itself.")
@click.option("--changed-since", metavar="GIT_REF",
              help="The commit main was at before the merge (plan what the merge changed).")
@click.option("--allow-delete", is_flag=True, help="Allow the reviewed plan to delete tenants.")
@click.option("--force", is_flag=True, help="Allow changes above the safety thresholds.")
def ci_merge_apply(config: Path, stack: str | None, out_dir: Path, github_output: Path | None,
                   reviewed_comment: Path | None, reviewed_digest: str | None,
                   changed_since: str | None, allow_delete: bool, force: bool, stats: bool,
                   **kw: Any) -> None:
    """Apply the merged commit only if its plan is the one reviewed; else refuse and explain."""
    config, label, options = _ci_open(config, stack, kw)
    try:
        reviewed = engine.reviewed_digest(reviewed_comment, reviewed_digest)
        with open_apply_run(config, options) as run, _stop_on_signals() as stop:
            with _reading(run):
                step = engine.ci_step("merge_apply", run, config, stack=label,
                                      reviewed=reviewed, changed_since=changed_since,
                                      allow_delete=allow_delete, force=force, stop=stop)
            _print_stats(run, stats)
        outcome = "applied" if step.applied else "refused"
        engine.write_ci_outputs(out_dir, {"comment.md": step.body},
                                {"digest": step.digest, "outcome": outcome}, github_output)
    except (ConfigError, RunError) as err:
        _ci_fail(err, "apply", label, out_dir, "comment.md")
    click.echo(step.text, nl=False)
    if not step.applied:
        click.echo(f"error: refusing to apply: the merged commit's plan (digest {step.digest}) "
                   f"is not the reviewed one ({step.reviewed or 'none found'}); nothing was "
                   "changed, see comment.md", err=True)
    if not step.ok:
        sys.exit(EXIT_ERROR)


@ci.command("drift")
@_ci_options
@_refresh_options
@click.option("--publish", multiple=True, type=click.Choice(["cloudwatch", "eventbridge"]),
              help="As `drift --publish`: the metrics, and a `Drift Detected` event when there "
                   "is drift; a failure to publish is a warning.")
def ci_drift(config: Path, stack: str | None, out_dir: Path, github_output: Path | None,
             stats: bool, publish: tuple[str, ...], **kw: Any) -> None:
    """Drift check: issue.md, title and outcome (open or close); exit 0, 2 drift, 1 error.

    Full by default; --since or --watermark make it incremental (see `drift`)."""
    refresh = _refresh(kw)
    config, label, options = _ci_open(config, stack, kw)
    failures: tuple[str, ...] = ()
    try:
        with open_run(config, options) as run:
            with _reading(run):
                step = engine.ci_step("drift", run, stack=label, refresh=refresh)
            if publish and step.live is not None:
                failures = engine.publish_drift(run, step.plan, step.live,
                                                engine.drift_stack(config), publish)
            _print_stats(run, stats)
        engine.write_ci_outputs(out_dir, {"issue.md": step.body, "title": step.title + "\n"},
                                {"outcome": step.outcome}, github_output)
    except (ConfigError, RunError) as err:
        _ci_fail(err, "drift", label, out_dir, "issue.md")
    click.echo(step.text, nl=False)
    for failure in failures:
        click.echo(f"warning: {failure}", err=True)
    if step.outcome == "open":
        sys.exit(EXIT_CHANGES)

"""Planning benchmark: what a plan, an apply and a targeted plan cost at 1,000 and 10,000 tenants.

Against real SES the cost of a run is its API calls: the tenant APIs are paced at about one
request per second, so calls, not CPU, decide whether a 10,000-tenant plan takes minutes or
hours. Calls are counted exactly (by the emulator, per operation) and compared with the reader's
budget `2N + 2*ceil(N/100) + 5` and with a Terraform-provider-style refresh (one GetTenant plus
one ListTenantResources per association: `N*(1+k)`, k = 3). Wall time and peak RSS are measured
too, but they depend on the machine, on its load and on the emulator's own cost.

Each tenant count runs in a fresh subprocess, so RSS belongs to that case alone, with the
emulator in process and no client-side pacing (`ClientFactory.for_emulator`). Every phase uses
a fresh factory, as a separate command would (hence one STS call each). The result updates the
`## Planning and apply` section of docs/performance.md; rows of tenant counts not re-measured
are kept (their raw results live in a comment inside the section).

    python -m bench.plan [--tenants N [N ...]] [--parallelism P] [--profile] [--no-write]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from bench.plan_report import REPORT, previous_results, render, write_section
from bench.validate import ROOT

ACCOUNT, REGION = "123456789012", "us-east-1"

SETTINGS = """\
settings:
  region: {region}
  account_id: "{account}"
  target: local
  prune: true
  max_tenants: {max_tenants}
defaults: {{reputation_policy: standard, sending_status: ENABLED, tags: {{Environment: bench}}}}
tiers:
  free: {{reputation_policy: strict, resources: {{configuration_sets: [tier-free]}},
         tags: {{Tier: free}}}}
  pro: {{resources: {{configuration_sets: [tier-pro]}}, tags: {{Tier: pro}}}}
  enterprise: {{reputation_policy: none, resources: {{configuration_sets: [tier-enterprise]}},
               tags: {{Tier: enterprise}}}}
"""
TIERS = ("free", "pro", "pro", "enterprise")
SUPPRESSION = ("{scope: TENANT, reasons: [BOUNCE, COMPLAINT]}",
               "{scope: ACCOUNT, reasons: [BOUNCE]}", None, None)


def tenant_name(i: int) -> str:
    return f"Tenant{i:05d}"


def tenant_yaml(i: int) -> str:
    """One tenant: a dedicated identity, its tier's shared configuration set and a template
    (k = 3 associations), with policies, suppression and a few paused tenants mixed in."""
    lines = [f"  {tenant_name(i)}:", f"    tier: {TIERS[i % 4]}",
             f'    tags: {{CustomerID: "{i}", Team: mail-{i % 7}}}',
             f"    resources: {{identities: [t{i}.example.com], templates: [welcome-{i % 5}]}}"]
    if i % 11 == 0:
        lines.append("    reputation_policy: strict")
    if SUPPRESSION[i % 4]:
        lines.append(f"    suppression: {SUPPRESSION[i % 4]}")
    if i % 97 == 0:
        lines.append("    sending_status: DISABLED")
    return "tenants:\n" + "\n".join(lines) + "\n"


def generate(root: Path, tenants: int) -> Path:
    """One file per tenant, the layout a large account would use (one reviewable file each)."""
    (root / "tenants").mkdir(parents=True)
    (root / "settings.yaml").write_text(SETTINGS.format(
        region=REGION, account=ACCOUNT, max_tenants=max(tenants, 10_000)))
    for i in range(tenants):
        (root / "tenants" / f"{tenant_name(i)}.yaml").write_text(tenant_yaml(i))
    return root


# --- the worker: one tenant count, in its own process --------------------------------------

def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Linux lets a process reset its own peak RSS, so each phase gets its own high-water mark."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class _Phases:
    """Runs phases and records calls (from the emulator's counters), wall time and RSS."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.results: dict[str, dict[str, Any]] = {}

    def measure(self, name: str, body: Callable[[], Any]) -> Any:
        per_phase_peak = _reset_peak()
        rss_before = _status_kb("VmRSS") / 1024
        before = self.emulator.counters.snapshot()
        start = time.perf_counter()
        value = body()
        seconds = time.perf_counter() - start
        delta = self.emulator.counters.snapshot() - before
        calls = {(op if svc == "sesv2" else f"{svc}:{op}"): n
                 for (svc, op), n in delta.by_operation().items()}
        self.results[name] = {
            "seconds": seconds, "calls": calls, "total": sum(calls.values()),
            "refused": delta.throttled() + delta.failed(), "rss_before_mb": rss_before,
            "peak_mb": _status_kb("VmHWM") / 1024, "per_phase_peak": per_phase_peak}
        return value


def _open(desired: Any, parallelism: int) -> Any:
    """A `Run` as `open_run` makes one, on a fresh emulator factory (account guard included)."""
    from reconciler.aws.clients import ClientFactory
    from reconciler.engine import Run

    factory = ClientFactory.for_emulator(REGION, parallelism=parallelism)
    account = factory.caller_account()
    assert account == desired.settings.account_id, account
    return Run(desired, factory, account, REGION, parallelism)


def _drift(ses: Any, n: int) -> None:
    """A handful of out-of-band changes to distinct tenants, as a console user would make."""
    names = [tenant_name(i) for i in (1, n // 5, 2 * n // 5, 3 * n // 5, 4 * n // 5, n - 2)]
    arn = {name: ses.get_tenant(TenantName=name)["Tenant"]["TenantArn"] for name in names}
    ses.tag_resource(ResourceArn=arn[names[0]], Tags=[{"Key": "Team", "Value": "console"}])
    ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn[names[1]],
        ReputationEntityPolicy=f"arn:aws:ses:{REGION}:aws:reputation-policy/none")
    ident = int(names[2].removeprefix("Tenant"))
    ses.delete_tenant_resource_association(
        TenantName=names[2],
        ResourceArn=f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/t{ident}.example.com")
    ses.put_tenant_suppression_attributes(TenantName=names[3])
    ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn[names[4]],
        SendingStatus="DISABLED")
    ses.delete_tenant(TenantName=names[5])


class _InlinePool:
    """A pool that runs each task at once, in the caller's thread: cProfile sees only the
    thread it runs in, so the profiled plan is made sequential (same work, same calls)."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.max_workers = None
    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # delivered by result(), as a real pool would
            future.set_exception(err)
        return future

    def map(self, fn: Callable[..., Any], *iterables: Any) -> Iterator[Any]:
        return iter([fn(*args) for args in zip(*iterables, strict=True)])


_AREAS = (("reconciler/aws/", "reconciler/aws"), ("reconciler/planning/", "reconciler/planning"),
          ("reconciler/emulator/", "reconciler/emulator"), ("/moto/", "moto"),
          ("/botocore/", "botocore"), ("/boto3/", "boto3"), ("/reconciler/", "reconciler, other"))


_SHORT = re.compile(r"^.*/(site-packages|lib/python3\.\d+)/")


def _profile(run: Any) -> tuple[str, dict[str, Any]]:
    """Own time of a no-change plan by area and by function: is it our code or the emulator?"""
    profiler = cProfile.Profile()
    with mock.patch("reconciler.aws.readers.ThreadPoolExecutor", _InlinePool):
        profiler.enable()
        run.plan()
        profiler.disable()
    stats = pstats.Stats(profiler, stream=(out := io.StringIO()))
    areas: dict[str, float] = {}
    for (file, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        area = next((name for part, name in _AREAS if part in file), "stdlib and other")
        areas[area] = areas.get(area, 0.0) + own
    total = sum(areas.values())
    out.write(f"no-change plan, sequential, {total:.2f} s of own time by area:\n")
    for area, own in sorted(areas.items(), key=lambda item: -item[1]):
        out.write(f"  {area:<22} {own:7.2f} s  {100 * own / total:5.1f} %\n")
    stats.sort_stats("tottime").print_stats(30)
    top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:3]  # type: ignore[attr-defined]
    shares = {area: own / total for area, own in areas.items()}
    return out.getvalue(), {"areas": shares, "top": [
        [_SHORT.sub("", pstats.func_std_string(func).replace(str(ROOT) + "/", "")), own / total]
        for func, (_, _, own, _, _) in top]}


def worker(n: int, parallelism: int, profile: bool) -> dict[str, Any]:
    from reconciler.aws.clients import ClientFactory
    from reconciler.config.load import load_desired
    from reconciler.emulator import Emulator
    from reconciler.local_account import seed_referenced_resources
    from reconciler.planning import classify_drift

    phases: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp, \
            Emulator(ACCOUNT, REGION) as emulator:
        emulator.options.update(max_tenants=max(n, 10_000))
        bench = _Phases(emulator)
        desired = bench.measure("load", lambda: load_desired(generate(Path(tmp), n)))
        bench.measure("seed", lambda: seed_referenced_resources(
            ClientFactory.for_emulator(REGION), desired))

        def first_apply() -> Any:
            run = _open(desired, parallelism)
            result = run.plan()
            phases["first_plan_changes"] = len(result.plan.changes)
            return run.apply(result, allow_delete=False, force=False)

        report = bench.measure("apply", first_apply)
        assert report.ok, [o.detail for o in report.failed][:3]
        plan = bench.measure("plan", lambda: _open(desired, parallelism).plan().plan)
        assert plan.empty, plan.changes[:3]
        only = bench.measure("only", lambda: _open(desired, parallelism).plan(
            only=(tenant_name(n // 2),)).plan)
        assert only.empty, only.changes
        bench.measure("oob", lambda: _drift(ClientFactory.for_emulator(REGION).client("sesv2"), n))
        drift_run, drifted = bench.measure("drift", lambda: (
            run := _open(desired, parallelism), run.plan()))
        phases["drift_items"] = len(classify_drift(drifted.plan))
        phases["drift_changes"] = len(drifted.plan.changes)
        repaired = bench.measure("repair", lambda: drift_run.apply(
            drifted, allow_delete=False, force=False))
        assert repaired.ok, [o.detail for o in repaired.failed][:3]
        after = bench.measure("after", lambda: _open(desired, parallelism).plan().plan)
        phases["converged"] = after.empty
        if profile:
            text, phases["profile"] = _profile(_open(desired, parallelism))
            sys.stderr.write(text)
    return {"tenants": n, "parallelism": parallelism, **phases, "phases": bench.results,
            "date": datetime.now(UTC).strftime("%Y-%m-%d")}


def _run_worker(tenants: int, parallelism: int, profile: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.plan", "--worker", str(tenants),
           "--parallelism", str(parallelism)] + (["--profile"] if profile else [])
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    result["machine"] = (f"Python {platform.python_version()}, {platform.machine()}, "
                         f"{os.cpu_count()} CPUs")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.plan")
    parser.add_argument("--tenants", type=int, nargs="+", default=[1_000],
                        help="tenant counts to measure (default 1000: under a minute)")
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of the no-change plan on stderr")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.parallelism, args.profile)))
        return
    results = {} if args.no_write else previous_results(REPORT)
    for n in args.tenants:
        results[str(n)] = _run_worker(n, args.parallelism, args.profile)
    section = render(results)
    print(section)
    if not args.no_write:
        write_section(section, REPORT)


if __name__ == "__main__":
    main()

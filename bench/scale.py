"""Scale benchmark: validate, plan (text, JSON, Markdown), apply and drift at 1k / 10k / 100k.

What it proves is that the tool's own process stays within 1 GB of peak RSS at 100,000 tenants
and that its time grows linearly. So the emulated account runs in its own process (`local
serve`) and every command is a fresh `python -m reconciler` subprocess, as a user would run it;
its peak RSS is its own VmHWM, polled from /proc until it exits (nothing else's). Calls are the
emulator's exact counts per command.

The config is one of `bench.shapes` (by default the shared shape: the emulator's time per call
makes a 100,000-tenant apply long, and that shape needs 43 resources created rather than
100,000 or more). The plans are made before the apply, so they render N creates and their
associations (the largest output); the drift runs after it and reads all N tenants.

    python -m bench.scale [--tenants N [N ...]] [--shape SHAPE] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report_file import recorded_results, replace_section
from bench.served import ServedAccount, build_state, environment
from bench.shapes import ASSOCIATIONS, SHAPES, generate, referenced, tenant_name
from bench.validate import ROOT

REPORT = ROOT / "docs" / "performance.md"
HEADING = "## Scale: 1,000 to 100,000 tenants"
DATA_MARK = "<!-- bench.scale results: "
LIMIT_RSS_MB = 1024
ACCOUNT_FLAGS = ("--target", "aws", "--max-rate", "0")

# (name, command line after the config path, output file suffix or None)
COMMANDS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("validate", ("validate",), None),
    ("plan (text)", ("plan",), "txt"),
    ("plan (JSON)", ("plan", "--format", "json"), "json"),
    ("plan (Markdown)", ("plan", "--format", "markdown"), "md"),
    ("plan --out", ("plan", "--out", "{tmp}/saved-plan.json"), None),
    ("apply", ("apply", "--auto-approve"), None),
    ("drift", ("drift",), None),
)


def _own_peak_kb(pid: int) -> int:
    """VmHWM of the process's current image. wait4's ru_maxrss is no good here: at exec,
    Linux records the image being replaced, i.e. the forked copy of this (larger) process."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run(args: list[str], out: Path | None, log: Path) -> tuple[int, float, float, float]:
    """One tool command: exit code, wall seconds, the process's own peak RSS in MB (polled
    every 0.1 s until it exits) and its CPU seconds (user + system: the tool's work, without
    the time it waits for answers)."""
    start = time.perf_counter()
    peak = 0
    with open(out or os.devnull, "wb") as stdout, open(log, "ab") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "reconciler", *args], cwd=ROOT,
                                   env=environment(), stdout=stdout, stderr=stderr)
        while True:
            peak = max(peak, _own_peak_kb(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    return (process.returncode, time.perf_counter() - start, peak / 1024,
            usage.ru_utime + usage.ru_stime)


def measure(n: int, shape: str, log: Path, upto: str = "drift") -> dict[str, Any]:
    """Every command in order, or those up to `upto` (the plans alone need no apply)."""
    results: dict[str, Any] = {"shape": shape}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, ServedAccount() as account:
        config = generate(Path(tmp) / "config", n, shape)
        account.control("PUT", "options", {"max_tenants": max(n, 10_000)})
        start = time.perf_counter()
        account.create_resources(referenced(n, shape))
        results["seed_seconds"] = time.perf_counter() - start
        for name, command, suffix in COMMANDS:
            account.reset_calls()
            args = [command[0], str(config), *(a.format(tmp=tmp) for a in command[1:])]
            if command[0] != "validate":
                args += [*ACCOUNT_FLAGS, "--endpoint-url", account.url]
            out = Path(tmp) / f"out.{suffix}" if suffix else None
            with open(log, "a") as stream:
                stream.write(f"--- N={n} {name}: {' '.join(args)}\n")
            code, seconds, peak, cpu = _run(args, out, log)
            calls = account.calls()
            results[name] = {
                "exit": code, "seconds": round(seconds, 2), "peak_mb": round(peak, 1),
                "cpu_seconds": round(cpu, 2),
                "calls": sum(calls.values()),
                "output_mb": round(out.stat().st_size / 2**20, 2) if out else None}
            with open(log, "a") as stream:
                stream.write(f"    {json.dumps(results[name])}\n")
            ok = code == 0 or (command[0] == "plan" and code == 2)
            if not ok:
                results["failed"] = name
                break
            if name == upto:
                break
        if upto == "drift" and "failed" not in results:
            ses = account.client()
            results["sample_tenant_exists"] = bool(
                ses.get_tenant(TenantName=tenant_name(n - 1))["Tenant"]["TenantArn"])
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d")
    results["machine"] = (f"Python {platform.python_version()}, {platform.machine()}, "
                          f"{os.cpu_count()} CPUs")
    return results


def _build(config: str, n: str, shape: str, state: str) -> None:
    """In its own process, so that this one stays small while it starts the tool."""
    from reconciler.config.load import load_desired

    build_state(load_desired(config), referenced(int(n), shape), Path(state))


def measure_drift(n: int, shape: str, log: Path) -> dict[str, Any]:
    """`drift` alone, against the account an apply would leave, built straight into the
    emulator's store (`bench.served.build_state`) when the apply through the API is too long."""
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        config = generate(Path(tmp) / "config", n, shape)
        state = Path(tmp) / "account.json"
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from bench.scale import _build; _build(*sys.argv[1:])",
                        str(config), str(n), shape, str(state)], cwd=ROOT, check=True,
                       env=environment())
        with ServedAccount(state) as account:
            account.reset_calls()
            args = ["drift", str(config), *ACCOUNT_FLAGS, "--endpoint-url", account.url]
            with open(log, "a") as stream:
                stream.write(f"--- N={n} drift on a built account: {' '.join(args)}\n")
            report = Path(tmp) / "drift.txt"
            code, seconds, peak, cpu = _run(args, report, log)
            row = {"exit": code, "seconds": round(seconds, 2), "peak_mb": round(peak, 1),
                   "cpu_seconds": round(cpu, 2), "calls": sum(account.calls().values()),
                   "output_mb": None, "account_built_in_store": True,
                   "no_drift": "No drift." in report.read_text()}
            with open(log, "a") as stream:
                stream.write(f"    {json.dumps(row)}\n")
    return row


def _cell(result: dict[str, Any], name: str) -> str:
    row = result.get(name)
    if row is None:
        return "not run"
    if row.get("interrupted"):
        return (f"stopped after {row['seconds'] / 60:,.0f} min, {row['calls']:,} calls made · "
                f"{row['peak_mb']:,.0f} MB so far")
    mark = "" if row["exit"] in (0, 2) else " (failed)"
    mark += " ¹" if row.get("account_built_in_store") else ""
    cpu = f" ({row['cpu_seconds']:,.0f} s CPU)" if "cpu_seconds" in row else ""
    return f"{row['seconds']:,.0f} s{cpu} · {row['peak_mb']:,.0f} MB{mark}"


def render(results: dict[str, dict[str, Any]]) -> str:
    counts = sorted(results, key=int)
    names = [name for name, _, _ in COMMANDS]
    lines = [
        HEADING, "",
        "`python -m bench.scale --tenants 1000 10000 100000`: a generated config of N tenants "
        "in the shared shape (one file per tenant; one of 40 shared identities and the tier's "
        f"configuration set, k = {ASSOCIATIONS['shared']}; see `bench/shapes.py`) "
        "against an emulated account served by `ses-reconciler local serve` in its own process. "
        "Each command is a fresh `python -m reconciler` process (`--target aws --endpoint-url "
        "... --max-rate 0`, parallelism 8); its peak RSS is its own high-water mark (VmHWM), "
        "so the emulator's memory is not counted. The plans run before the apply and render N "
        "creates; the drift runs after it and reads all N tenants. Budget: peak RSS ≤ "
        f"{LIMIT_RSS_MB:,} MB at every size.", "",
        "Wall time (the tool's own CPU time, where measured) · peak RSS of the tool's "
        "process:", "",
        "| command | " + " | ".join(f"N = {int(n):,}" for n in counts) + " |",
        "|---|" + "---:|" * len(counts)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(_cell(results[n], name) for n in counts) + " |")
    lines += ["", "API calls and output size:", "",
              "| command | " + " | ".join(f"N = {int(n):,}" for n in counts) + " |",
              "|---|" + "---:|" * len(counts)]
    for name in names:
        cells = []
        for n in counts:
            row = results[n].get(name)
            if row is None:
                cells.append("not run")
                continue
            size = f" · {row['output_mb']:,.1f} MB out" if row.get("output_mb") else ""
            cells.append(f"{row['calls']:,} calls{size}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    peaks = {n: max((r["peak_mb"] for k, r in results[n].items()
                     if isinstance(r, dict) and "peak_mb" in r), default=0.0) for n in counts}
    lines += ["", "| N | highest peak RSS (MB) | within 1 GB | all commands completed | "
              "measured | machine |", "|---:|---:|---|---|---|---|"]
    for n in counts:
        done = (all(name in results[n] for name in names) and "failed" not in results[n]
                and not any(isinstance(r, dict) and r.get("interrupted")
                            for r in results[n].values()))
        lines.append(f"| {int(n):,} | {peaks[n]:,.0f} | "
                     f"{'yes' if peaks[n] <= LIMIT_RSS_MB else 'NO'} | {'yes' if done else 'no'} "
                     f"| {results[n]['date']} | {results[n]['machine']} |")
    if any(isinstance(r, dict) and r.get("account_built_in_store")
           for n in counts for r in results[n].values()):
        lines += ["", "¹ Against the account a first apply leaves, written straight into the "
                  "emulator's store and served from a state file (`--drift-only`): at this size "
                  "the apply through the API takes longer than the run allowed. The drift reads "
                  "it exactly as it reads an applied account (same calls)"
                  + (", and found no drift." if all(
                      r.get("no_drift", True) for n in counts for r in results[n].values()
                      if isinstance(r, dict) and r.get("account_built_in_store")) else ".")]
    lines += ["", "Wall times are single runs on a machine shared with other work, with the "
              "emulator (moto behind werkzeug) answering every call on the same 2 CPUs; most "
              "of the apply's and the drift's time is the emulator's. The apply's time includes "
              "its own plan (a read of the empty account) and printing it.", "",
              DATA_MARK + json.dumps(results, sort_keys=True, separators=(",", ":")) + " -->", ""]
    return "\n".join(lines)


def previous_results(report: Path = REPORT) -> dict[str, dict[str, Any]]:
    return recorded_results(report, DATA_MARK)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--tenants", type=int, nargs="+", default=[1_000],
                        help="tenant counts to measure (default 1000: about a minute)")
    parser.add_argument("--shape", choices=SHAPES, default="shared")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir())
                        / "bench-scale.log", help="progress log (one line per command)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--plans-only", action="store_true",
                        help="validate and the plans only (kept with the other rows of N)")
    parser.add_argument("--drift-only", action="store_true",
                        help="measure only drift, on an account built in the emulator's store")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    for n in args.tenants:
        if args.drift_only:
            row = {"drift": measure_drift(n, args.shape, args.log), "shape": args.shape,
                   "date": datetime.now(UTC).strftime("%Y-%m-%d"),
                   "machine": f"Python {platform.python_version()}, {platform.machine()}, "
                              f"{os.cpu_count()} CPUs"}
        else:
            row = measure(n, args.shape, args.log,
                          upto="plan --out" if args.plans_only else "drift")
        if not args.no_write:  # re-read: another run may have written its rows meanwhile
            results = previous_results()
        if args.drift_only or args.plans_only:  # keep the rows this mode does not measure
            row = {**results.get(str(n), {}), **row}
        results[str(n)] = row
        if not args.no_write:  # each size is kept as soon as it is measured
            replace_section(REPORT, HEADING, render(results))
    print(render(results))


if __name__ == "__main__":
    main()

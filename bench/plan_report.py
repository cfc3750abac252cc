"""The `## Planning and apply` section of docs/performance.md, from `bench.plan` results.

Calls come first because they are exact and decide the cost against real SES; wall time and RSS
follow with their caveats. The raw results are kept in a comment inside the section, so that a
quick 1,000-tenant rerun refreshes its rows without dropping the 10,000-tenant ones.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.report_file import recorded_results, replace_section
from bench.validate import ROOT

REPORT = ROOT / "docs" / "performance.md"
HEADING = "## Planning and apply"
DATA_MARK = "<!-- bench.plan results: "
K = 3  # associations per tenant in the generated config
DRIFTED = 6  # out-of-band changes made before the drift run


def budget(n: int) -> int:
    """The reader's documented ceiling for a full read: STS, two list walks, two calls a tenant
    (`reconciler.aws.readers`), plus a little slack for resource checks."""
    return 2 * n + 2 * math.ceil(n / 100) + 5


def terraform_style(n: int) -> int:
    """A per-resource refresh: one GetTenant per tenant plus one ListTenantResources per
    association, which is what a provider modelling associations as resources would do."""
    return n * (1 + K)


PHASES = (("apply", "first apply (read + writes)"), ("plan", "no-change plan"),
          ("only", "`plan --only` one tenant"), ("drift", f"drift run after {DRIFTED} "
          "out-of-band changes"), ("repair", "apply of the drift plan (writes only)"))


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _duration(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _calls_table(results: dict[str, dict[str, Any]], counts: list[str]) -> list[str]:
    lines = ["| phase | operation | " + " | ".join(f"N = {int(n):,}" for n in counts) + " |",
             "|---|---|" + "---:|" * len(counts)]
    for key, label in PHASES:
        per_n = [results[n]["phases"][key]["calls"] for n in counts]
        ops = sorted({op for calls in per_n for op in calls})
        totals = " | ".join(f"**{_n(t)}** ({_duration(t)} at 1/s)" for t in
                            (results[n]["phases"][key]["total"] for n in counts))
        lines.append(f"| {label} | **total** | {totals} |")
        for op in ops:
            lines.append(f"| | {op} | " + " | ".join(_n(c.get(op, 0)) for c in per_n) + " |")
    return lines


def _budget_table(results: dict[str, dict[str, Any]], counts: list[str]) -> list[str]:
    lines = ["| N | no-change plan calls | budget 2N + 2⌈N/100⌉ + 5 | within budget "
             "| Terraform-style N·(1+3) | ratio to Terraform-style | at 1 request/s |",
             "|---:|---:|---:|---|---:|---:|---:|"]
    for n in counts:
        plan = results[n]["phases"]["plan"]
        calls, size = plan["total"], int(n)
        lines.append(f"| {size:,} | {calls:,} | {budget(size):,} "
                     f"| {'yes' if calls <= budget(size) else 'NO'} "
                     f"| {terraform_style(size):,} | {calls / terraform_style(size):.2f} "
                     f"| {_duration(calls)} |")
    return lines


def _time_table(results: dict[str, dict[str, Any]], counts: list[str]) -> list[str]:
    lines = ["| N | load config (s) | first apply (s) | no-change plan (s) | `--only` (s) "
             "| drift run (s) | drift apply (s) | RSS before plan (MB) "
             "| peak RSS during plan (MB) | plan ms per call | measured |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n in counts:
        p = results[n]["phases"]
        secs = " | ".join(f"{p[k]['seconds']:.2f}" for k in
                          ("load", "apply", "plan", "only", "drift", "repair"))
        lines.append(f"| {int(n):,} | {secs} | {p['plan']['rss_before_mb']:.0f} "
                     f"| {p['plan']['peak_mb']:.0f}"
                     f"{'' if p['plan']['per_phase_peak'] else ' (process peak)'} "
                     f"| {1000 * p['plan']['seconds'] / p['plan']['total']:.1f} "
                     f"| {results[n]['date']} |")
    return lines


def _profile_table(results: dict[str, dict[str, Any]], counts: list[str]) -> list[str]:
    """Where a no-change plan's CPU time goes, when the run was profiled (`--profile`)."""
    profiled = [n for n in counts if results[n].get("profile")]
    if not profiled:
        return []
    last = results[profiled[-1]]["profile"]["areas"]
    areas = sorted({a for n in profiled for a in results[n]["profile"]["areas"]},
                   key=lambda a: -last.get(a, 0.0))
    lines = ["Where a no-change plan's CPU time goes (cProfile own time; the plan is run "
             "sequentially so that one thread sees all of it, and profiling inflates the "
             "total). `stdlib and other` is the standard library, builtins and werkzeug, "
             "called almost entirely by moto and botocore.", "",
             "| area | " + " | ".join(f"N = {int(n):,}" for n in profiled) + " |",
             "|---|" + "---:|" * len(profiled)]
    for area in areas:
        shares = " | ".join(f"{100 * results[n]['profile']['areas'].get(area, 0.0):.1f} %"
                            for n in profiled)
        lines.append(f"| {area} | {shares} |")
    lines += ["", "Largest single functions by own time:", ""]
    for n in profiled:
        top = "; ".join(f"`{func}` {100 * share:.1f} %"
                        for func, share in results[n]["profile"]["top"])
        lines.append(f"- N = {int(n):,}: {top}")
    return [*lines, ""]


def _rounded(value: Any) -> Any:
    """Floats to 4 significant digits: the kept raw results stay short and readable."""
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def render(results: dict[str, dict[str, Any]]) -> str:
    counts = sorted(results, key=int)
    first = results[counts[0]]
    lines = [
        HEADING, "",
        "`python -m bench.plan --tenants 1000 10000`: a generated config of N tenants, one "
        f"file each, {K} associations per tenant (a dedicated identity, its tier's shared "
        "configuration set, one of 5 templates; tiers free/pro/enterprise with policies "
        "strict/standard/none, some tenants overriding the policy, half with suppression "
        "settings, about 1 % paused), against the in-process emulator with no client-side "
        "pacing. Phases run in order: the first apply creates everything, a plan then finds "
        f"nothing to do, `--only` plans one tenant, {DRIFTED} tenants are changed out of band "
        "(a tag, a policy, an association, suppression, a pause, a deleted tenant), a drift run "
        "finds them and its plan is applied. Each phase is a fresh command (fresh clients, one "
        "STS call).", "",
        "### API calls", "",
        "Exact counts of requests the emulator received, by operation (deterministic: they "
        "depend only on N and the config).", "",
        *_calls_table(results, counts), "",
        "A targeted plan costs the same few calls whatever the account's size (STS, GetTenant, "
        "GetReputationEntity, ListTenantResources). The drift run costs what a plan costs; "
        "repairing costs only the writes.", "",
        "### No-change plan against the budget and a per-resource refresh", "",
        *_budget_table(results, counts), "",
        "Terraform-style = one GetTenant and one ListTenantResources per association (k = 3), "
        "without the ListReputationEntities pages the reader uses for policy and status "
        "(a per-resource provider would need a GetReputationEntity per tenant on top). "
        "1 request/s is SES's recommended pace for management calls (the limiter's default "
        "against AWS, per operation family); GetTenant, ListTenantResources and ListTenants "
        "share the tenant-read family, so running families side by side saves only the "
        "reputation pages.", "",
        "### Wall time and memory", "",
        *_time_table(results, counts), "",
        "Single runs on a shared machine: wall times are noisy, and the emulator (moto, in the "
        "same process, holding the whole account) accounts for most of them and much of the "
        "RSS; a time per call that grows with N is the emulator's cost per request (see the "
        "profile below), not more calls. "
        "RSS is that of the benchmark process: `RSS before plan` is what it holds going in "
        "(emulator state, loaded config), the peak is the high-water mark during the no-change "
        "plan alone (reset before the phase).", "",
        f"{first['machine']}, parallelism {first['parallelism']}; shared with other work "
        "while measuring.", "", *_profile_table(results, counts),
        "To reproduce: `make bench` runs every benchmark at its quick default; for this one "
        "that is 1,000 tenants (under a minute), which refreshes the N = 1,000 rows only. "
        "`python -m bench.plan --tenants 1000 10000` refreshes both; `--profile` adds a "
        "cProfile of the no-change plan on stderr; `--no-write` leaves this file alone.", "",
        DATA_MARK + json.dumps(_rounded(results), sort_keys=True, separators=(",", ":"))
        + " -->", ""]
    return "\n".join(lines)


def previous_results(report: Path) -> dict[str, dict[str, Any]]:
    """Raw results of earlier runs, so a 1,000-tenant rerun keeps the 10,000-tenant rows."""
    return recorded_results(report, DATA_MARK)


def write_section(section: str, report: Path = REPORT) -> None:
    """Replace only this benchmark's section, keeping whatever else the file holds."""
    replace_section(report, HEADING, section)



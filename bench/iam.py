"""IAM policy benchmark: what N tenants x 2 IAM templates add to a plan, call by call.

The config is bench.plan's (N tenants, 3 associations each) with two templates every tenant
lists: `sender` (it declares an attachment to the role `sender-<tenant>`) and `reader`. So
P = 2N policies, A = N of them with attachments. Phases, each a fresh command against the
in-process emulator: the first apply, a no-change plan, a template edit (its plan, then its
apply), and `--only` of one tenant. Calls are the emulator's own counts, by operation, and
are printed beside the budget they must equal:

- no-change plan = tenant budget (1 + 2⌈N/100⌉ + 2N) + ⌈P/1000⌉ + P + A;
- template edit plan = the same + E GetPolicy (E policies changed: their ownership tags);
- `--only` = 4 + ⌈P/1000⌉ + the tenant's policies + those with attachments.

The result replaces the `## IAM policies` section of docs/performance.md.

    python -m bench.iam [--tenants N] [--parallelism P] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.plan import ACCOUNT, REGION, _open, _Phases, generate, tenant_name
from bench.plan_report import REPORT
from bench.report_file import replace_section

HEADING = "## IAM policies"
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]}


def templates(send_actions: list[str]) -> dict[str, Any]:
    condition = {"StringEquals": {"ses:TenantName": "${tenant.name}"}}
    return {"iam_templates": {
        "sender": {"policy_name": "ses-${tenant.name}-sender",
                   "document": {"Version": "2012-10-17", "Statement": [{
                       "Effect": "Allow", "Action": send_actions,
                       "Resource": "${tenant.arn}", "Condition": condition}]},
                   "attach": {"roles": ["sender-${tenant.name}"]}},
        "reader": {"policy_name": "ses-${tenant.name}-reader",
                   "document": {"Version": "2012-10-17", "Statement": [{
                       "Effect": "Allow", "Action": ["ses:GetTenant"],
                       "Resource": "${tenant.arn}"}]}}}}


def write_config(root: Path, tenants: int, send_actions: list[str]) -> Path:
    """bench.plan's config, every tenant listing both templates."""
    if not (root / "settings.yaml").exists():
        generate(root, tenants)
        for path in (root / "tenants").glob("*.yaml"):
            path.write_text(path.read_text() + "    iam: [sender, reader]\n")
    (root / "iam.yaml").write_text(json.dumps(templates(send_actions), indent=1))
    return root


def worker(n: int, parallelism: int) -> dict[str, Any]:
    from reconciler.aws.clients import ClientFactory
    from reconciler.config.load import load_desired
    from reconciler.emulator import Emulator
    from reconciler.local_account import seed_referenced_resources

    with tempfile.TemporaryDirectory(prefix="bench-iam-") as tmp, \
            Emulator(ACCOUNT, REGION) as emulator:
        emulator.options.update(max_tenants=max(n, 10_000))
        bench = _Phases(emulator)
        root = Path(tmp)
        desired = load_desired(write_config(root, n, ["ses:SendEmail"]))
        factory = ClientFactory.for_emulator(REGION)
        seed_referenced_resources(factory, desired)
        iam = factory.client("iam")
        for i in range(n):
            iam.create_role(RoleName=f"sender-{tenant_name(i)}",
                            AssumeRolePolicyDocument=json.dumps(TRUST))

        def apply(desired: Any) -> Any:
            run = _open(desired, parallelism)
            report = run.apply(run.plan(), allow_delete=False, force=True)
            assert report.ok, [o.detail for o in report.failed][:3]
            return report

        bench.measure("apply", lambda: apply(desired))
        plan = bench.measure("plan", lambda: _open(desired, parallelism).plan().plan)
        assert plan.empty, plan.changes[:3]
        edited = load_desired(write_config(root, n, ["ses:SendEmail", "ses:SendBulkEmail"]))
        edit = bench.measure("edit_plan", lambda: _open(edited, parallelism).plan().plan)
        changed = len(edit.changes)
        assert changed == n and not edit.conflicts, (changed, edit.conflicts[:3])
        bench.measure("edit_apply", lambda: apply(edited))
        only = bench.measure("only", lambda: _open(edited, parallelism).plan(
            only=(tenant_name(n // 2),)).plan)
        assert only.empty, only.changes
    return {"tenants": n, "policies": 2 * n, "attached": n, "edited": changed,
            "parallelism": parallelism, "phases": bench.results,
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "machine": (f"Python {platform.python_version()}, {platform.machine()}, "
                        f"{os.cpu_count()} CPUs")}


def budgets(n: int, p: int, a: int, e: int) -> dict[str, tuple[str, int]]:
    """phase -> (formula, value) of the calls the phase must make."""
    tenant = 1 + 2 * math.ceil(n / 100) + 2 * n
    pages = math.ceil(p / 1000)
    return {
        "plan": ("(1 + 2⌈N/100⌉ + 2N) + ⌈P/1000⌉ + P + A", tenant + pages + p + a),
        "edit_plan": ("no-change plan + E", tenant + pages + p + a + e),
        "only": ("4 + ⌈P/1000⌉ + 2 + 1", 4 + pages + 2 + 1),
    }


PHASES = (("apply", "first apply (read + writes)"), ("plan", "no-change plan"),
          ("edit_plan", "template edit: plan"), ("edit_apply", "template edit: apply"),
          ("only", "`plan --only` one tenant"))


def render(result: dict[str, Any]) -> str:
    n, p, a, e = (result[k] for k in ("tenants", "policies", "attached", "edited"))
    want = budgets(n, p, a, e)
    lines = [
        HEADING, "",
        f"`python -m bench.iam --tenants {n}`: bench.plan's config ({n:,} tenants, 3 "
        "associations each) where every tenant lists two IAM templates, `sender` (which "
        "declares an attachment to the role `sender-<tenant>`, created beforehand) and "
        f"`reader`: P = {p:,} policies, A = {a:,} with attachments. Each phase is a fresh "
        "command against the in-process emulator; counts are the emulator's, by operation "
        "(deterministic). The template edit adds an action to `sender`: E = "
        f"{e:,} policies change.", "",
        "| phase | operation | calls | budget | formula |", "|---|---|---:|---:|---|"]
    for phase, label in PHASES:
        data = result["phases"][phase]
        formula, value = want.get(phase, ("", None))
        budget = f"{value:,}" if value is not None else ""
        lines.append(f"| {label} | **total** | **{data['total']:,}** | {budget} | {formula} |")
        lines += [f"| | {op} | {count:,} | | |" for op, count in sorted(data["calls"].items())]
    lines += [
        "",
        f"N = {n:,}, P = {p:,}, A = {a:,}, E = {e:,}. The tenant budget of a no-change plan "
        "is bench.plan's (STS once, ListTenants and ListReputationEntities pages, GetTenant and "
        "ListTenantResources per tenant). IAM adds ListPolicies pages, one GetPolicyVersion "
        "per policy the config names and one ListEntitiesForPolicy per policy that declares "
        "attachments (or that ListPolicies shows attached). Ownership tags (GetPolicy) are "
        "read only for the policies the plan would write: none in a no-change plan, E in the "
        "template edit's (the two-phase read of docs/architecture.md, iam_policy; reading "
        f"them for every policy would cost P = {p:,} more on every plan). A policy under the "
        "path that the config does not name costs one GetPolicy per plan (its tags say whose "
        "it is). `--only` reads the selected tenant's two policies (one with attachments) and "
        "the ListPolicies pages, whatever the number of tenants.", "",
        "| phase | seconds | peak RSS (MB) |", "|---|---:|---:|"]
    lines += [f"| {label} | {result['phases'][phase]['seconds']:.2f} | "
              f"{result['phases'][phase]['peak_mb']:.0f} |" for phase, label in PHASES]
    lines += ["", f"{result['machine']}, parallelism {result['parallelism']}; measured "
              f"{result['date']} on a shared machine (wall times are noisy; the calls are "
              "exact).", "", f"<!-- bench.iam results: {json.dumps(result, sort_keys=True)} -->",
              ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.iam")
    parser.add_argument("--tenants", type=int, default=1_000)
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    result = worker(args.tenants, args.parallelism)
    calls = {phase: result["phases"][phase]["total"] for phase, _ in PHASES}
    want = budgets(result["tenants"], result["policies"], result["attached"], result["edited"])
    mismatched = {phase: (calls[phase], value) for phase, (_, value) in want.items()
                  if calls[phase] != value}
    section = render(result)
    print(section)
    if mismatched:
        raise SystemExit(f"calls differ from the budget (measured, budget): {mismatched}")
    if not args.no_write:
        replace_section(REPORT, HEADING, section)


if __name__ == "__main__":
    main()

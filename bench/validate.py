"""Validation benchmark: loading a 10,000-tenant config against parsing it with PyYAML's C loader.

Two layouts of the same generated config: one big file, and one file per tenant. Each measurement
runs in its own subprocess so that peak RSS belongs to that case alone. The result replaces the
`## Validation` section of docs/performance.md.

    python -m bench.validate [--tenants N] [--rounds R] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.report_file import replace_section

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
HEADING = "## Validation"
LIMIT_RATIO, LIMIT_RSS_MB = 2.0, 300

HEADER = """\
settings:
  region: us-east-1
  account_id: "123456789012"
  target: local
  prune: true
  max_tenants: {max_tenants}
defaults: {{reputation_policy: standard, sending_status: ENABLED, tags: {{Environment: bench}}}}
tiers:
  free: {{reputation_policy: strict, resources: {{configuration_sets: [free]}}}}
  pro: {{resources: {{configuration_sets: [pro]}}, tags: {{Tier: pro}}}}
iam_templates:
  sender:
    policy_name: "ses-${{tenant.name}}-sender"
    document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: [ses:SendEmail, ses:SendRawEmail]
          Resource: "*"
          Condition: {{StringEquals: {{"ses:TenantName": "${{tenant.name}}"}}}}
"""


def tenant_yaml(i: int) -> str:
    """One tenant entry, indented under `tenants:`; varied enough to exercise every layer."""
    name = f"Customer{i:05d}"
    tier = "pro" if i % 3 else "free"
    return f"""\
  {name}:
    tier: {tier}
    tags: {{CustomerID: "{i}", Team: mail-{i % 7}}}
    resources:
      identities: [c{i}.example.com, noreply@c{i}.example.com]
      configuration_sets: [{name}-ConfigSet]
      templates: [welcome-{i % 5}]
    suppression: {{scope: TENANT, reasons: [BOUNCE, COMPLAINT]}}
    iam: [sender]
"""


def generate(root: Path, tenants: int) -> dict[str, Path]:
    """Write both layouts under `root`; returns layout name -> config path."""
    root.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(max_tenants=tenants)
    big = root / "one-file.yaml"
    big.write_text(header + "tenants:\n" + "".join(tenant_yaml(i) for i in range(tenants)))
    split = root / "file-per-tenant"
    (split / "tenants").mkdir(parents=True)
    (split / "settings.yaml").write_text(header)
    for i in range(tenants):
        (split / "tenants" / f"c{i:05d}.yaml").write_text("tenants:\n" + tenant_yaml(i))
    return {"one file": big, "one file per tenant": split}


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.rglob("*.yaml"))


def _worker(mode: str, path: Path) -> None:
    """Runs in a fresh subprocess: one timed run of one mode, then its peak RSS."""
    if mode == "validate":
        from reconciler.config.load import load_desired

        start = time.perf_counter()
        load_desired(path)
    else:
        files = _files(path)
        start = time.perf_counter()
        for file in files:
            yaml.load(file.read_text(), Loader=yaml.CSafeLoader)
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb}))


def _run(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.validate", "--worker", mode, str(path)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _measure(path: Path, rounds: int) -> dict[str, dict[str, float]]:
    """Alternate the two modes round by round, so background load hits both alike."""
    runs: dict[str, list[dict[str, float]]] = {"parse": [], "validate": []}
    for _ in range(rounds):
        for mode, results in runs.items():
            results.append(_run(mode, path))
    return {mode: {"best": min(r["seconds"] for r in results),
                   "median": statistics.median(r["seconds"] for r in results),
                   "rss_mb": max(r["rss_mb"] for r in results)}
            for mode, results in runs.items()}


def run_cases(tenants: int, rounds: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        for layout, path in generate(Path(tmp), tenants).items():
            result = _measure(path, rounds)
            parse, check = result["parse"], result["validate"]
            rows.append({"layout": layout, "ratio": check["best"] / parse["best"],
                         "median_ratio": check["median"] / parse["median"],
                         "validate": check, "parse": parse})
    return rows


def render(rows: list[dict[str, object]], tenants: int, rounds: int) -> str:
    lines = [HEADING, "",
             f"`python -m bench.validate`: `load_desired` (parse, source map, validation, "
             f"resolution, digest) on a generated {tenants:,}-tenant config, against "
             "`yaml.load(..., Loader=yaml.CSafeLoader)` on the same files. Each run is a fresh "
             f"subprocess (one case, one run, its own peak RSS); {rounds} rounds alternate the "
             "two. Ratio = best validate time / best C loader time (the median ratio is "
             f"shown too). Budget: ratio <= {LIMIT_RATIO:g}, RSS <= {LIMIT_RSS_MB} MB.", "",
             "| layout | ratio | median ratio | validate (s) | C loader (s) "
             "| validate RSS (MB) | C loader RSS (MB) | within budget |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        v, p = row["validate"], row["parse"]
        assert isinstance(v, dict) and isinstance(p, dict)
        ok = row["ratio"] <= LIMIT_RATIO and v["rss_mb"] <= LIMIT_RSS_MB  # type: ignore[operator]
        lines.append(f"| {row['layout']} | {row['ratio']:.2f}x | {row['median_ratio']:.2f}x "
                     f"| {v['best']:.2f} "
                     f"| {p['best']:.2f} | {v['rss_mb']:.0f} | {p['rss_mb']:.0f} "
                     f"| {'yes' if ok else 'NO'} |")
    lines += ["", "Why validation can beat the bare C loader: composing uses libyaml with a "
              "memoised tag resolver for plain scalars, the walk replaces PyYAML's generic "
              "constructor, and the cyclic garbage collector is paused while loading (the "
              "objects built are acyclic; with it running, big files cost quadratic rescans, "
              "which is most of the C loader's time on the one-file layout). Nodes of a large "
              "alias-free file are released as they are walked, which keeps peak RSS near "
              "the C loader's.", "",
              f"Python {platform.python_version()}, PyYAML {yaml.__version__} "
              f"(libyaml {yaml.__with_libyaml__}), {platform.machine()}, "
              f"{os.cpu_count()} CPUs shared with other work while measuring.", ""]
    return "\n".join(lines)


def write_section(section: str, report: Path = REPORT) -> None:
    """Replace only the `## Validation` section, keeping whatever else the file holds."""
    replace_section(report, HEADING, section)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.validate")
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker[0], Path(args.worker[1]))
        return
    rows = run_cases(args.tenants, args.rounds)
    section = render(rows, args.tenants, args.rounds)
    print(section)
    if not args.no_write:
        write_section(section)


if __name__ == "__main__":
    main()

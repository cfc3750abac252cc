"""Fleets: three stacks in two accounts and two Regions (examples/fleet), listed for a CI matrix,
targeted by what a branch touched, and summarised in one comment under GitHub's limit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reconciler.config.load import load_desired_texts
from reconciler.planning import make_plan
from reconciler.render.fleet import render_fleet_markdown
from reconciler.state import ArnContext, Live
from tests.integration.gitops.repo import cli, git

FLEET = Path(__file__).resolve().parents[3] / "examples" / "fleet"
STACKS = ["eu-prod", "us-prod", "us-staging"]
GITHUB_COMMENT_LIMIT = 65_536


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    root = tmp_path / "fleet"
    shutil.copytree(FLEET, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.email=ops@example.com", "-c", "user.name=Ops", "commit", "-q", "-m", "x")
    return root


def test_github_matrix_lists_every_stack_as_matrix_include_entries(fleet: Path) -> None:
    done = cli("stacks", fleet, "--format", "github-matrix")
    assert done.exit_code == 0, done.output
    matrix = json.loads(done.stdout)
    assert list(matrix) == ["include"]
    assert [entry["stack"] for entry in matrix["include"]] == STACKS
    assert all(Path(e["path"]) == fleet / "stacks" / e["stack"] for e in matrix["include"])


def test_the_fleet_spans_two_accounts_and_two_regions(fleet: Path) -> None:
    settings = [(fleet / "stacks" / s / "settings.yaml").read_text() for s in STACKS]
    accounts = {line.split('"')[1] for text in settings for line in text.splitlines()
                if "account_id" in line}
    regions = {line.split(": ")[1] for text in settings for line in text.splitlines()
               if line.startswith("  region:")}
    assert len(accounts) == 2 and len(regions) == 2


def test_changed_since_lists_only_the_touched_stack(fleet: Path) -> None:
    before = git(fleet, "rev-parse", "HEAD")
    tenants = fleet / "stacks" / "us-prod" / "tenants.yaml"
    tenants.write_text(tenants.read_text().replace('"1001"', '"1009"'))
    git(fleet, "-c", "user.email=ops@example.com", "-c", "user.name=Ops", "commit", "-qam", "y")
    done = cli("stacks", fleet, "--changed-since", before, "--format", "github-matrix")
    assert done.exit_code == 0, done.output
    assert [e["stack"] for e in json.loads(done.stdout)["include"]] == ["us-prod"]
    assert cli("stacks", fleet, "--changed-since", "HEAD").stdout == ""


def test_stack_and_all_stacks_select_configs_under_stacks(fleet: Path, tmp_path: Path) -> None:
    assert cli("validate", fleet, "--stack", "eu-prod").stdout == "valid: 2 tenants in 2 files\n"
    done = cli("plan", fleet, "--all-stacks", "--local-state", tmp_path / "a.json",
               "--detailed-exitcode")
    assert done.exit_code == 2, done.output
    assert [line for line in done.stderr.splitlines() if line.startswith("==")] == [
        f"== stack {s} ({fleet / 'stacks' / s}) ==" for s in STACKS]
    assert sorted((tmp_path).glob("a-*.json")) == [tmp_path / f"a-{s}.json" for s in STACKS]


def test_an_unknown_stack_is_one_sentence(fleet: Path) -> None:
    done = cli("validate", fleet, "--stack", "nope")
    assert done.exit_code == 1
    assert done.stderr == (f"error: there is no stack 'nope' under {fleet / 'stacks'} (stacks: "
                           "eu-prod, us-prod, us-staging); check the name\n")


def _big_first_plan(stack: str, account: str, region: str, tenants: int) -> object:
    lines = [f"settings: {{region: {region}, account_id: '{account}'}}", "tenants:"]
    for i in range(tenants):
        lines += [f"  {stack}-customer-{i:05d}:",
                  f"    tags: {{CustomerID: '{i}', Stack: {stack}}}",
                  f"    resources: {{identities: [c{i}.{stack}.example.com]}}",
                  "    suppression: {scope: TENANT, reasons: [BOUNCE]}"]
    desired = load_desired_texts({f"{stack}.yaml": "\n".join(lines) + "\n"})
    return make_plan(desired, Live(ArnContext("aws", region, account), {}))


def test_combined_summary_of_three_2000_tenant_first_plans_fits_one_comment() -> None:
    plans = [(s, _big_first_plan(s, a, r, 2_000)) for s, a, r in [
        ("eu-prod", "111111111111", "eu-west-1"), ("us-prod", "111111111111", "us-east-1"),
        ("us-staging", "222222222222", "us-east-1")]]
    text = render_fleet_markdown(plans)  # type: ignore[arg-type]
    assert len(text) <= GITHUB_COMMENT_LIMIT
    for stack, _ in plans:
        assert f"| `{stack}` | " in text
        assert f"<details><summary>Stack <code>{stack}</code>: 2,000 tenants" in text
    assert text.count("more tenants") >= 3  # each truncated plan says how much it left out
    total = sum(plan.counts.total for _, plan in plans)  # type: ignore[attr-defined]
    assert total == 12_000 and f"**{total:,} changes across 3 of 3 stacks.**" in text


def test_stack_and_all_stacks_together_are_refused(fleet: Path) -> None:
    done = cli("validate", fleet, "--stack", "eu-prod", "--all-stacks")
    assert done.exit_code == 1
    assert done.stderr == "error: --stack and --all-stacks exclude each other; give one\n"


def test_all_stacks_refuses_a_single_output_file(fleet: Path, tmp_path: Path) -> None:
    done = cli("plan", fleet, "--all-stacks", "--out", tmp_path / "plan.json")
    assert done.exit_code == 1
    assert done.stderr.startswith("error: --out, --report and --watermark name one file")
    assert not (tmp_path / "plan.json").exists()


def test_all_stacks_refuses_one_watermark_for_every_stack(fleet: Path, tmp_path: Path) -> None:
    done = cli("drift", fleet, "--all-stacks", "--watermark", tmp_path / "mark")
    assert done.exit_code == 1
    assert done.stderr.startswith("error: --out, --report and --watermark name one file")
    assert not (tmp_path / "mark").exists()


def test_plan_all_stacks_markdown_is_one_summary_of_every_stack(fleet: Path,
                                                                 tmp_path: Path) -> None:
    done = cli("plan", fleet, "--all-stacks", "--format", "markdown", "--local-state",
               tmp_path / "a.json", "--detailed-exitcode")
    assert done.exit_code == 2, done.output
    assert done.stdout.startswith("## ses-reconciler plan · 3 stacks\n")
    assert "| `us-staging` | `222222222222` | `us-east-1` | 2 | 3 | 1 | 0 |" in done.stdout
    assert [line for line in done.stdout.splitlines() if line.startswith("### Stack")] == [
        f"### Stack `{s}`" for s in STACKS]

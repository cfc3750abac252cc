"""The pull-request path end to end: plan on the branch, apply on merge exactly what the comment
showed (or refuse), and the scheduled drift job, in a real git repository made by `init`."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from reconciler.emulator import Emulator
from tests.integration.gitops.repo import ENGINE, OpsRepo, cli, git, init_repo
from tests.unit.render.golden import assert_golden

ACME = """\
# yaml-language-server: $schema=../../../schemas/ses-reconciler.schema.json
tenants:
  Acme-Tenant:
    tier: shared
    tags: {CustomerID: "0042"}
"""


@pytest.fixture
def ses(emulator: Emulator) -> object:
    client = boto3.client("sesv2", region_name=emulator.region)
    client.create_email_identity(EmailIdentity="mail.example.com")
    client.create_configuration_set(ConfigurationSetName="shared")
    return client


@pytest.fixture
def repo(tmp_path: Path, ses: object) -> OpsRepo:
    """`init`, committed on main, and applied once: Example-Tenant exists in the account."""
    repo = init_repo(tmp_path / "ops")
    done = cli("apply", repo.stack, *ENGINE, "--auto-approve")
    assert done.exit_code == 0, done.output
    return repo


def branch_with_two_tenants(repo: OpsRepo) -> None:
    repo.checkout("-b", "feature")
    repo.edit("tenants/example.yaml", 'CustomerID: "0001"', 'CustomerID: "0002"')
    repo.write("tenants/acme.yaml", ACME)
    repo.commit("Edit Example-Tenant, onboard Acme")


def tenant_tags(ses: object, name: str) -> dict[str, str]:
    tenant = ses.get_tenant(TenantName=name)["Tenant"]  # type: ignore[attr-defined]
    return {t["Key"]: t["Value"] for t in tenant.get("Tags", [])}


def test_pr_plan_comment_names_the_two_changed_tenants_and_the_digest(
        repo: OpsRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    branch_with_two_tenants(repo)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "github-output"))
    done = repo.ci("pr-plan", tmp_path / "plan", "--base", "main")
    assert done.exit_code == 0, done.output
    digest = (tmp_path / "plan" / "digest").read_text().strip()
    assert (tmp_path / "github-output").read_text() == f"digest={digest}\nchanges=5\n"
    body = (tmp_path / "plan" / "comment.md").read_text()
    assert body.startswith("<!-- ses-reconciler:plan stack=main -->\n")
    assert body.count(digest) == 2  # shown, and in the hidden marker the merge job reads
    assert_golden("gitops/pr-comment.md", body.replace(digest, "sha256:DIGEST"))
    saved = json.loads((tmp_path / "plan" / "plan.json").read_text())
    assert saved["scope"] == ["Acme-Tenant", "Example-Tenant"]


def test_merge_applies_exactly_the_reviewed_plan(repo: OpsRepo, tmp_path: Path,
                                                 ses: object) -> None:
    before = repo.head()
    branch_with_two_tenants(repo)
    assert repo.ci("pr-plan", tmp_path / "plan", "--base", "main").exit_code == 0
    repo.checkout("main")
    git(repo.root, "merge", "-q", "--ff-only", "feature")
    done = repo.ci("merge-apply", tmp_path / "apply", "--changed-since", before,
                   "--reviewed-comment", str(tmp_path / "plan" / "comment.md"))
    assert done.exit_code == 0, done.output
    assert (tmp_path / "apply" / "outcome").read_text() == "applied\n"
    reviewed = (tmp_path / "plan" / "digest").read_text()
    assert (tmp_path / "apply" / "digest").read_text() == reviewed
    saved = json.loads((tmp_path / "plan" / "plan.json").read_text())["summary"]
    assert (saved["add"], saved["change"], saved["destroy"]) == (3, 2, 0)
    assert "Resources: 3 added, 2 changed, 0 destroyed." in (tmp_path / "apply" /
                                                              "comment.md").read_text()
    assert tenant_tags(ses, "Example-Tenant")["CustomerID"] == "0002"
    assert tenant_tags(ses, "Acme-Tenant")["CustomerID"] == "0042"
    after = cli("plan", repo.stack, *ENGINE, "--detailed-exitcode")
    assert after.exit_code == 0, after.output


def test_merge_job_rerun_after_the_apply_has_nothing_to_do(repo: OpsRepo, tmp_path: Path) -> None:
    before = repo.head()
    branch_with_two_tenants(repo)
    assert repo.ci("pr-plan", tmp_path / "plan", "--base", "main").exit_code == 0
    repo.checkout("main")
    git(repo.root, "merge", "-q", "--ff-only", "feature")
    args = ("--changed-since", before, "--reviewed-comment", str(tmp_path / "plan" / "comment.md"))
    assert repo.ci("merge-apply", tmp_path / "apply", *args).exit_code == 0
    again = repo.ci("merge-apply", tmp_path / "again", *args)
    assert again.exit_code == 0, again.output
    assert "Nothing to apply: the account already matches." in (
        tmp_path / "again" / "comment.md").read_text()


def test_merge_refuses_and_explains_when_a_conflicting_change_landed_in_between(
        repo: OpsRepo, tmp_path: Path, ses: object) -> None:
    branch_with_two_tenants(repo)
    assert repo.ci("pr-plan", tmp_path / "plan", "--base", "main").exit_code == 0
    repo.checkout("main")
    repo.edit("tiers.yaml", "reputation_policy: strict", "reputation_policy: standard")
    before = repo.commit("Another pull request: the shared tier goes to standard")
    git(repo.root, "merge", "-q", "--no-edit", "feature")
    done = repo.ci("merge-apply", tmp_path / "apply", "--changed-since", before,
                   "--reviewed-comment", str(tmp_path / "plan" / "comment.md"))
    assert done.exit_code == 1
    assert "refusing to apply" in done.stderr
    body = (tmp_path / "apply" / "comment.md").read_text()
    reviewed = (tmp_path / "plan" / "digest").read_text().strip()
    fresh = (tmp_path / "apply" / "digest").read_text().strip()
    assert fresh != reviewed
    assert "apply refused" in body and reviewed in body and fresh in body
    assert "nothing was applied" in body
    names = [t["TenantName"] for t in ses.list_tenants()["Tenants"]]  # type: ignore[attr-defined]
    assert names == ["Example-Tenant"]
    assert tenant_tags(ses, "Example-Tenant")["CustomerID"] == "0001"


def test_scheduled_drift_opens_the_issue_on_an_edited_account(repo: OpsRepo, tmp_path: Path,
                                                              ses: object) -> None:
    tenant = ses.get_tenant(TenantName="Example-Tenant")["Tenant"]  # type: ignore[attr-defined]
    ses.tag_resource(ResourceArn=tenant["TenantArn"],  # type: ignore[attr-defined]
                     Tags=[{"Key": "CustomerID", "Value": "9999"}])
    done = repo.ci("drift", tmp_path / "drift")
    assert done.exit_code == 2, done.output
    assert (tmp_path / "drift" / "outcome").read_text() == "open\n"
    assert (tmp_path / "drift" / "title").read_text() == "ses-reconciler drift: stack main\n"
    assert_golden("gitops/drift-issue.md", (tmp_path / "drift" / "issue.md").read_text())


def test_nightly_incremental_drift_opens_the_same_issue_and_states_its_window(
        repo: OpsRepo, tmp_path: Path, ses: object) -> None:
    tenant = ses.get_tenant(TenantName="Example-Tenant")["Tenant"]  # type: ignore[attr-defined]
    ses.tag_resource(ResourceArn=tenant["TenantArn"],  # type: ignore[attr-defined]
                     Tags=[{"Key": "CustomerID", "Value": "9999"}])
    done = repo.ci("drift", tmp_path / "drift", "--since", "25h")
    assert done.exit_code == 2, done.output
    assert (tmp_path / "drift" / "outcome").read_text() == "open\n"
    issue = (tmp_path / "drift" / "issue.md").read_text()
    assert "Incremental refresh: CloudTrail events from " in issue
    assert "CustomerID" in issue


def test_scheduled_drift_closes_the_issue_on_a_clean_account(repo: OpsRepo,
                                                             tmp_path: Path) -> None:
    done = repo.ci("drift", tmp_path / "drift")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "drift" / "outcome").read_text() == "close\n"


def test_merge_without_a_reviewed_plan_applies_nothing(repo: OpsRepo, tmp_path: Path,
                                                       ses: object) -> None:
    before = repo.head()
    repo.write("tenants/acme.yaml", ACME)
    repo.commit("Pushed straight to main")
    (tmp_path / "empty.md").write_text("")
    done = repo.ci("merge-apply", tmp_path / "apply", "--changed-since", before,
                   "--reviewed-comment", str(tmp_path / "empty.md"))
    assert done.exit_code == 1
    assert "No reviewed plan was found" in (tmp_path / "apply" / "comment.md").read_text()
    names = [t["TenantName"] for t in ses.list_tenants()["Tenants"]]  # type: ignore[attr-defined]
    assert names == ["Example-Tenant"]


def test_pr_plan_of_an_invalid_config_fails_and_says_so_in_the_comment(
        repo: OpsRepo, tmp_path: Path) -> None:
    repo.checkout("-b", "broken")
    repo.edit("tenants/example.yaml", "tier: shared", "tier: missing")
    repo.commit("Break it")
    done = repo.ci("pr-plan", tmp_path / "plan", "--base", "main")
    assert done.exit_code == 1
    assert "stacks/main/tenants/example.yaml:6:5: tenants.Example-Tenant.tier" in done.stderr
    body = (tmp_path / "plan" / "comment.md").read_text()
    assert body.startswith("<!-- ses-reconciler:plan stack=main -->\n## ses-reconciler plan "
                           "failed · stack `main`")
    assert "tenants/example.yaml:6:5: tenants.Example-Tenant.tier: unknown tier" in body


def test_merge_takes_the_reviewed_digest_as_an_argument_too(repo: OpsRepo, tmp_path: Path,
                                                            ses: object) -> None:
    before = repo.head()
    branch_with_two_tenants(repo)
    assert repo.ci("pr-plan", tmp_path / "plan", "--base", "main").exit_code == 0
    reviewed = (tmp_path / "plan" / "digest").read_text().strip()
    repo.checkout("main")
    git(repo.root, "merge", "-q", "--ff-only", "feature")
    wrong = repo.ci("merge-apply", tmp_path / "wrong", "--changed-since", before,
                    "--reviewed-digest", "sha256:" + "0" * 64)
    assert wrong.exit_code == 1
    assert (tmp_path / "wrong" / "outcome").read_text() == "refused\n"
    done = repo.ci("merge-apply", tmp_path / "apply", "--changed-since", before,
                   "--reviewed-digest", reviewed)
    assert done.exit_code == 0, done.output
    assert tenant_tags(ses, "Acme-Tenant")["CustomerID"] == "0042"

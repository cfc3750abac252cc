"""`validate --format github`: one `::error file=…,line=…,col=…::` workflow command per problem."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.diagnostics import Diagnostic, Location
from reconciler.render.github import annotation

INVALID = Path(__file__).resolve().parents[2] / "data" / "configs" / "invalid"
LINE = re.compile(r"^::error file=[^,]+,line=\d+,col=\d+,title=ses-reconciler::.+$")


def test_annotation_points_at_file_line_and_column() -> None:
    d = Diagnostic(Location("stacks/main/a.yaml", 7, 5), "tenants.A.reputation_policy",
                   "must be one of none, standard, strict")
    assert annotation(d) == ("::error file=stacks/main/a.yaml,line=7,col=5,title=ses-reconciler::"
                             "tenants.A.reputation_policy: must be one of none, standard, strict")


def test_annotation_escapes_what_workflow_commands_reserve() -> None:
    d = Diagnostic(Location("a,b:c.yaml", 1, 1), "", "50% off\nnext line")
    assert annotation(d) == ("::error file=a%2Cb%3Ac.yaml,line=1,col=1,title=ses-reconciler::"
                             "50%25 off%0Anext line")


def test_validate_format_github_emits_one_line_per_diagnostic_and_exits_1() -> None:
    config = INVALID / "reputation-policy-enum.yaml"
    done = CliRunner().invoke(main, ["validate", str(config), "--format", "github"])
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines)
    assert all(f"file={config}," in line for line in lines)
    text = CliRunner().invoke(main, ["validate", str(config)]).stderr.splitlines()
    assert len(lines) == len(text)

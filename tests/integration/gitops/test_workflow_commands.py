"""Every `ses-reconciler` command line in the shipped CI files names a real command and real
options: actionlint checks the YAML, not what the steps ask of the tool."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from reconciler.cli import main

PROJECT = Path(__file__).resolve().parents[3]
EXAMPLE = PROJECT / "examples" / "gitops"
CI_FILES = sorted([*EXAMPLE.glob(".github/workflows/*.yml"), EXAMPLE / ".gitlab-ci.yml",
                   EXAMPLE / ".pre-commit-config.yaml", PROJECT / ".pre-commit-hooks.yaml"])
CALL = re.compile(r"ses-reconciler ([^\n|;)]+)")
SHELL_KEYS = ("run", "script", "entry")


def shell_texts(node: object) -> list[str]:
    """The shell of every `run:` (GitHub), `script:` (GitLab) and `entry:` (pre-commit)."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key in SHELL_KEYS:
                found += [value] if isinstance(value, str) else [v for v in value
                                                                 if isinstance(v, str)]
            else:
                found += shell_texts(value)
        return found
    if isinstance(node, list):
        return [t for item in node for t in shell_texts(item)]
    return []


def invocations(path: Path) -> list[list[str]]:
    texts = shell_texts(yaml.safe_load(path.read_text()))
    return [shlex.split(m.group(1).split(" || ")[0].split(" > ")[0])
            for text in texts for m in CALL.finditer(text)]


def resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = main
    rest = list(args)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {args}"
        command, rest = sub, rest[1:]
    return command, rest


def test_the_readme_init_writes_shows_commands_that_exist() -> None:
    text = (EXAMPLE / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    calls = [shlex.split(line)[1:] for block in blocks for line in block.splitlines()
             if line.startswith("ses-reconciler ")]
    assert len(calls) >= 4
    for args in calls:
        command, rest = resolve(args)
        known = {opt for p in command.params for opt in p.opts}
        assert [a for a in rest if a.startswith("--") and a not in known] == [], args


@pytest.mark.parametrize("path", CI_FILES, ids=lambda p: p.name)
def test_ci_files_call_existing_commands_with_existing_options(path: Path) -> None:
    calls = invocations(path)
    assert calls, path
    for args in calls:
        command, rest = resolve(args)
        known = {opt for p in command.params for opt in p.opts}
        unknown = [a.split("=")[0] for a in rest if a.startswith("--")
                   and a.split("=")[0] not in known]
        assert unknown == [], f"{path.name}: {' '.join(args)}"


def test_the_pipeline_steps_are_all_used() -> None:
    used = {resolve(args)[0].name for path in CI_FILES for args in invocations(path)}
    assert {"pr-plan", "merge-apply", "drift", "stacks", "validate"} <= used

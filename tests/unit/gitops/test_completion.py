"""Shell completion (documented in the README) comes from click's `_SES_RECONCILER_COMPLETE`."""

from __future__ import annotations

from click.testing import CliRunner

from reconciler.cli import main


def test_bash_completion_offers_subcommands_by_prefix() -> None:
    done = CliRunner().invoke(main, [], prog_name="ses-reconciler", env={
        "_SES_RECONCILER_COMPLETE": "bash_complete", "COMP_WORDS": "ses-reconciler c",
        "COMP_CWORD": "1"})
    assert done.exit_code == 0
    assert done.stdout.splitlines() == ["plain,ci"]


def test_bash_completion_script_is_printed_for_the_rc_file() -> None:
    done = CliRunner().invoke(main, [], prog_name="ses-reconciler",
                              env={"_SES_RECONCILER_COMPLETE": "bash_source"})
    assert done.exit_code == 0
    assert "_ses_reconciler_completion()" in done.stdout

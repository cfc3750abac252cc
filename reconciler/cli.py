"""Command line: the only module that prints or picks exit codes.

Each command is thin: parse options, call one library function, render, map errors to exit codes.
"""

from __future__ import annotations

import sys

import click

from reconciler import __version__
from reconciler.errors import ConfigError, RunError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


def _fail(err: Exception) -> None:
    """Config errors list every diagnostic; run errors are one clear sentence."""
    if isinstance(err, ConfigError):
        for diagnostic in err.diagnostics:
            click.echo(str(diagnostic), err=True)
    else:
        click.echo(f"error: {err}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ses-reconciler")
def main() -> None:
    """Declarative reconciler for Amazon SES v2 tenants."""


@main.group()
def local() -> None:
    """The embedded local SES emulator."""


__all__ = ["EXIT_CHANGES", "EXIT_ERROR", "EXIT_OK", "ConfigError", "RunError", "main"]

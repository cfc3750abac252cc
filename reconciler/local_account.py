"""`--target local`: the embedded emulator, persisted to a JSON file between commands.

On first use the account is seeded with every identity, configuration set and template the
config references, so a new user can plan and apply the example without any AWS account.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reconciler.aws.clients import ClientFactory
from reconciler.emulator import DEFAULT_ACCOUNT, Emulator
from reconciler.errors import RunError
from reconciler.state import Desired, ResourceRef

INSTALL_LOCAL = "pip install 'ses-reconciler[local]' (or `make install` in a checkout)"


def require_emulator(purpose: str = "--target local") -> None:
    """moto is an optional extra: without it, say what to install instead of a traceback."""
    try:
        import moto.core  # noqa: F401
        import werkzeug  # noqa: F401
    except ModuleNotFoundError as err:
        raise RunError(f"{purpose} runs the embedded SES emulator, which is not installed "
                       f"(no module named {err.name!r}); install it with {INSTALL_LOCAL}"
                       ) from err


@contextmanager
def open_local_account(desired: Desired, state_file: Path,
                       region: str) -> Iterator[ClientFactory]:
    require_emulator()
    # The emulated account has no profiles; moto's own boto3 sessions fail on a named one.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    first_use = not state_file.exists()
    state_file.parent.mkdir(parents=True, exist_ok=True)
    account = desired.settings.account_id or DEFAULT_ACCOUNT
    emulator = Emulator(account, region, state_file=state_file)
    emulator.start()
    try:
        factory = ClientFactory.for_emulator(region)
        if first_use:
            seed_referenced_resources(factory, desired)
        yield factory
    finally:
        emulator.stop()


def seed_referenced_resources(factory: ClientFactory, desired: Desired) -> None:
    """Create what the config references, as an operator would before onboarding tenants.

    An ARN of this account and Region is seeded by its name; one elsewhere is not (the run
    refuses it)."""
    ctx = factory.arn_context()
    refs = {ctx.localize(ref) for tenant in desired.tenants.values() for ref in tenant.resources}
    create_resources(factory.client("sesv2"),
                     sorted(r for r in refs if not r.name.startswith("arn:")))


def create_resources(ses: Any, refs: Iterable[ResourceRef]) -> None:
    """Create each identity, configuration set and template through the SES v2 API (also the
    test suites' seeder, tests/support/seeder.py)."""
    for ref in refs:
        if ref.kind == "identity":
            ses.create_email_identity(EmailIdentity=ref.name)
        elif ref.kind == "configuration-set":
            ses.create_configuration_set(ConfigurationSetName=ref.name)
        else:
            ses.create_email_template(
                TemplateName=ref.name,
                TemplateContent={"Subject": f"{ref.name}", "Text": f"{ref.name} {{{{name}}}}"})

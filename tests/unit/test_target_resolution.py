"""Which account a command runs against, from `--target`, the endpoint options and the config."""

from __future__ import annotations

import pytest

from reconciler.engine import TargetOptions, resolve_target
from reconciler.errors import OptionConflictError

URL = "http://127.0.0.1:4566"


@pytest.mark.parametrize(("options", "configured", "target"), [
    (TargetOptions(), "aws", "aws"),
    (TargetOptions(), "local", "local"),
    (TargetOptions(target="aws"), "local", "aws"),
    (TargetOptions(target="local"), "aws", "local"),
    (TargetOptions(endpoint_url=URL), "local", "aws"),
    (TargetOptions(endpoint_url=URL, from_environment=frozenset({"endpoint_url"})), "local",
     "aws"),
    (TargetOptions(target="local", endpoint_url=URL,
                   from_environment=frozenset({"endpoint_url"})), "aws", "local"),
    (TargetOptions(endpoint_url=URL, profile="p", max_rate=1.0), "local", "aws"),
    (TargetOptions(target="aws", profile="p"), "local", "aws"),
    (TargetOptions(profile="p", max_rate=0.0), "aws", "aws"),
])
def test_the_target_follows_the_options_then_the_config(
        options: TargetOptions, configured: str, target: str) -> None:
    assert resolve_target(options, configured) == target


@pytest.mark.parametrize("options", [
    TargetOptions(target="local", endpoint_url=URL),
    TargetOptions(target="local", profile="p"),
    TargetOptions(target="local", max_rate=0.0),
])
def test_an_aws_only_option_with_target_local_is_refused(options: TargetOptions) -> None:
    with pytest.raises(OptionConflictError, match="only to AWS, not to --target local"):
        resolve_target(options, "aws")


@pytest.mark.parametrize("options", [TargetOptions(profile="p"), TargetOptions(max_rate=2.0)])
def test_profile_or_max_rate_with_the_configs_target_local_is_refused(
        options: TargetOptions) -> None:
    with pytest.raises(OptionConflictError, match=r"the config's settings\.target is local"):
        resolve_target(options, "local")

"""The account shapes the refresh and scale benchmarks generate (not timed here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.shapes import ASSOCIATIONS, SHAPES, generate, referenced
from reconciler.config.load import load_desired


@pytest.mark.parametrize("shape", SHAPES)
def test_every_tenant_of_a_shape_has_its_k_associations(shape: str, tmp_path: Path) -> None:
    desired = load_desired(generate(tmp_path, 50, shape))
    assert {len(t.resources) for t in desired.tenants.values()} == {ASSOCIATIONS[shape]}
    assert {r for t in desired.tenants.values() for r in t.resources} == set(
        referenced(50, shape))


def test_the_shared_shape_uses_at_most_50_resources_whatever_n() -> None:
    assert len(referenced(1000, "shared")) == len(referenced(100, "shared")) <= 50

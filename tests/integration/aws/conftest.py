"""Fixtures for the gateway tests: a factory on the emulator and a seeder."""

from __future__ import annotations

import pytest

from reconciler.aws.clients import ClientFactory
from reconciler.emulator import Emulator
from tests.integration.aws.accounts import Seeder
from tests.integration.aws.iam_accounts import IamSeeder


@pytest.fixture
def factory(emulator: Emulator) -> ClientFactory:
    return ClientFactory.for_emulator(emulator.region)


@pytest.fixture
def seed(emulator: Emulator) -> Seeder:
    return Seeder(emulator)


@pytest.fixture
def iam_seed(emulator: Emulator) -> IamSeeder:
    return IamSeeder()

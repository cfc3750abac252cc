"""The JSON snapshot of the emulated account: exact round trip, atomic writes, safe loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.persistence import PersistenceError
from tests.integration.emulator_infra.account import REGION, populate, read_back


def _client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def test_state_file_round_trip_reads_back_identical(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        populate(_client)
        before = read_back(_client)

    with Emulator(state_file=state):
        after = read_back(_client)

    assert after == before
    assert before["CustomerA"]["reputation"]["ReputationEntity"]["ReputationManagementPolicy"] \
        .endswith("/strict")
    assert len(before["CustomerA"]["resources"]) == 2
    assert [d["EmailAddress"] for d in
            before["CustomerA"]["suppressed"]["SuppressedDestinationSummaries"]] \
        == ["gone@customer-a.test"]
    assert [d["EmailAddress"] for d in
            before["account_suppressed"]["SuppressedDestinationSummaries"]] \
        == ["gone@everyone.test"]
    assert [t["TemplateName"] for t in before["templates"]] == ["legacy", "welcome"]


def test_save_writes_human_readable_json_naming_the_tenants(
        emulator: Emulator, tmp_path: Path) -> None:
    _client("sesv2").create_tenant(TenantName="Readable")

    path = emulator.save(tmp_path / "nested" / "account.json")

    text = path.read_text()
    assert text.count("\n") > 10
    stores = json.loads(text)["tenant_stores"]
    assert [t["name"] for t in stores["123456789012"][REGION]["tenants"]] == ["Readable"]


def test_save_replaces_the_file_without_leaving_temporary_files(
        emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "account.json"
    path.write_text("old contents")

    emulator.save(path)

    assert json.loads(path.read_text())["format"] == "ses-reconciler-local-account"
    assert [p.name for p in tmp_path.iterdir()] == ["account.json"]


def test_a_fresh_emulator_without_the_file_starts_empty_and_creates_it(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        assert _client("sesv2").list_tenants()["Tenants"] == []

    assert state.exists()


def test_loading_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    state.write_text(json.dumps({"format": "something-else", "version": 1}))

    with pytest.raises(PersistenceError, match="supported version"), Emulator(state_file=state):
        pass


def test_loading_refuses_classes_outside_moto_and_the_emulator(
        emulator: Emulator, tmp_path: Path) -> None:
    path = emulator.save(tmp_path / "account.json")
    data = json.loads(path.read_text())
    data["backends"]["logs"] = {"123456789012": {REGION: {"groups": {
        "$object": "subprocess:Popen", "$id": 999, "state": {}}}}}
    path.write_text(json.dumps(data))

    with pytest.raises(PersistenceError, match="refusing"):
        emulator.load(path)


def test_v2_templates_of_an_older_state_file_move_to_the_shared_store(
        emulator: Emulator, tmp_path: Path) -> None:
    _client("sesv2").create_tenant(TenantName="Existing")
    path = emulator.save(tmp_path / "account.json")
    data = json.loads(path.read_text())
    data["tenant_stores"]["123456789012"][REGION]["templates"] = [{
        "name": "welcome", "subject": "Hi", "text": None, "html": "<p>h</p>",
        "created": 1_700_000_000.0, "tags": [{"Key": "k", "Value": "v"}]}]
    path.write_text(json.dumps(data))

    emulator.load(path)

    got = _client("sesv2").get_email_template(TemplateName="welcome")
    assert got["TemplateContent"] == {"Subject": "Hi", "Html": "<p>h</p>"}
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    assert _client("ses").get_template(TemplateName="welcome")["Template"]["SubjectPart"] == "Hi"

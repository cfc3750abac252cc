"""Gates: one chosen request held inside the emulator, so a test can kill its client there."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from reconciler.emulator import Emulator
from reconciler.emulator.gates import GateSpec
from reconciler.emulator.server import EmulatorServer
from tests.integration.emulator_infra.conftest import ControlRefused
from tests.integration.emulator_infra.endpoint import Endpoint


@pytest.fixture
def served(emulator_server: EmulatorServer) -> Endpoint:
    """The control surface over HTTP; an in-process server is enough (and starts faster)."""
    return Endpoint(emulator_server.url)

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


class Background:
    """Runs one client call on a thread (a held call blocks) and keeps its answer."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.answer: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self.answer = call()
        except BaseException as err:  # the test inspects whatever happened
            self.error = err

    def result(self, timeout: float = 10.0) -> Background:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the call is still held"
        return self


def _names(client: Any) -> list[str]:
    return sorted(t["TenantName"] for t in client.list_tenants()["Tenants"])


def _code(error: BaseException | None) -> str:
    assert isinstance(error, ClientError), error
    return str(error.response["Error"]["Code"])


def test_gate_holds_the_nth_request_unapplied_and_refuses_it_on_release(
        emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    gate = emulator.faults.hold("CreateTenant", nth=2)
    client.create_tenant(TenantName="first")

    call = Background(lambda: client.create_tenant(TenantName="second"))
    assert gate.wait_holding(10)
    held_view = _names(client)
    gate.release()

    assert held_view == ["first"]
    assert _code(call.result().error) == "ServiceUnavailable"
    assert call.error.response["ResponseMetadata"]["HTTPStatusCode"] == 503  # type: ignore[union-attr]
    assert _names(client) == ["first"]
    assert gate.to_dict()["state"] == "released"


def test_gate_after_phase_applies_the_write_and_holds_its_answer(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    gate = emulator.faults.hold("CreateTenant", phase="after")

    call = Background(lambda: client.create_tenant(TenantName="applied"))
    assert gate.wait_holding(10)
    held_view = _names(client)
    finished_early = call.answer is not None or call.error is not None
    gate.release()

    assert held_view == ["applied"]
    assert not finished_early
    assert call.result().error is None
    assert call.answer["TenantName"] == "applied"


def test_gate_for_one_resource_lets_the_others_through(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    victim = client.create_tenant(TenantName="victim")["TenantArn"]
    bystander = client.create_tenant(TenantName="bystander")["TenantArn"]
    gate = emulator.faults.hold("TagResource", resource="victim")
    tag = [{"Key": "k", "Value": "v"}]

    client.tag_resource(ResourceArn=bystander, Tags=tag)
    call = Background(lambda: client.tag_resource(ResourceArn=victim, Tags=tag))
    assert gate.wait_holding(10)
    gate.release()

    assert _code(call.result().error) == "ServiceUnavailable"
    assert gate.to_dict()["seen"] == 1
    assert "victim" in gate.to_dict()["held_resources"]
    tags = {n: client.get_tenant(TenantName=n)["Tenant"].get("Tags", [])
            for n in ("victim", "bystander")}
    assert tags == {"victim": [], "bystander": tag}


def test_gate_answers_with_the_chosen_error_code(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    gate = emulator.faults.hold("ListTenants", error_code="InternalFailure")

    call = Background(client.list_tenants)
    assert gate.wait_holding(10)
    gate.release()

    assert _code(call.result().error) == "InternalFailure"
    assert call.error.response["ResponseMetadata"]["HTTPStatusCode"] == 500  # type: ignore[union-attr]


def test_gate_holds_one_request_only(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    gate = emulator.faults.hold("CreateTenant")
    call = Background(lambda: client.create_tenant(TenantName="held"))
    assert gate.wait_holding(10)
    gate.release()
    call.result()

    client.create_tenant(TenantName="after-the-gate")

    assert _names(client) == ["after-the-gate"]
    assert gate.to_dict()["seen"] == 1


def test_freezing_gate_holds_every_later_request_unapplied(emulator: Emulator) -> None:
    """The client stops at that instant: calls made after the held one never land either."""
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    gate = emulator.faults.hold("CreateTenant", phase="after", freeze=True)
    held = Background(lambda: client.create_tenant(TenantName="landed"))
    assert gate.wait_holding(10)

    later = Background(lambda: client.create_tenant(TenantName="frozen"))
    deadline = time.monotonic() + 10
    while gate.to_dict()["frozen"] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    gate.release()

    assert held.result().error is None
    assert _code(later.result().error) == "ServiceUnavailable"
    assert _names(client) == ["landed"]
    assert gate.to_dict()["frozen"] == 1


def test_forgotten_gate_lets_its_request_go_after_max_hold(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.hold("CreateTenant", max_hold=0.2)

    started = time.monotonic()
    with pytest.raises(ClientError, match="ServiceUnavailable"):
        client.create_tenant(TenantName="never")

    assert 0.2 <= time.monotonic() - started < 5
    assert _names(client) == []


def test_clearing_the_faults_releases_a_held_request(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    gate = emulator.faults.hold("CreateTenant")
    call = Background(lambda: client.create_tenant(TenantName="held"))
    assert gate.wait_holding(10)

    emulator.faults.clear()

    assert _code(call.result().error) == "ServiceUnavailable"
    assert emulator.faults.gates == []


@pytest.mark.parametrize(("spec", "message"), [
    ({"nth": 0}, "nth must be at least 1"),
    ({"phase": "during"}, "phase must be one of before, after"),
    ({"max_hold": 0}, "max_hold must be positive"),
])
def test_gate_spec_refuses_impossible_values(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GateSpec("CreateTenant", **spec)


def test_served_gate_is_armed_waited_for_and_released_over_http(served: Endpoint) -> None:
    client = served.client("sesv2", retries={"mode": "standard", "total_max_attempts": 1})
    armed = served.control("POST", "gates", {"operation": "CreateTenant", "resource": "late"})
    client.create_tenant(TenantName="early")

    call = Background(lambda: client.create_tenant(TenantName="late"))
    holding = served.control("GET", f"gates/{armed['id']}?wait=10")
    listed = served.control("GET", "gates")
    released = served.control("POST", f"gates/{armed['id']}/release")

    assert armed["state"] == "armed"
    assert holding["state"] == "holding"
    assert [g["id"] for g in listed] == [armed["id"]]
    assert released["id"] == armed["id"]
    assert _code(call.result().error) == "ServiceUnavailable"
    assert _names(client) == ["early"]


def test_served_gate_request_abandoned_by_its_client_is_never_applied(
        served: Endpoint) -> None:
    """The client gives up (as a killed process would) while its write is held."""
    impatient = served.client("sesv2", read_timeout=1,
                              retries={"mode": "standard", "total_max_attempts": 1})
    armed = served.control("POST", "gates", {"operation": "CreateTenant"})

    with pytest.raises(ReadTimeoutError):
        impatient.create_tenant(TenantName="orphan")
    served.control("POST", f"gates/{armed['id']}/release")

    assert _names(served.client("sesv2")) == []


def test_served_gates_are_cleared_by_delete(served: Endpoint) -> None:
    served.control("POST", "gates", {"operation": "CreateTenant"})

    served.control("DELETE", "gates")
    served.client("sesv2").create_tenant(TenantName="free")

    assert served.control("GET", "gates") == []
    assert _names(served.client("sesv2")) == ["free"]


def test_served_gate_with_a_bad_field_is_a_400_naming_it(served: Endpoint) -> None:
    with pytest.raises(ControlRefused) as refused:
        served.control("POST", "gates", {"operation": "CreateTenant", "nth": 0})

    assert refused.value.status == 400
    assert "nth must be at least 1" in refused.value.body["message"]


def test_served_unknown_gate_is_a_404(served: Endpoint) -> None:
    with pytest.raises(ControlRefused) as refused:
        served.control("POST", "gates/7/release")

    assert refused.value.status == 404
    assert "gate 7" in refused.value.body["message"]

"""The one point every emulated request passes through: moto's ``BaseResponse.call_action``.

Both in-process (``mock_aws`` feeding botocore requests to the service handlers) and server mode
(the werkzeug/flask app) dispatch a request by building a ``BaseResponse`` and calling
``call_action``; at that point the service, the operation name (for every protocol), the account
and the request body are known and nothing has touched a backend yet. Wrapping it once gives
fault injection and accounting the same view in both modes, for SES v2 and every other service.

The wrapper consults whatever ``activate`` installed last; with nothing active it is a
pass-through, so installing it is harmless and idempotent.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

from reconciler.emulator import cloudtrail
from reconciler.emulator.accounting import CallCounters, JournalEntry, Outcome
from reconciler.emulator.faults import (
    ERROR_STATUS,
    MESSAGES,
    QUERY_SERVICES,
    Call,
    Decision,
    FaultInjector,
)
from reconciler.emulator.faults import request_resources as _resources_of

_MARK = "_ses_reconciler_intercepted"
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_install_lock = threading.Lock()
_active: tuple[FaultInjector, CallCounters] | None = None


def activate(injector: FaultInjector, counters: CallCounters) -> None:
    """Route every following request through this injector and these counters."""
    global _active
    install()
    _active = (injector, counters)


def deactivate(injector: FaultInjector | None = None) -> None:
    """Stop injecting and counting (only if ``injector`` is the active one, when given)."""
    global _active
    if injector is None or (_active is not None and _active[0] is injector):
        _active = None


def install() -> None:
    """Wrap ``BaseResponse.call_action`` once per process."""
    from moto.core.responses import BaseResponse

    with _install_lock:
        if getattr(BaseResponse.call_action, _MARK, False):
            return
        original = BaseResponse.call_action

        def call_action(self: BaseResponse) -> Any:
            return _intercept(self, original)

        setattr(call_action, _MARK, True)
        BaseResponse.call_action = call_action  # type: ignore[method-assign]


def _intercept(response: Any, original: Any) -> Any:
    active = _active
    if active is None:
        return original(response)
    injector, counters = active
    service = str(response.service_name or "")
    operation = str(response._get_action() or "")
    resources = _resources(response) if injector.has_targets else frozenset()
    decision = injector.decide(Call(service, operation, resources))
    if decision.gate is not None:
        return _held(response, original, decision, counters)
    if decision.delay:
        time.sleep(decision.delay)
    outcome: Outcome = ("accepted" if decision.action == "pass" else
                        "throttled" if decision.action == "throttle" else "failed")
    counters.record(service, operation, outcome)
    if counters.journaling:
        counters.log(JournalEntry(service, operation, outcome, _params(response)))
    if outcome == "accepted":
        return _recorded(response, original(response))
    return error_response(response, decision)


def _recorded(response: Any, result: Any) -> Any:
    """Hand an answered write to the CloudTrail event history, then return its answer."""
    service = str(response.service_name or "")
    if service not in cloudtrail.EVENT_SOURCES or not isinstance(result, tuple):
        return result
    operation = str(response._get_action() or "")
    if cloudtrail.is_read(operation) or operation in cloudtrail.UNRECORDED:
        return result
    status, headers, body = result
    cloudtrail.record(service=service, operation=operation,
                      account=str(response.current_account), region=str(response.region),
                      headers=response.headers or {},
                      params=request_parameters(response, service, operation),
                      status=int(status), response_headers=headers or {}, body=body)
    return result


def request_parameters(response: Any, service: str, operation: str) -> dict[str, object]:
    """The request's parameters by their model names: JSON body, query string, URI labels."""
    params: dict[str, object] = {}
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.startswith("{"):
        with contextlib.suppress(ValueError):
            decoded = json.loads(body)
            if isinstance(decoded, dict):
                params.update(decoded)
    lists = _list_parameters(service, operation)
    for key, values in (response.querystring or {}).items():
        if key in ("Action", "Version") or not _PARAM_NAME.match(key):
            continue
        items = values if isinstance(values, list) else [values]
        params.setdefault(key, items if key in lists or len(items) > 1 else items[0])
    params.update(_uri_labels(service, operation, str(response.path or "")))
    return params


def _uri_labels(service: str, operation: str, path: str) -> dict[str, str]:
    template = _request_uri(service, operation)
    if not template or "{" not in template:
        return {}
    labels: dict[str, str] = {}
    parts = [unquote(p) for p in path.split("?", 1)[0].split("/")]
    pattern = template.split("?", 1)[0].split("/")
    for index, segment in enumerate(pattern):
        if index >= len(parts) or not segment.startswith("{"):
            continue
        name = segment.strip("{}")
        if name.endswith("+"):
            labels[name[:-1]] = "/".join(parts[index:])
            break
        labels[name] = parts[index]
    return labels


@functools.lru_cache(maxsize=512)
def _list_parameters(service: str, operation: str) -> frozenset[str]:
    """Query-string names of the operation's list members (REST protocols)."""
    with contextlib.suppress(Exception):
        shape = _service_model(service).operation_model(operation).input_shape
        return frozenset(member.serialization.get("name", name)
                         for name, member in shape.members.items()
                         if member.type_name == "list"
                         and member.serialization.get("location") == "querystring")
    return frozenset()


@functools.lru_cache(maxsize=512)
def _request_uri(service: str, operation: str) -> str:
    with contextlib.suppress(Exception):
        model = _service_model(service)
        return str(model.operation_model(operation).http.get("requestUri", ""))
    return ""


@functools.lru_cache(maxsize=16)
def _service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def _held(response: Any, original: Any, decision: Decision, counters: CallCounters) -> Any:
    """Hold the request at its gate: unapplied and then refused, or applied and then answered."""
    gate = decision.gate
    assert gate is not None
    service, operation = str(response.service_name or ""), str(response._get_action() or "")

    def record(outcome: Outcome) -> None:
        counters.record(service, operation, outcome)
        if counters.journaling:
            counters.log(JournalEntry(service, operation, outcome, _params(response)))

    if decision.apply_then_hold:
        try:
            return _recorded(response, original(response))
        finally:
            record("accepted")
            gate.hold()
    record("failed")
    gate.hold()
    code = gate.spec.error_code
    return error_response(response, Decision("fail", 0.0, code, ERROR_STATUS.get(code, 500)))


def _params(response: Any) -> MappingProxyType[str, object]:
    params: dict[str, object] = {}
    body = response.body
    if isinstance(body, str) and body.startswith("{"):
        with contextlib.suppress(ValueError):
            decoded = json.loads(body)
            if isinstance(decoded, dict):
                params.update(decoded)
    params["_path"] = [unquote(part) for part in str(response.path or "").split("/") if part]
    return MappingProxyType(params)


def _resources(response: Any) -> frozenset[str]:
    values: list[str] = [unquote(part) for part in str(response.path or "").split("/") if part]
    for items in (response.querystring or {}).values():
        values.extend(str(item) for item in (items if isinstance(items, list) else [items]))
    body = response.body
    if isinstance(body, str) and body.startswith("{"):
        with contextlib.suppress(ValueError):
            _strings(json.loads(body), values)
    return _resources_of(values)


def _strings(node: Any, into: list[str]) -> None:
    if isinstance(node, str):
        into.append(node)
    elif isinstance(node, dict):
        for value in node.values():
            _strings(value, into)
    elif isinstance(node, list):
        for value in node:
            _strings(value, into)


def error_response(response: Any, decision: Decision) -> tuple[int, dict[str, str], str]:
    """An error in the wire format the calling client parses for this service."""
    code = decision.error_code
    message = MESSAGES.get(code, code)
    request_id = "00000000-0000-0000-0000-000000000000"
    # CloudWatch speaks JSON (X-Amz-Target) to current clients and query to older ones
    if response.service_name in QUERY_SERVICES and not response.headers.get("X-Amz-Target"):
        kind = "Receiver" if decision.status >= 500 else "Sender"
        body = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
                f"<Message>{escape(message)}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
        return decision.status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body
    headers = {"x-amzn-ErrorType": code, "Content-Type": "application/json",
               "x-amzn-RequestId": request_id}
    payload: dict[str, str] = {"message": message}
    if response.headers.get("X-Amz-Target"):
        payload = {"__type": code, "message": message}
    return decision.status, headers, json.dumps(payload)

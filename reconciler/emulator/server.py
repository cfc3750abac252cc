"""`local serve`: the emulated account as an HTTP endpoint any AWS client can use.

The AWS CLI, other SDKs and a separately running reconciler reach the same account through
``--endpoint-url``. The account survives restarts: ``state_file`` is loaded at start, saved when
dirty (every ``save_interval`` seconds and on stop), atomically.

Everything outside the AWS APIs lives under the reserved prefix ``/_ses_reconciler/`` (JSON in,
JSON out; ``account`` and ``region`` query parameters default to the server's):

- ``GET health`` · ``POST save``
- ``GET counters`` · ``POST counters/reset``
- ``GET faults`` · ``PUT faults`` (a ``FaultConfig`` as JSON) · ``DELETE faults`` (clear all)
  · ``POST faults/targets`` (``operation``, ``resource``, ``times``, ``error_code``, ``rate``, ...)
- ``POST gates`` (``operation``, ``resource``, ``nth``, ``phase``, ``error_code``, ...; see
  ``gates.py``) · ``GET gates`` · ``DELETE gates`` (release and forget all)
  · ``GET gates/<id>`` (``?wait=SECONDS`` waits until it holds its request)
  · ``POST gates/<id>/release``
- ``GET options`` · ``PUT options`` (fields to change)
- ``POST control/<name>`` (JSON object = keyword arguments): calls the tenant extension's control
  function ``<name>`` (dashes read as underscores), e.g. ``control/pause``,
  ``control/clear-findings``; the result is returned as JSON.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from werkzeug.exceptions import HTTPException

from reconciler.emulator import interception, persistence
from reconciler.emulator.accounting import CallCounters
from reconciler.emulator.faults import FaultConfig, FaultInjector
from reconciler.emulator.gates import Gate
from reconciler.emulator.handle import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    BoundControl,
    install_extension,
)

PREFIX = "/_ses_reconciler/"
MAX_WAIT = 60.0  # seconds a control request may wait for a gate
LOG = logging.getLogger(__name__)
Handler = Callable[["EmulatorServer", dict[str, Any], dict[str, str]], Any]


class ControlError(Exception):
    """A bad request to the control surface; answered as 400 with its message."""


class EmulatorServer:
    """A threaded HTTP server around moto's app, with faults, counters and a state file."""

    def __init__(self, host: str = "127.0.0.1", port: int = 4566, *,
                 state_file: str | os.PathLike[str] | None = None,
                 account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION,
                 save_interval: float = 2.0) -> None:
        self.host, self.port = host, port
        self.state_file = Path(state_file) if state_file is not None else None
        self.account_id, self.region = account_id, region
        self.save_interval = save_interval
        self.faults = FaultInjector()
        self.counters = CallCounters()
        self._server: Any = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._save_lock = threading.Lock()
        self._control_generation = 0
        self._saved_generation = (0, 0)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorServer:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        os.environ["MOTO_ACCOUNT_ID"] = self.account_id
        install_extension()
        if self.state_file is not None and self.state_file.exists():
            persistence.load(self.state_file)
        interception.activate(self.faults, self.counters)
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(self.host, self.port, self._wsgi(app), threaded=True,
                                   request_handler=MotoRequestHandler)
        self.port = self._server.server_address[1]
        self._spawn(self._server.serve_forever)
        if self.state_file is not None:
            self._spawn(self._autosave)
        return self

    def stop(self) -> None:
        """Stop serving and write the state file if anything changed since the last save."""
        self._stopping.set()
        self.faults.clear_gates()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        interception.deactivate(self.faults)
        self.save_if_dirty()

    def save_if_dirty(self) -> bool:
        if self.state_file is None:
            return False
        with self._save_lock:
            generation = (self.counters.write_generation, self._control_generation)
            if generation == self._saved_generation:
                return False
            for attempt in range(3):
                try:
                    persistence.save(self.state_file)
                    break
                except RuntimeError:  # a request changed a moto dict mid-snapshot; take another
                    if attempt == 2:
                        raise
            self._saved_generation = generation
            return True

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _autosave(self) -> None:
        while not self._stopping.wait(self.save_interval):
            try:
                self.save_if_dirty()
            except Exception:  # keep serving; the next tick or the final save retries
                LOG.exception("saving %s failed", self.state_file)

    def _wsgi(self, app: Any) -> Callable[..., Iterable[bytes]]:
        def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            path = environ.get("PATH_INFO", "")
            if path.startswith(PREFIX):
                return self._control(environ, start_response, path[len(PREFIX):])
            return app(environ, start_response)

        return wsgi

    def _control(self, environ: dict[str, Any], start_response: Callable[..., Any],
                 route: str) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            body = _read_json(environ)
            handler = _route(method, route)
            result = handler(self, body, query)
            status = "200 OK"
        except ControlError as err:
            result, status = {"message": str(err)}, "400 Bad Request"
        except HTTPException as err:
            result = {"message": _error_message(err), "type": getattr(err, "error_type", None)}
            status = f"{err.code} {err.name}"
        except LookupError as err:
            result, status = {"message": f"not found: {err}"}, "404 Not Found"
        payload = json.dumps(_jsonable(result)).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(payload)))])
        return [payload]

    def mark_dirty(self) -> None:
        """Control calls change state without an AWS write; they must trigger a save too."""
        with self._save_lock:
            self._control_generation += 1


def serve(host: str, port: int, state_file: str | os.PathLike[str] | None,
          on_ready: Callable[[EmulatorServer], None]) -> None:
    """Run until SIGINT or SIGTERM, then save (if dirty) and return.

    The state file stays locked while serving, as a `--target local` command locks it: a
    command on the same file would load a stale account and overwrite the server's saves.
    """
    if state_file is None:
        _serve(host, port, None, on_ready)
        return
    from reconciler.local_lock import state_file_lock

    with state_file_lock(Path(state_file)):
        _serve(host, port, state_file, on_ready)


def _serve(host: str, port: int, state_file: str | os.PathLike[str] | None,
           on_ready: Callable[[EmulatorServer], None]) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    server = EmulatorServer(host, port, state_file=state_file).start()
    try:
        on_ready(server)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _error_message(err: HTTPException) -> str:
    try:
        return str(json.loads(err.description or "{}").get("message", err.description))
    except ValueError:
        return str(err.description)


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as err:
        raise ControlError(f"body is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise ControlError("body must be a JSON object")
    return data


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _route(method: str, route: str) -> Handler:
    route = route.strip("/")
    if method == "POST" and route.startswith("control/"):
        return lambda server, body, query: _call_control(server, route[8:], body, query)
    if route.startswith("gates/"):
        return _gate_route(method, route[6:])
    handler = ROUTES.get((method, route))
    if handler is None:
        raise LookupError(f"{method} {PREFIX}{route}")
    return handler


def _call_control(server: EmulatorServer, name: str, body: dict[str, Any],
                  query: dict[str, str]) -> Any:
    control = BoundControl(query.get("account", server.account_id),
                           query.get("region", server.region))
    try:
        function = getattr(control, name.replace("-", "_"))
    except AttributeError as err:
        raise LookupError(f"control function {name}") from err
    try:
        result = function(**body)
    except (TypeError, ValueError, KeyError) as err:
        raise ControlError(str(err)) from err
    server.mark_dirty()
    return {"result": result}


def _options(server: EmulatorServer, query: dict[str, str]) -> Any:
    control = BoundControl(query.get("account", server.account_id),
                           query.get("region", server.region))
    return control.options()


def _set_options(server: EmulatorServer, body: dict[str, Any], query: dict[str, str]) -> Any:
    control = BoundControl(query.get("account", server.account_id),
                           query.get("region", server.region))
    try:
        result = control.set_options(**body)
    except (TypeError, ValueError) as err:
        raise ControlError(str(err)) from err
    server.mark_dirty()
    return result


def _set_faults(server: EmulatorServer, body: dict[str, Any], _: dict[str, str]) -> Any:
    try:
        server.faults.configure(FaultConfig.from_dict(body))
    except (TypeError, ValueError) as err:
        raise ControlError(str(err)) from err
    return server.faults.to_dict()


def _add_target(server: EmulatorServer, body: dict[str, Any], _: dict[str, str]) -> Any:
    try:
        server.faults.fail(**body)
    except (TypeError, ValueError) as err:
        raise ControlError(str(err)) from err
    return server.faults.to_dict()


def _add_gate(server: EmulatorServer, body: dict[str, Any], _: dict[str, str]) -> Any:
    try:
        return server.faults.hold(**body).to_dict()
    except (TypeError, ValueError) as err:
        raise ControlError(str(err)) from err


def _gate_route(method: str, rest: str) -> Handler:
    """``gates/<id>`` (GET, optionally waiting) and ``gates/<id>/release`` (POST)."""
    gate_id, _, action = rest.partition("/")

    def find(server: EmulatorServer) -> Gate:
        if not gate_id.isdigit():
            raise ControlError(f"gate id must be a number, not {gate_id!r}")
        return server.faults.gate(int(gate_id))

    if method == "GET" and not action:
        def show(server: EmulatorServer, _: dict[str, Any], query: dict[str, str]) -> Any:
            gate = find(server)
            gate.wait_holding(min(_seconds(query.get("wait", "0")), MAX_WAIT))
            return gate.to_dict()
        return show
    if method == "POST" and action == "release":
        def release(server: EmulatorServer, _: dict[str, Any], __: dict[str, str]) -> Any:
            gate = find(server)
            gate.release()
            return gate.to_dict()
        return release
    raise LookupError(f"{method} {PREFIX}gates/{rest}")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as err:
        raise ControlError(f"wait must be a number of seconds, not {text!r}") from err
    if value < 0:
        raise ControlError(f"wait must not be negative, not {text!r}")
    return value


def _save(server: EmulatorServer, _: dict[str, Any], __: dict[str, str]) -> Any:
    if server.state_file is None:
        raise ControlError("the server was started without a state file")
    server.mark_dirty()
    return {"saved": server.save_if_dirty(), "path": str(server.state_file)}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "health"): lambda server, body, query: {"status": "ok", "account": server.account_id,
                                                    "region": server.region},
    ("POST", "save"): _save,
    ("GET", "counters"): lambda server, body, query: server.counters.snapshot(),
    ("POST", "counters/reset"): lambda server, body, query: server.counters.reset() or {},
    ("GET", "faults"): lambda server, body, query: server.faults.to_dict(),
    ("PUT", "faults"): _set_faults,
    ("DELETE", "faults"): lambda server, body, query: server.faults.clear() or {},
    ("POST", "faults/targets"): _add_target,
    ("POST", "gates"): _add_gate,
    ("GET", "gates"): lambda server, body, query: [g.to_dict() for g in server.faults.gates],
    ("DELETE", "gates"): lambda server, body, query: server.faults.clear_gates() or {},
    ("GET", "options"): lambda server, body, query: _options(server, query),
    ("PUT", "options"): _set_options,
}

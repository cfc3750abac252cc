"""A human-readable JSON snapshot of the emulated account, and its exact restore.

`--target local` keeps an account between runs, so everything the reconciler touches must survive
a save and a load unchanged: SES identities, configuration sets and templates, the tenant
extension's store (tenants, associations, tags, suppression, reputation), IAM managed policies
(with their versions), roles and attachments, EventBridge buses, rules and targets,
CloudWatch Logs groups and resource policies, SNS topics and subscriptions, and the CloudTrail
event history of the writes.

moto's model objects are saved field by field (their ``__dict__``), so ids, ARNs and timestamps
come back identical. Objects shared between collections (a managed policy attached to a role) are
written once and referenced by ``{"$ref": n}``, so the restore shares them again. AWS-managed IAM
policies are never written; references to them resolve against the fresh backend. Only classes
from moto and this package may be instantiated on load.

Writes are atomic: a temporary file in the same directory, flushed, then renamed over the target.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.errors import RunError

FORMAT = "ses-reconciler-local-account"
VERSION = 1

# moto service -> attributes of its backend that hold account state worth keeping.
BACKEND_FIELDS: dict[str, tuple[str, ...]] = {
    "ses": ("email_identities", "config_sets", "templates", "dkim_tokens",
            "identity_mail_from_domains", "config_set_event_destination", "event_destinations",
            "dedicated_ip_pools", "contacts_lists", "tagger"),
    "iam": ("managed_policies", "roles", "users", "groups", "instance_profiles",
            "inline_policies", "tagger"),
    "events": ("event_buses", "archives", "connections", "destinations", "tagger"),
    "logs": ("groups", "resource_policies", "tagger"),
    "sns": ("topics", "subscriptions"),
}
_ALLOWED_MODULES = ("moto.", "reconciler.")


class PersistenceError(RunError):
    """The state file cannot be written or read back."""


def snapshot() -> dict[str, Any]:
    """The whole emulated state as JSON-ready data (every account and Region moto holds)."""
    encoder = _Encoder()
    backends: dict[str, Any] = {}
    for service, fields in BACKEND_FIELDS.items():
        for account, region, backend in _backends(service):
            state = {name: encoder.encode(_saved_value(service, name, getattr(backend, name)))
                     for name in fields if hasattr(backend, name)}
            backends.setdefault(service, {}).setdefault(account, {})[region] = state
    from reconciler.emulator import cloudtrail

    return {"format": FORMAT, "version": VERSION, "backends": backends,
            "tenant_stores": _tenant_hooks().dump(), "event_history": cloudtrail.dump()}


def restore(data: dict[str, Any]) -> None:
    """Put a snapshot back into the (freshly reset) moto backends."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise PersistenceError("not a local account state file of a supported version")
    from moto.backends import get_backend

    decoder = _Decoder(data["backends"])
    for service, accounts in data["backends"].items():
        backend_dict = get_backend(service)
        for account, regions in accounts.items():
            for region, state in regions.items():
                backend = decoder.backend = backend_dict[account][region]
                for name, value in state.items():
                    _restore_value(service, backend, name, decoder.decode(value))
    _tenant_hooks().load(data.get("tenant_stores", {}))
    from reconciler.emulator import cloudtrail

    cloudtrail.load(data.get("event_history", {}))


def save(path: str | os.PathLike[str]) -> Path:
    """Write the snapshot atomically (temporary file + rename); returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(snapshot(), indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load(path: str | os.PathLike[str]) -> None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PersistenceError(f"cannot read local account state {path}: {err}") from err
    restore(data)


def _backends(service: str) -> list[tuple[str, str, Any]]:
    from moto.backends import get_backend

    found = []
    for account, regions in list(get_backend(service).items()):
        for region, backend in list(regions.items()):
            found.append((account, region, backend))
    return sorted(found, key=lambda row: (row[0], row[1]))


def _saved_value(service: str, name: str, value: Any) -> Any:
    if service == "iam" and name == "managed_policies":
        return {arn: policy for arn, policy in value.items() if not _is_aws_managed(policy)}
    return value


def _restore_value(service: str, backend: Any, name: str, value: Any) -> None:
    if service == "iam" and name == "managed_policies":
        backend.managed_policies.update(value)
    else:
        setattr(backend, name, value)


def _is_aws_managed(obj: Any) -> bool:
    return type(obj).__name__ == "AWSManagedPolicy"


def _is_backend(obj: Any) -> bool:
    from moto.core.base_backend import BaseBackend

    return isinstance(obj, BaseBackend)


class _Encoder:
    """Plain JSON for plain data; tagged objects for datetimes, sets, tuples and moto models."""

    def __init__(self) -> None:
        self._ids: dict[int, int] = {}
        self._keep: list[Any] = []

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, list):
            return [self.encode(item) for item in value]
        if isinstance(value, dict):
            return self._encode_dict(value)
        simple = _encode_simple(value, self.encode)
        if simple is not None:
            return simple
        if _is_aws_managed(value):
            return {"$aws_policy": value.arn}
        if _is_backend(value):  # a model's link to its own backend (an SNS topic's)
            return {"$backend": type(value).__qualname__}
        return self._encode_object(value)

    def _encode_dict(self, value: dict[Any, Any]) -> Any:
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: self.encode(v) for k, v in value.items()}
        return {"$items": [[self.encode(k), self.encode(v)] for k, v in value.items()]}

    def _encode_object(self, value: Any) -> Any:
        if id(value) in self._ids:
            return {"$ref": self._ids[id(value)]}
        cls = type(value)
        if not cls.__module__.startswith(_ALLOWED_MODULES) or not hasattr(value, "__dict__"):
            raise PersistenceError(f"cannot save a {cls.__module__}.{cls.__qualname__}")
        self._ids[id(value)] = len(self._ids)
        self._keep.append(value)
        return {"$object": f"{cls.__module__}:{cls.__qualname__}",
                "$id": self._ids[id(value)], "state": self.encode(vars(value))}


def _encode_simple(value: Any, encode: Callable[[Any], Any]) -> dict[str, Any] | None:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item) for item in value]}
    if isinstance(value, set | frozenset):
        items = [encode(item) for item in value]
        return {"$set": sorted(items, key=lambda item: json.dumps(item, sort_keys=True))}
    if isinstance(value, re.Pattern):
        return {"$regex": value.pattern, "flags": value.flags}
    if isinstance(value, bytes):
        return {"$bytes": value.decode("latin-1")}
    return None


class _Decoder:
    """Rebuilds objects on first use, so a reference may precede its definition in the file."""

    def __init__(self, data: Any) -> None:
        self._objects: dict[int, Any] = {}
        self._raw: dict[int, dict[str, Any]] = {}
        self._index(data)
        self.backend: Any = None

    def _index(self, node: Any) -> None:
        if isinstance(node, dict):
            if "$object" in node:
                self._raw[node["$id"]] = node
            for value in node.values():
                self._index(value)
        elif isinstance(node, list):
            for value in node:
                self._index(value)

    def decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.decode(item) for item in value]
        if not isinstance(value, dict):
            return value
        tag = next((k for k in value if k.startswith("$")), None)
        if tag is None:
            return {k: self.decode(v) for k, v in value.items()}
        return self._decode_tagged(tag, value)

    def _decode_tagged(self, tag: str, value: dict[str, Any]) -> Any:
        simple: dict[str, Callable[[Any], Any]] = {
            "$datetime": dt.datetime.fromisoformat,
            "$date": dt.date.fromisoformat,
            "$tuple": lambda items: tuple(self.decode(i) for i in items),
            "$set": lambda items: {self._hashable(self.decode(i)) for i in items},
            "$regex": lambda pattern: re.compile(pattern, value.get("flags", 0)),
            "$bytes": lambda text: text.encode("latin-1"),
            "$items": lambda rows: {self._hashable(self.decode(k)): self.decode(v)
                                    for k, v in rows},
            "$ref": self._object,
            "$aws_policy": lambda arn: self.backend.managed_policies[arn],
            "$backend": lambda _: self.backend,
        }
        if tag in simple:
            return simple[tag](value[tag])
        if tag == "$object":
            return self._object(value["$id"])
        raise PersistenceError(f"unknown tag {tag} in local account state")

    def _object(self, ref: int) -> Any:
        if ref in self._objects:
            return self._objects[ref]
        value = self._raw[ref]
        module_name, _, qualname = value["$object"].partition(":")
        if not module_name.startswith(_ALLOWED_MODULES):
            raise PersistenceError(f"refusing to load a {value['$object']}")
        cls: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        obj = cls.__new__(cls)
        self._objects[value["$id"]] = obj
        obj.__dict__.update(self.decode(value["state"]))
        return obj

    @staticmethod
    def _hashable(value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value


class _TenantHooks:
    """Dump and load of the tenant extension's per-(account, Region) stores."""

    def __init__(self, backend_module: Any) -> None:
        self._module = backend_module

    def dump(self) -> dict[str, Any]:
        if self._module is None:
            return {}
        stores: dict[str, Any] = {}
        for account, region, _ in _backends("sesv2"):
            store = self._module.tenancy_store(account, region)
            stores.setdefault(account, {})[region] = store.to_dict()
        return stores

    def load(self, data: dict[str, Any]) -> None:
        if self._module is None:
            if data:
                raise PersistenceError("the state holds tenants but the tenant APIs are missing")
            return
        from reconciler.emulator.tenancy import TenancyStore

        for account, regions in data.items():
            for region, store in regions.items():
                restored = TenancyStore.from_dict(store)
                self._module.replace_tenancy_store(account, region, restored)


def _tenant_hooks() -> _TenantHooks:
    try:
        module = importlib.import_module("reconciler.emulator.backend")
    except ImportError:
        module = None
    return _TenantHooks(module)

"""Which IAM actions exist, from botocore's installed service models rather than a hand list.

An IAM service prefix is a model's `signingName` (else its service name or endpoint prefix): `ses`
thus covers SES v1, SES v2 (`sesv2`) and the other services IAM files under `ses:`, while `sesv2:`
is no prefix at all; `states` is Step Functions. An
action name is an operation name of one of those models, compared without case as IAM does; `*`
and `?` match against those names. The index of prefixes reads only each model's metadata head, so
building it costs milliseconds; a prefix's operations are loaded only when a policy names it.
"""

from __future__ import annotations

import fnmatch
import gzip
import os
import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.loaders import Loader

_META = {key: re.compile(rf'"{key}"\s*:\s*"([^"]+)"') for key in ("signingName", "endpointPrefix")}
_HEAD_CHARS = 4096
# IAM permissions of STS that are not API operations (session tags, source identity, context)
STS_SESSION_PERMISSIONS = frozenset({"TagSession", "SetSourceIdentity", "SetContext"})


@cache
def _loader() -> Loader:
    from botocore.loaders import Loader

    return Loader()


def _model_file(loader: Loader, service: str, version: str) -> str | None:
    for root in loader.search_paths:
        base = os.path.join(root, service, version, "service-2.json")
        for name in (base + ".gz", base):
            if os.path.isfile(name):
                return name
    return None


def _prefixes(loader: Loader, service: str) -> tuple[str, ...]:
    """The IAM prefixes of a service: its signingName when the model gives one, else its name
    and its endpoint prefix (CloudWatch is `cloudwatch`, Step Functions `states`). Read from the
    head of the model file (metadata comes before operations); the whole model is parsed only
    if the head does not settle it."""
    version = loader.determine_latest_version(service, "service-2")
    path = _model_file(loader, service, version)
    head = ""
    if path is not None:
        opener: Any = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as stream:
            head = stream.read(_HEAD_CHARS)
    meta, found, _ = head.partition('"operations"')
    if found:
        metadata = {key: match.group(1) for key, pattern in _META.items()
                    if (match := pattern.search(meta))}
    else:
        metadata = loader.load_service_model(service, "service-2")["metadata"]
    if "signingName" in metadata:
        return (str(metadata["signingName"]),)
    return tuple(sorted({service, str(metadata.get("endpointPrefix", service))}))


@cache
def services_by_prefix() -> Mapping[str, tuple[str, ...]]:
    """IAM service prefix -> the botocore services whose operations it authorises."""
    loader = _loader()
    index: dict[str, list[str]] = {}
    for service in loader.list_available_services("service-2"):
        for prefix in _prefixes(loader, service):
            index.setdefault(prefix, []).append(service)
    return {prefix: tuple(sorted(names)) for prefix, names in sorted(index.items())}


@cache
def _operations(prefix: str) -> Mapping[str, str]:
    """lower-cased action name -> its spelling, for every operation the prefix covers."""
    loader = _loader()
    names: dict[str, str] = {}
    for service in services_by_prefix().get(prefix, ()):
        for operation in loader.load_service_model(service, "service-2")["operations"]:
            names.setdefault(operation.lower(), operation)
    if prefix == "sts":
        names.update((n.lower(), n) for n in STS_SESSION_PERMISSIONS)
    return dict(sorted(names.items()))


def known_prefix(prefix: str) -> bool:
    return prefix in services_by_prefix()


def actions(prefix: str) -> tuple[str, ...]:
    """Every action name of an IAM service prefix (empty for an unknown prefix)."""
    return tuple(_operations(prefix).values())


def matching(prefix: str, pattern: str) -> tuple[str, ...]:
    """The action names of `prefix` that `pattern` (with `*` and `?`) names, without case."""
    names = _operations(prefix)
    lowered = pattern.lower()
    if "*" not in pattern and "?" not in pattern:
        return (names[lowered],) if lowered in names else ()
    regex = re.compile(fnmatch.translate(lowered))
    return tuple(name for low, name in names.items() if regex.match(low))


def prefix_of_service(service: str) -> str | None:
    """The IAM prefix of a botocore service name (`sesv2` -> `ses`), or None if unknown."""
    for prefix, services in services_by_prefix().items():
        if service in services:
            return prefix
    return None


def input_members(prefix: str, member: str) -> tuple[str, ...]:
    """Action names whose request has a top-level `member` (e.g. the tenant-scoped ones)."""
    loader = _loader()
    found: set[str] = set()
    for service in services_by_prefix().get(prefix, ()):
        model = loader.load_service_model(service, "service-2")
        for name, operation in model["operations"].items():
            shape = operation.get("input", {}).get("shape")
            if shape and member in model["shapes"][shape].get("members", {}):
                found.add(name)
    return tuple(sorted(found))


def iam_shape(name: str) -> Mapping[str, Any]:
    """A shape of IAM's own model (name, path and duration rules), e.g. `policyNameType`."""
    return _iam_shapes()[name]


@cache
def _iam_shapes() -> Mapping[str, Mapping[str, Any]]:
    shapes = _loader().load_service_model("iam", "service-2")["shapes"]
    return {k: {f: v for f, v in s.items() if f != "documentation"} for k, s in shapes.items()}


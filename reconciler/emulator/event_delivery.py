"""EventBridge rule delivery as the service does it: best effort, per target, enabled rules only.

moto 5.2.5 already writes events matched to a CloudWatch Logs target into the group, but a
disabled rule still delivers, the logged event loses its `account` field, and one target it
cannot serve (an SNS topic) or a missing log group raises out of PutEvents, failing the call
that caused the event (for SES's own events: the status write). EventBridge never fails the
sender for a target: a failed delivery is dropped (or retried and sent to a dead-letter queue).
`install()` replaces moto's `Rule.send_to_targets` with that behaviour, in both in-process and
server mode; targets this module does not know are handed to moto's own code, one at a time.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

LOG = logging.getLogger(__name__)
MARKER = "_ses_reconciler_delivery"
_lock = threading.Lock()


def install() -> None:
    """Idempotent."""
    from moto.events.models import Rule

    with _lock:
        if getattr(Rule, MARKER, False):
            return
        Rule._moto_send_to_targets = Rule.send_to_targets  # type: ignore[attr-defined]
        Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
        setattr(Rule, MARKER, True)


def _send_to_targets(rule: Any, event: dict[str, Any], transform_input: bool = True) -> None:
    if getattr(rule, "state", "ENABLED") != "ENABLED" or not rule.event_pattern.matches_event(
            event):
        return
    for target in list(rule.targets):
        try:
            _deliver(rule, target, event, transform_input)
        except Exception:  # best effort: one target's failure reaches neither the sender nor
            LOG.debug("delivery to %s failed", target.get("Arn"), exc_info=True)  # the others


def _deliver(rule: Any, target: dict[str, Any], event: dict[str, Any],
             transform_input: bool) -> None:
    from moto.utilities.arns import parse_arn

    arn = parse_arn(target["Arn"])
    if arn.service == "logs" and arn.resource_type == "log-group":
        _to_log_group(arn.account, arn.region, arn.resource_id, _payload(target, event))
    elif arn.service == "sns":
        _to_topic(arn.account, arn.region, target["Arn"], _payload(target, event))
    else:
        one = _OneTarget(rule, target)
        one._moto_send_to_targets(event, transform_input)


class _OneTarget:
    """The rule seen with a single target, for moto's own delivery code."""

    def __init__(self, rule: Any, target: dict[str, Any]) -> None:
        self._rule = rule
        self.targets = [target]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rule, name)

    def _moto_send_to_targets(self, event: dict[str, Any], transform_input: bool) -> None:
        type(self._rule)._moto_send_to_targets(self, event, transform_input)


def _payload(target: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The whole event (with its time in ISO 8601) unless the target transforms it."""
    if "Input" in target:
        return dict(json.loads(target["Input"]))
    if "InputTransformer" in target:
        from moto.events.utils import EventTemplateParser

        transformer = target["InputTransformer"]
        return dict(EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}), event=event))
    payload = {key: value for key, value in event.items() if key != "ingestion-time"}
    when = payload.get("time")
    if isinstance(when, int | float):
        payload["time"] = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return payload


def _to_log_group(account: str, region: str, group: str, payload: dict[str, Any]) -> None:
    from moto.core.utils import unix_time_millis
    from moto.logs import logs_backends

    backend = logs_backends[account][region]
    stream = str(uuid.uuid4())
    backend.create_log_stream(group, stream)
    backend.put_log_events(group, stream, [{"timestamp": int(unix_time_millis()),
                                            "message": json.dumps(payload)}])


def _to_topic(account: str, region: str, topic_arn: str, payload: dict[str, Any]) -> None:
    from moto.sns import sns_backends

    sns_backends[account][region].publish(json.dumps(payload), arn=topic_arn)

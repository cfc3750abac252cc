"""Publishing a drift run's summary: CloudWatch metrics and one EventBridge event."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from reconciler.aws.failures import translate
from reconciler.errors import AwsError


def put_metrics(client: Any, namespace: str, dimensions: Mapping[str, str],
                values: Mapping[str, float], when: datetime) -> None:
    """One PutMetricData call: every metric with the same dimensions and timestamp."""
    dims = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    data = [{"MetricName": name, "Dimensions": dims, "Timestamp": when, "Value": float(value),
             "Unit": "Count"} for name, value in values.items()]
    try:
        client.put_metric_data(Namespace=namespace, MetricData=data)
    except (BotoCoreError, ClientError) as err:
        raise translate(err, "publishing the drift metrics") from err


def put_event(client: Any, source: str, detail_type: str, detail: Mapping[str, Any],
              resources: Sequence[str] = ()) -> str:
    """One PutEvents entry on the default bus; its event id. A refused entry is an error."""
    entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail),
             "Resources": list(resources)}
    try:
        answer = client.put_events(Entries=[entry])
    except (BotoCoreError, ClientError) as err:
        raise translate(err, "publishing the drift event") from err
    [result] = answer.get("Entries") or [{}]
    if answer.get("FailedEntryCount") or "EventId" not in result:
        raise AwsError(f"publishing the drift event (events PutEvents) was refused "
                       f"({result.get('ErrorCode', 'no event id')}: "
                       f"{result.get('ErrorMessage', 'no message')})",
                       str(result.get("ErrorCode", "")))
    return str(result["EventId"])

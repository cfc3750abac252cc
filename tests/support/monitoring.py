"""The monitoring `monitoring.tenant_events` describes, built by hand with plain boto3.

The reconciled monitoring kinds create the same objects; tests of what flows through them
(SES events, `events`, `drift --publish`) build them directly so they test only that flow.
"""

from __future__ import annotations

import json
from typing import Any

GROUP = "/aws/ses/tenants"
RULE = "SESTenantStatusMonitor"
PATTERN = {"source": ["aws.ses"], "detail-type": [
    "Sending Status Enabled", "Sending Status Disabled", "Advisor Recommendation Status Open",
    "Advisor Recommendation Status Resolved", "Advisor Recommendation Status Closed"]}


def group_arn(region: str, account: str, group: str = GROUP) -> str:
    return f"arn:aws:logs:{region}:{account}:log-group:{group}"


def monitor(logs: Any, events: Any, *, state: str = "ENABLED", group: str = GROUP,
            rule: str = RULE, pattern: dict[str, Any] | None = None,
            account: str = "123456789012") -> None:
    """A log group and a rule on the default bus whose one target is that group."""
    region = logs.meta.region_name
    logs.create_log_group(logGroupName=group)
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern or PATTERN), State=state)
    events.put_targets(Rule=rule, Targets=[{"Id": "log-group",
                                            "Arn": group_arn(region, account, group)}])


def logged(logs: Any, group: str = GROUP) -> list[dict[str, Any]]:
    """Every event in the group, oldest first, as the JSON objects they hold."""
    found = logs.filter_log_events(logGroupName=group)["events"]
    return [json.loads(e["message"]) for e in sorted(found, key=lambda e: e["timestamp"])]

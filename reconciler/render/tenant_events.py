"""The `events` report as text or JSON. Pure."""

from __future__ import annotations

import json

from reconciler.monitoring.tenant_events import EventsReport, iso


def _when(report: EventsReport) -> str:
    return (f"{report.log_group} ({report.account}, {report.region}) from "
            f"{report.since:%Y-%m-%d %H:%M} to {report.until:%Y-%m-%d %H:%M} UTC")


def render_events_text(report: EventsReport) -> str:
    """One block per tenant (the tenant with the newest event first), its events newest first."""
    if not report.tenants:
        lines = [f"No tenant events in {_when(report)}."]
    else:
        count = sum(len(h.events) for h in report.tenants)
        lines = [f"Tenant events in {_when(report)}: {count} event{'s' * (count != 1)}, "
                 f"{len(report.tenants)} tenant{'s' * (len(report.tenants) != 1)}."]
        for history in report.tenants:
            lines += ["", f"{history.name}  {history.arn}"]
            lines += [f"  {e.time:%Y-%m-%d %H:%M:%S}  {e.summary()}" for e in history.events]
    if report.skipped:
        lines += ["", f"({report.skipped} other log event{'s' * (report.skipped != 1)} in the "
                      "group are not SES tenant events and are not shown.)"]
    return "\n".join(lines) + "\n"


def render_events_json(report: EventsReport) -> str:
    """`{log_group, account, region, since, until, skipped, tenants: [{name, arn, events}]}`."""
    document = {
        "log_group": report.log_group, "account": report.account, "region": report.region,
        "since": iso(report.since), "until": iso(report.until), "skipped": report.skipped,
        "tenants": [{"name": h.name, "arn": h.arn, "events": [e.to_dict() for e in h.events]}
                    for h in report.tenants]}
    return json.dumps(document, indent=2) + "\n"

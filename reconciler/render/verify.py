"""`verify --send-test` as text (one line per tenant, then a count) or JSON."""

from __future__ import annotations

import json
from typing import Any

from reconciler.aws.sending import ProbeMessage, SendResult
from reconciler.operations.verify import VerifyReport
from reconciler.planning.saved import FORMAT_VERSION

LABELS = {"sent": "sent", "paused": "paused", "not_associated": "not associated",
          "not_verified": "identity not verified", "not_found": "not found",
          "no_identity": "no identity", "failed": "failed"}


def _line(result: SendResult, message: ProbeMessage | None) -> str:
    sender = message.from_address if message is not None else ""
    return {
        "sent": f"message id {result.message_id}",
        "paused": f"{result.detail} Its mail stops until it is resumed (sending_status, or "
                  "AWS Support for an SES pause).",
        "not_associated": f"SES refused the send for {', '.join(result.resources)}: associate "
                          "them with the tenant (apply), or send without them.",
        "not_verified": f"{result.detail.rstrip('.')}; verify the identity {sender} sends "
                        "from in SES (DNS records for a domain, the emailed link for an address).",
        "not_found": f"{result.detail} Run apply first.",
        "no_identity": "the config gives it no identity to send from; nothing was sent.",
        "failed": result.detail,
    }[result.outcome]


def render_verify_text(report: VerifyReport) -> str:
    by_tenant = {m.tenant: m for m in report.messages}
    width = max((len(r.tenant) for r in report.results), default=0)
    label = max(len(v) for v in LABELS.values())
    lines = [f"Send test to {report.recipient} as {len(report.results)} tenant(s) of account "
             f"{report.account} in {report.region}, paced under {report.max_send_rate:g} "
             "message(s)/s:"]
    lines += [f"  {r.tenant:<{width}}  {LABELS[r.outcome]:<{label}}  "
              f"{_line(r, by_tenant.get(r.tenant))}" for r in report.results]
    sent = sum(1 for r in report.results if r.outcome == "sent")
    lines.append(f"{sent} of {len(report.results)} tenant(s) sent.")
    return "\n".join(lines) + "\n"


def _item(result: SendResult, message: ProbeMessage | None) -> dict[str, Any]:
    return {
        "tenant": result.tenant,
        "outcome": result.outcome,
        "message_id": result.message_id,
        "from": message.from_address if message else None,
        "configuration_set": message.configuration_set if message else None,
        "template": message.template if message else None,
        "resources": list(result.resources),
        "detail": result.detail,
    }


def render_verify_json(report: VerifyReport) -> str:
    by_tenant = {m.tenant: m for m in report.messages}
    document = {
        "format_version": FORMAT_VERSION,
        "kind": "ses-reconciler/verify",
        "account": report.account,
        "region": report.region,
        "recipient": report.recipient,
        "max_send_rate": report.max_send_rate,
        "ok": report.ok,
        "summary": {"tenants": len(report.results),
                    "sent": sum(1 for r in report.results if r.outcome == "sent")},
        "tenants": [_item(r, by_tenant.get(r.tenant)) for r in report.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_verify(report: VerifyReport, fmt: str) -> str:
    return render_verify_json(report) if fmt == "json" else render_verify_text(report)

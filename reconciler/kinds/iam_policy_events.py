"""Which iam_policy objects a CloudTrail IAM event touched.

IAM events name a policy by ARN (`policyArn`) or, on create, by `policyName`. A template's
`policy_name` (`ses-${tenant.name}-sender`) read as a pattern gives the tenant back from the
name, so a policy of a tenant the config no longer lists is found too (its deletion is
planned in that tenant's scope).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reconciler.config.rules import PLACEHOLDER_RE
from reconciler.state import ArnContext, Desired

SOURCE = "iam.amazonaws.com"
REGION = "us-east-1"  # IAM is global; CloudTrail records its events in us-east-1
_TENANT = r"[A-Za-z0-9_-]{1,64}"


def name_patterns(desired: Desired, ctx: ArnContext) -> list[tuple[str, re.Pattern[str]]]:
    """(template, pattern of the policy names it renders) for every declared template."""
    return rendered_patterns({t: desired.iam_templates[t].policy_name
                              for t in desired.iam_templates}, ctx)


def rendered_patterns(texts: Mapping[str, str],
                      ctx: ArnContext) -> list[tuple[str, re.Pattern[str]]]:
    """(template, pattern of the names `text` renders per tenant) for each template whose
    name text holds `${tenant.name}` (only those give the tenant back)."""
    known = {"account_id": ctx.account, "region": ctx.region, "partition": ctx.partition}
    patterns = []
    for template in sorted(texts):
        parts, last, seen = [], 0, False
        text = texts[template]
        for match in PLACEHOLDER_RE.finditer(text):
            parts.append(re.escape(text[last:match.start()]))
            key = match.group(1)
            if key == "tenant.name":
                parts.append("(?P=tenant)" if seen else f"(?P<tenant>{_TENANT})")
                seen = True
            elif key in known:
                parts.append(re.escape(known[key]))
            else:
                parts.append(".+?")
            last = match.end()
        parts.append(re.escape(text[last:]))
        if seen:
            patterns.append((template, re.compile("".join(parts))))
    return patterns


def touched_policies(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """`<tenant>/<template>` of every policy the events name."""
    patterns = name_patterns(desired, ctx)
    touched: set[str] = set()
    for event in events:
        for name in _policy_names(event):
            for template, pattern in patterns:
                match = pattern.fullmatch(name)
                if match:
                    touched.add(f"{match.group('tenant')}/{template}")
    return touched


def _policy_names(event: Any) -> Iterable[str]:
    for key, value in event.values():
        if not isinstance(value, str) or not value:
            continue
        lowered = key.lower()
        if lowered == "policyname":
            yield value
        elif lowered == "policyarn" or (value.startswith("arn:") and ":policy/" in value):
            yield value.rsplit("/", 1)[-1]
    for name in event.resources:
        if name.startswith("arn:") and ":policy/" in name:
            yield name.rsplit("/", 1)[-1]

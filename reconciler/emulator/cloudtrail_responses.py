"""LookupEvents for moto's CloudTrail responder, answered from the emulator's event history."""

from __future__ import annotations

import json
from typing import Any

from reconciler.emulator import cloudtrail


class CloudTrailResponses:
    """Grafted onto `moto.cloudtrail.responses.CloudTrailResponse` (see `extension.py`)."""

    current_account: str
    region: str
    body: Any

    def lookup_events(self) -> tuple[int, dict[str, str], str]:
        from reconciler.emulator.backend import emulator_options

        try:
            request = json.loads(self.body or "{}")
        except ValueError:
            request = {}
        options = emulator_options(self.current_account, self.region)
        try:
            answer = cloudtrail.lookup(self.current_account, self.region, request,
                                       pacing=options.lookup_events_pacing,
                                       rate=options.lookup_events_tps)
        except cloudtrail.LookupRefused as err:
            headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": err.code,
                       "status": "400"}
            return 400, headers, json.dumps({"__type": err.code, "message": err.message})
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(answer)

"""IAM answers where moto departs from IAM in a way the reconciler would notice.

Requests are served one at a time (moto's IAM backend is not safe across threads).

IAM sends policy documents URL-encoded, and every SDK decodes them (boto3's
`json_decode_policies`). moto's GetPolicyVersion sends the document as plain JSON, which boto3
then URL-decodes anyway: a literal escape such as `%41` in a document would come back as `A`
from the emulator only, and show as drift no real account would have.

IAM names are unique in the account whatever the path: CreatePolicy of a name another
customer-managed policy holds at another path is EntityAlreadyExists (names compare without
case). moto keys policies by ARN, path included, and would create the twin.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

# moto's IAM backend is not thread-safe (AttachRolePolicy walks every managed policy while
# CreatePolicy adds one: "dictionary changed size during iteration"), and an apply writes IAM
# from several threads; one request at a time, as IAM itself never fails that way.
_SERIAL = threading.RLock()


class IamResponses:
    """Grafted onto `moto.iam.responses.IamResponse` (see `extension.install`)."""

    backend: Any
    _get_param: Any
    _get_int_param: Any
    _get_bool_param: Any
    _moto_create_policy: Any

    def call_action(self) -> Any:
        from moto.core.responses import BaseResponse

        with _SERIAL:
            return BaseResponse.call_action(self)  # type: ignore[arg-type]

    def list_policies(self) -> Any:
        """As IAM, IsTruncated only when more policies follow: moto marks a page that ends
        exactly at the last policy as truncated, which costs an empty page more."""
        from moto.core.responses import ActionResult

        marker, max_items = self._get_param("Marker"), self._get_int_param("MaxItems", 100)
        rest = (self._get_bool_param("OnlyAttached", False), self._get_param("PathPrefix", "/"),
                self._get_param("Scope", "All"))
        policies, marker = self.backend.list_policies(marker, max_items, *rest)
        if marker is not None and not list(self.backend.list_policies(marker, 1, *rest)[0]):
            marker = None
        return ActionResult({"Policies": policies, "Marker": marker,
                             "IsTruncated": bool(marker)})

    def create_policy(self) -> Any:
        from moto.iam.exceptions import EntityAlreadyExists

        name = str(self._get_param("PolicyName") or "")
        own = f":{self.backend.account_id}:policy/"
        if any(own in arn and policy.name.lower() == name.lower()
               for arn, policy in self.backend.managed_policies.items()):
            raise EntityAlreadyExists(
                f"A policy called {name} already exists. Duplicate names are not allowed.")
        return self._moto_create_policy()

    def get_policy_version(self) -> Any:
        from moto.core.responses import ActionResult

        version = self.backend.get_policy_version(self._get_param("PolicyArn"),
                                                  self._get_param("VersionId"))
        return ActionResult({"PolicyVersion": {
            "Document": quote(version.document, safe=""),
            "VersionId": version.version_id,
            "IsDefaultVersion": version.is_default,
            "CreateDate": version.create_date,
        }})

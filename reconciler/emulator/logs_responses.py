"""CloudWatch Logs operations moto lacks and the monitoring kinds call: AssociateKmsKey and
DisassociateKmsKey on a log group (moto keeps the key given to CreateLogGroup already)."""

from __future__ import annotations

from typing import Any


class LogsResponses:
    """Grafted onto `moto.logs.responses.LogsResponse` (see `extension.install`)."""

    logs_backend: Any
    _get_param: Any

    def associate_kms_key(self) -> str:
        self._group().kms_key_id = self._get_param("kmsKeyId")
        return ""

    def disassociate_kms_key(self) -> str:
        self._group().kms_key_id = None
        return ""

    def _group(self) -> Any:
        from moto.logs.exceptions import ResourceNotFoundException

        group = self.logs_backend.groups.get(self._get_param("logGroupName"))
        if group is None:
            raise ResourceNotFoundException()
        return group

"""The apply lock's DynamoDB table, created as an operator would (docs/locking.md)."""

from __future__ import annotations

from typing import Any


def create_lock_table(client: Any, name: str) -> Any:
    """Create the table keyed `LockID` with a plain DynamoDB client and return the client."""
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
    return client

"""docs/gitops.md quotes the roles' permissions; they must be what `iam self-policy` prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reconciler.iam.permissions import self_policy

DOC = Path(__file__).resolve().parents[3] / "docs" / "gitops.md"


def _json_blocks() -> list[object]:
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", DOC.read_text(), re.S)]


def test_docs_quote_the_current_read_only_and_apply_permissions() -> None:
    blocks = _json_blocks()
    assert self_policy(read_only=True) in blocks, (
        "docs/gitops.md: refresh the read-only block from `ses-reconciler iam self-policy "
        "--read-only`")
    assert self_policy(read_only=False) in blocks, (
        "docs/gitops.md: refresh the apply block from `ses-reconciler iam self-policy`")

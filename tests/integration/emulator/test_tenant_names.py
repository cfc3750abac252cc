"""Any name is accepted exactly when SES's documented name rule accepts it."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RULE = re.compile(r"[A-Za-z0-9_-]{1,64}")
NAMES = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{1,70}", fullmatch=True),
    st.text(
        alphabet=st.characters(codec="ascii", exclude_categories=["Cc"]), min_size=1, max_size=70
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES)
def test_names_are_accepted_exactly_when_they_follow_the_rule(raw: Any, name: str) -> None:
    try:
        created = raw.create_tenant(TenantName=name)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "BadRequestException"
        assert not RULE.fullmatch(name)
        return
    assert RULE.fullmatch(name)
    assert raw.get_tenant(TenantName=name)["Tenant"]["TenantId"] == created["TenantId"]
    raw.delete_tenant(TenantName=name)

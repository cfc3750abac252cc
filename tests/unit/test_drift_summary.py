"""What `drift --publish` sends: the event's size limit and the stack dimension."""

from __future__ import annotations

from pathlib import Path

from reconciler.monitoring.drift_summary import (
    DETAIL_TYPE,
    MAX_ENTRY_BYTES,
    SOURCE,
    DriftSummary,
    entry_size,
    stack_name,
)


def _summary(count: int) -> DriftSummary:
    names = tuple(f"tenant.{'x' * 60}-{i:05}" for i in range(count))
    return DriftSummary("123456789012", "us-east-1", "prod", names, names, names)


def test_a_small_drift_event_lists_every_name() -> None:
    detail = _summary(3).event_detail()
    assert len(detail["first"]["drifted"]) == 3
    assert detail["truncated"] is False


def test_the_event_keeps_the_first_names_and_the_full_counts() -> None:
    detail = _summary(10_000).event_detail()
    assert detail["counts"]["drifted_objects"] == 10_000
    assert len(detail["first"]["drifted"]) == 50
    assert detail["truncated"] is True


def test_names_are_halved_until_the_entry_fits_put_events_limit() -> None:
    detail = _summary(10_000).event_detail(first=10_000)
    assert entry_size(SOURCE, DETAIL_TYPE, detail) < MAX_ENTRY_BYTES
    assert 0 < len(detail["first"]["paused_by_ses"]) < 10_000


def test_the_metrics_are_the_three_counts_and_a_heartbeat() -> None:
    assert _summary(2).metrics == {"DriftedObjects": 2, "TenantsPausedBySES": 2,
                                   "TenantsWithHighImpactFindings": 2, "RunSucceeded": 1}


def test_a_fleet_stack_is_named_by_its_directory_under_stacks(tmp_path: Path) -> None:
    stack = tmp_path / "stacks" / "prod"
    stack.mkdir(parents=True)
    (stack / "ses.yaml").write_text("{}\n")
    assert stack_name(stack) == "prod"
    assert stack_name(stack / "ses.yaml") == "prod"


def test_a_single_config_is_named_by_its_directory(tmp_path: Path) -> None:
    config = tmp_path / "configs" / "example.yaml"
    config.parent.mkdir()
    config.write_text("{}\n")
    assert stack_name(config) == "configs"
    assert stack_name(config.parent) == "configs"

"""Apply: the executor that walks a plan's DAG, and the report of what it did."""

from reconciler.apply.executor import DEFAULT_GRACE, Executor
from reconciler.apply.report import ApplyReport, Outcome

__all__ = ["DEFAULT_GRACE", "ApplyReport", "Executor", "Outcome"]

"""Text rendering of an ApplyReport: what was applied, what failed and why, what was skipped,
and after an interrupt what was not started."""

from __future__ import annotations

from reconciler.apply.report import ApplyReport, Outcome
from reconciler.planning.ordering import sort_key
from reconciler.planning.plan import Plan


def _sorted(outcomes: tuple[Outcome, ...]) -> list[Outcome]:
    return sorted(outcomes, key=lambda o: sort_key(o.change))


def render_apply_text(report: ApplyReport) -> str:
    """Failures first (they need action), then skipped changes, then applied ones."""
    counts = Plan(tuple(o.change for o in report.applied), account="", region="").counts
    state = "interrupted" if report.interrupted else "complete" if report.ok else "incomplete"
    not_started = (f", {len(report.not_started):,} not started" if report.interrupted
                   or report.not_started else "")
    lines = [
        f"Apply {state}: {len(report.applied):,} applied, "
        f"{len(report.failed):,} failed, {len(report.skipped):,} skipped{not_started} "
        f"({len(report.outcomes):,} changes, {report.seconds:.1f}s).",
        f"Resources: {counts.add:,} added, {counts.change:,} changed, "
        f"{counts.destroy:,} destroyed.",
        "",
    ]
    if report.failed:
        lines.append("Failed:")
        for o in _sorted(report.failed):
            lines += [f"  {o.change.key}", f"    error: {o.detail}"]
        lines.append("")
    if report.skipped:
        lines.append("Skipped (a prerequisite failed):")
        lines += [f"  {o.change.key}  (after {o.detail})" for o in _sorted(report.skipped)]
        lines.append("")
    if report.not_started:
        lines.append("Not started (interrupted; the next apply makes them):")
        lines += [f"  {o.change.key}" for o in _sorted(report.not_started)]
        lines.append("")
    if report.applied:
        lines.append("Applied:")
        lines += [f"  {o.change.key}" for o in _sorted(report.applied)]
        lines.append("")
    if report.calls:
        calls = ", ".join(f"{op} {n:,}" for op, n in sorted(report.calls.items()))
        lines.append(f"API calls: {calls}.")
    return "\n".join(lines).rstrip("\n") + "\n"

"""Renderings of plans, drift and apply reports: text, JSON and Markdown. Pure string builders."""

from collections.abc import Iterator
from typing import Literal

from reconciler.apply.report import ApplyReport
from reconciler.planning.plan import Plan
from reconciler.planning.saved import plan_chunks
from reconciler.render.apply import render_apply_text
from reconciler.render.as_json import render_apply_json, render_drift_json, render_plan_json
from reconciler.render.drift import render_drift_markdown, render_drift_text
from reconciler.render.markdown import render_plan_markdown
from reconciler.render.text import render_plan_text

Format = Literal["text", "json", "markdown"]


def render_plan(plan: Plan, fmt: Format) -> str:
    return {"text": render_plan_text, "json": render_plan_json,
            "markdown": render_plan_markdown}[fmt](plan)


def render_plan_chunks(plan: Plan, fmt: Format) -> Iterator[str]:
    """`render_plan` in pieces to write as they come: the JSON of a 100,000-tenant plan is
    never held whole."""
    return plan_chunks(plan) if fmt == "json" else iter((render_plan(plan, fmt),))


def render_drift(plan: Plan, fmt: Format) -> str:
    return {"text": render_drift_text, "json": render_drift_json,
            "markdown": render_drift_markdown}[fmt](plan)


def render_apply(report: ApplyReport, fmt: Literal["text", "json"]) -> str:
    return render_apply_json(report) if fmt == "json" else render_apply_text(report)


__all__ = [
    "Format",
    "render_apply",
    "render_apply_json",
    "render_apply_text",
    "render_drift",
    "render_drift_json",
    "render_drift_markdown",
    "render_drift_text",
    "render_plan",
    "render_plan_chunks",
    "render_plan_json",
    "render_plan_markdown",
    "render_plan_text",
]

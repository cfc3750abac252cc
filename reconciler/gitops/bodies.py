"""Markdown bodies for the sticky pull-request comment, the merge job's reply and the drift issue.

Each body opens with a hidden marker naming its stack, so the workflow finds and updates the one
comment or issue of that stack instead of adding another. Pure string builders.
"""

from __future__ import annotations

import re

from reconciler.gitops.digest import DIGEST_PATTERN
from reconciler.planning import Plan
from reconciler.render.drift import render_drift_markdown
from reconciler.render.markdown import LIMIT, fence, render_plan_markdown

FRAME = 2_000  # room kept under GitHub's limit for the marker, the stack line and the footer
_DIGEST_MARK = re.compile(r"<!-- ses-reconciler:digest (" + DIGEST_PATTERN.pattern + r") -->")


def marker(kind: str, stack: str) -> str:
    """`<!-- ses-reconciler:plan stack=main -->`: what the workflow searches comments for."""
    return f"<!-- ses-reconciler:{kind} stack={stack} -->"


def pr_comment(plan: Plan, digest: str, stack: str) -> str:
    body = render_plan_markdown(plan, limit=LIMIT - FRAME)
    return (f"{marker('plan', stack)}\n{body}\n---\n"
            f"Stack `{stack}` · plan digest `{digest}`\n\n"
            "On merge, this exact plan is applied only if a fresh plan of the merged commit has "
            "the same digest; otherwise nothing is applied and this pull request is told why.\n"
            f"<!-- ses-reconciler:digest {digest} -->\n")


def error_comment(kind: str, stack: str, message: str) -> str:
    """What the sticky comment says when the step could not produce a plan at all."""
    f = fence(message)
    return (f"{marker(kind, stack)}\n## ses-reconciler {kind} failed · stack `{stack}`\n\n"
            f"{f}\n{message}\n{f}\n\nFix the problem and push again; the CI log has the details.\n")


def reviewed_digest(body: str) -> str | None:
    """The digest a pull-request comment showed (its last one, should it quote an older one)."""
    found = _DIGEST_MARK.findall(body)
    return found[-1] if found else None


def refusal_comment(plan: Plan, *, reviewed: str | None, fresh: str, stack: str) -> str:
    if reviewed is None:
        why = ("No reviewed plan was found for this commit (no pull-request comment with a plan "
               "digest), so nothing was applied.")
    else:
        why = (f"The plan of the merged commit differs from the plan this pull request showed "
               f"(reviewed `{reviewed}`, merged `{fresh}`): something changed in between, in the "
               "configuration or in the account, so nothing was applied.")
    body = render_plan_markdown(plan, limit=LIMIT - FRAME)
    return (f"{marker('apply', stack)}\n## ses-reconciler apply refused · stack `{stack}`\n\n"
            f"{why}\n\nReview the plan below; to apply it, open a pull request (an empty commit "
            "is enough) so that it is planned and reviewed again.\n\n"
            f"<details><summary>Plan of the merged commit</summary>\n\n{body}\n</details>\n")


def applied_comment(report_text: str, *, digest: str, ok: bool, stack: str) -> str:
    title = "applied" if ok else "apply incomplete"
    text = report_text if len(report_text) < LIMIT - FRAME else (
        report_text[: LIMIT - FRAME] + "\n… (truncated; the CI log has the full report)\n")
    f = fence(text)
    return (f"{marker('apply', stack)}\n## ses-reconciler {title} · stack `{stack}`\n\n"
            f"Plan digest `{digest}` (the reviewed plan).\n\n{f}\n{text}{f}\n")


def drift_title(stack: str) -> str:
    return f"ses-reconciler drift: stack {stack}"


def drift_issue(plan: Plan, stack: str) -> str:
    body = render_drift_markdown(plan, limit=LIMIT - FRAME)
    return (f"{marker('drift', stack)}\n{body}\n---\nStack `{stack}`. This issue is updated by "
            "every scheduled drift run and closed by the first run that finds no drift.\n")

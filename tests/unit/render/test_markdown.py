"""Markdown for pull-request comments, and its size limit."""

from __future__ import annotations

import re

from reconciler.planning import make_plan
from reconciler.render import render_drift_markdown, render_plan_markdown
from reconciler.render.markdown import LIMIT
from tests.unit.planning.builders import desired, have, live, want
from tests.unit.render.scenario import representative_plan

MD = render_plan_markdown(representative_plan())


def _big_plan(n: int = 5_000):
    tenants = [want(f"Customer-{i:05d}", f"identity/c{i}.example.com",
                    f"configuration-set/c{i}", tags={"CustomerID": str(i)},
                    reputation_policy="strict") for i in range(n)]
    return make_plan(desired(*tenants), live())


BIG = _big_plan()


def test_summary_line_is_bold_at_the_top() -> None:
    assert "**Plan: 7 to add, 6 to change, 4 to destroy.**" in MD.split("|")[0]


def test_each_tenant_has_a_collapsible_section() -> None:
    assert MD.count("<details>") == MD.count("</details>") == 6


def test_rename_is_a_caution_callout() -> None:
    assert "> [!CAUTION]\n> **Rename** `OldName` → `NewName`: new tenant, fresh reputation" in MD


def test_diff_markers_start_the_line_for_highlighting() -> None:
    assert '\n!       reputation_policy = "none" -> "standard"\n' in MD


def test_five_thousand_tenant_plan_stays_under_the_comment_limit() -> None:
    assert len(render_plan_markdown(BIG)) <= LIMIT


def test_truncated_plan_says_how_many_tenants_were_left_out() -> None:
    text = render_plan_markdown(BIG)
    shown = text.count("<details>")
    match = re.search(r"… and ([\d,]+) more tenants \(see the full plan in the CI log\)", text)
    assert match is not None
    assert shown + int(match.group(1).replace(",", "")) == 5_000


def test_summary_table_is_truncated_with_a_count() -> None:
    assert "| … and 4,800 more tenants | | | | |" in render_plan_markdown(BIG)


def test_any_limit_is_respected() -> None:
    assert len(render_plan_markdown(BIG, limit=10_000)) <= 10_000


def test_empty_plan_says_the_account_matches() -> None:
    text = render_plan_markdown(make_plan(desired(want("A")), live(have("A"))))
    assert text.endswith("**No changes. The account matches the configuration.**\n")


def test_code_fence_outgrows_backticks_in_values() -> None:
    text = render_plan_markdown(make_plan(desired(want("A", tags={"k": "```"})), live()))
    assert "````diff" in text


def test_drift_markdown_of_a_large_drift_stays_under_the_limit() -> None:
    text = render_drift_markdown(BIG)
    assert len(text) <= LIMIT
    assert "more tenants (see the full report in the CI log)" in text


def test_many_notices_are_capped_with_a_count() -> None:
    state = live(*(have(f"P{i:04d}", aws="DISABLED", aws_cause="x" * 200) for i in range(2_000)))
    plan = make_plan(desired(*(want(f"P{i:04d}") for i in range(2_000))), state)
    text = render_plan_markdown(plan)
    assert len(text) <= LIMIT
    assert "- … and 1,950 more notices (see the CI log)" in text

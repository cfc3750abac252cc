"""Text rendering of plans."""

from __future__ import annotations

from reconciler.planning import make_plan
from reconciler.render import render_plan_text
from tests.unit.planning.builders import desired, have, live, want
from tests.unit.render.scenario import representative_plan

TEXT = render_plan_text(representative_plan())


def test_plan_ends_with_the_summary_line() -> None:
    assert TEXT.endswith("Plan: 7 to add, 6 to change, 4 to destroy.\n")


def test_empty_plan_says_the_account_matches() -> None:
    text = render_plan_text(make_plan(desired(want("A")), live(have("A"))))
    assert text == "No changes. The account matches the configuration.\n"


def test_empty_plan_still_lists_notices() -> None:
    text = render_plan_text(make_plan(desired(want("A")), live(have("A", aws="DISABLED"))))
    assert "paused by SES" in text
    assert text.endswith("No changes. The account matches the configuration.\n")


def test_new_tenant_id_and_arn_are_known_after_apply() -> None:
    assert '+ id                = (known after apply)' in TEXT
    assert '+ arn               = (known after apply)' in TEXT


def test_rename_is_rendered_loudly_as_a_replacement() -> None:
    assert '-/+ tenant "OldName" -> "NewName" {' in TEXT
    assert "# new tenant, fresh reputation; sending history does not carry over" in TEXT


def test_attribute_changes_show_before_and_after() -> None:
    assert '~ reputation_policy = "none" -> "standard"' in TEXT
    assert '~ "Env"  = "dev" -> "prod"' in TEXT


def test_moves_name_the_other_tenant() -> None:
    assert "+ identity/shared.example.com  # moved from tenant.Gamma" in TEXT
    assert "- identity/shared.example.com  # moves to tenant.Beta" in TEXT


def test_tenants_are_listed_in_name_order() -> None:
    order = [TEXT.index(f'tenant "{n}"') for n in ("Acme", "Beta", "Gamma", "Gone", "Legacy")]
    assert order == sorted(order)


def test_scoped_plan_names_its_scope() -> None:
    text = render_plan_text(make_plan(desired(want("A")), live(), scope=frozenset({"A"})))
    assert text.startswith("Scope: 1 tenant(s): A\n")


def test_leftover_old_tenant_of_a_finished_rename_says_why_it_goes() -> None:
    text = render_plan_text(make_plan(desired(want("New", replaces="Old")),
                                      live(have("New"), have("Old"))))
    assert ("  # tenant.Old will be destroyed\n"
            "  # renamed to tenant.New: new tenant, fresh reputation; sending history does not "
            "carry over\n") in text

"""Safe YAML reading and the source map."""

from __future__ import annotations

from reconciler.config.sourcemap import SourceMap, child_path, loc_path, parent_path, unpack
from reconciler.config.yaml_loader import parse_yaml
from reconciler.diagnostics import Location

TEXT = """\
tenants:
  Acme:
    tags: {"app.io/team": mail}
    resources:
      identities:
        - acme.example.com
"""


def test_every_key_and_list_item_is_mapped_to_its_line_and_column() -> None:
    _, marks, problems = parse_yaml("t.yaml", TEXT)
    assert problems == []
    assert unpack(marks["tenants.Acme"]) == (0, 2, 3)
    assert unpack(marks["tenants.Acme.resources.identities[0]"]) == (0, 6, 11)


def test_keys_containing_dots_are_quoted_in_paths() -> None:
    _, marks, _ = parse_yaml("t.yaml", TEXT, file_id=7)
    assert unpack(marks['tenants.Acme.tags."app.io/team"']) == (7, 3, 12)


def test_pydantic_locations_use_the_same_path_spelling() -> None:
    assert loc_path(("tenants", "Acme", "tags", "app.io/team", "[key]")) == (
        'tenants.Acme.tags."app.io/team"')
    assert loc_path(("tenants", "Acme", "iam", 2)) == "tenants.Acme.iam[2]"


def test_parent_path_steps_over_quoted_keys_and_indexes() -> None:
    assert parent_path('a.tags."x.y"') == "a.tags"
    assert parent_path("a.iam[2]") == "a.iam"
    assert parent_path(child_path("", "top")) == ""


def test_locating_an_unmapped_path_falls_back_to_its_nearest_ancestor() -> None:
    smap = SourceMap()
    smap.marks.update(parse_yaml("t.yaml", TEXT, smap.add_file("t.yaml"))[1])
    assert smap.locate("tenants.Acme.missing.deeper") == Location("t.yaml", 2, 3)


def test_yaml_scalars_get_their_yaml_types_and_quoted_values_stay_strings() -> None:
    data, _, _ = parse_yaml("t.yaml", 'a: 12\nb: "12"\nc: true\nd: ~\ne: 1.5\nf: 0x1F\n')
    assert data == {"a": 12, "b": "12", "c": True, "d": None, "e": 1.5, "f": 31}


def test_small_aliases_are_expanded() -> None:
    data, _, problems = parse_yaml("t.yaml", "a: &x [one, two]\nb: *x\n")
    assert problems == [] and data == {"a": ["one", "two"], "b": ["one", "two"]}


def test_an_empty_document_is_none_without_problems() -> None:
    assert parse_yaml("t.yaml", "# only a comment\n") == (None, {}, [])


def test_an_invalid_timestamp_is_a_problem_not_an_exception() -> None:
    _, _, problems = parse_yaml("t.yaml", "a: 2024-13-45\n")
    assert [str(p) for p in problems] == ["t.yaml:1:4: a: invalid !!timestamp value '2024-13-45'"]

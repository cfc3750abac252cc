"""The committed JSON Schema stays in step with the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from reconciler.config.schema import SCHEMA_FILE, config_schema, schema_text

ROOT = Path(__file__).resolve().parents[3]


def test_committed_schema_is_current() -> None:
    committed = (ROOT / SCHEMA_FILE).read_text()
    assert committed == schema_text(), (
        f"{SCHEMA_FILE} is stale: run `ses-reconciler schema > {SCHEMA_FILE}`")


def test_schema_is_draft_07_and_refuses_unknown_sections() -> None:
    schema = config_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"settings", "defaults", "tiers", "tenants",
                                         "iam_templates", "iam_roles", "monitoring"}


def test_schema_references_resolve_within_the_document() -> None:
    text = schema_text()
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/definitions/')[1:]}
    assert refs and refs <= set(json.loads(text)["definitions"])


def test_every_example_file_points_its_editor_at_the_committed_schema() -> None:
    for file in (ROOT / "configs" / "example").rglob("*.yaml"):
        first = file.read_text().splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), file
        assert (file.parent / first.removeprefix(prefix)).resolve() == ROOT / SCHEMA_FILE


def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(config_schema())


@pytest.mark.parametrize("file", sorted((ROOT / "configs" / "example").rglob("*.yaml")),
                         ids=lambda p: p.name)
def test_every_example_file_satisfies_the_schema_on_its_own(file: Path) -> None:
    document = yaml.safe_load(file.read_text())
    assert list(_validator().iter_errors(document)) == []


@pytest.mark.parametrize("doc", [
    {"tenants": {"Acme Corp": {}}},
    {"tenants": {"Acme": {"tagz": {}}}},
    {"tenants": {"Acme": {"tags": {"aws:x": "y"}}}},
    {"settings": {"account_id": 123456789012}},
], ids=["tenant-name", "unknown-key", "aws-tag", "account-id-type"])
def test_the_schema_flags_what_an_editor_can_see_in_one_file(doc: dict[str, object]) -> None:
    assert list(_validator().iter_errors(doc))  # type: ignore[attr-defined]

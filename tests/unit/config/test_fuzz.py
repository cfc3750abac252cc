"""Whatever text the loader is given, the only exception that escapes is `ConfigError`."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.config.load import load_desired_texts
from reconciler.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[3] / "configs" / "example"
SEEDS = [p.read_text() for p in sorted(EXAMPLE.rglob("*.yaml"))]
YAML_BITS = [":", " ", "\n", "  ", "- ", "{", "}", "[", "]", ",", "&a ", "*a", "!!", "'", '"',
             "#", "|", ">", "~", "<<: ", "---", "\t", "%YAML 1.1", "? ", "!!python/name:os ",
             "tenants:", "tier: ", "arn:aws:ses:", "${tenant.x}", "0x", "\x00", "\ufeff"]
KEYS = ["settings", "defaults", "tiers", "tenants", "iam_templates", "monitoring", "region",
        "account_id", "tags", "resources", "identities", "configuration_sets", "templates",
        "reputation_policy", "sending_status", "suppression", "scope", "reasons", "iam",
        "protect", "tier", "renamed_from", "policy_name", "document", "tenant_events",
        "max_tenants", "Acme", "free", "sender"]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def loads_or_reports(files: dict[str, str]) -> None:
    try:
        desired = load_desired_texts(files)
    except ConfigError as err:
        assert err.diagnostics, "a ConfigError must carry at least one diagnostic"
        assert all(d.message for d in err.diagnostics)
    else:
        assert len(desired.digest) == 64


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(YAML_BITS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        else:
            lines = text.splitlines(keepends=True) or [""]
            i = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: i + 1] + lines[i:])
    return text


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(KEYS))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_raises_only_config_error(text: str) -> None:
    loads_or_reports({"random.yaml": text})


@SETTINGS
@given(mutated())
def test_mutated_example_files_raise_only_config_error(text: str) -> None:
    loads_or_reports({"mutated.yaml": text})


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS[:6]), documents, max_size=6))
def test_random_documents_with_real_keys_raise_only_config_error(doc: dict[str, object]) -> None:
    loads_or_reports({"doc.yaml": yaml.safe_dump(doc)})

"""`Desired.digest` follows meaning, not layout."""

from __future__ import annotations

from reconciler.config.load import load_desired_texts

ONE_FILE = {"all.yaml": """\
settings: {region: us-east-1, account_id: "123456789012"}
tiers:
  pro: {reputation_policy: strict, tags: {Tier: pro}}
tenants:
  Acme:
    tier: pro
    tags: {CustomerID: "1"}
    resources: {identities: [acme.example.com, b.example.com]}
  Globex: {tags: {CustomerID: "2"}}
"""}

REFORMATTED = {"all.yaml": """\
# comments, block style, other key order and list order
tenants:
  Globex:
    tags:
      CustomerID: '2'
  Acme:
    resources:
      identities:
        - b.example.com
        - "arn:aws:ses:us-east-1:123456789012:identity/acme.example.com"
    tags: {CustomerID: "1"}
    tier: pro
tiers:
  pro:
    tags: {Tier: pro}
    reputation_policy: strict
settings:
  account_id: "123456789012"
  region: us-east-1
"""}

SPLIT = {
    "settings.yaml": 'settings: {region: us-east-1, account_id: "123456789012"}\n',
    "tiers.yaml": "tiers:\n  pro: {reputation_policy: strict, tags: {Tier: pro}}\n",
    "tenants/acme.yaml": "tenants:\n  Acme:\n    tier: pro\n    tags: {CustomerID: \"1\"}\n"
                         "    resources: {identities: [acme.example.com, b.example.com]}\n",
    "tenants/globex.yaml": "tenants:\n  Globex: {tags: {CustomerID: \"2\"}}\n",
}


def digest(files: dict[str, str]) -> str:
    return load_desired_texts(files).digest


def test_digest_is_a_sha256_hex() -> None:
    value = digest(ONE_FILE)
    assert len(value) == 64 and int(value, 16) >= 0


def test_digest_ignores_comments_style_and_order() -> None:
    assert digest(REFORMATTED) == digest(ONE_FILE)


def test_digest_ignores_how_the_config_is_split_into_files() -> None:
    assert digest(SPLIT) == digest(ONE_FILE)


def test_digest_changes_when_a_tag_value_changes() -> None:
    edited = {"all.yaml": ONE_FILE["all.yaml"].replace('CustomerID: "2"', 'CustomerID: "3"')}
    assert digest(edited) != digest(ONE_FILE)


def test_digest_changes_when_a_tier_changes_what_its_tenants_resolve_to() -> None:
    edited = {"all.yaml": ONE_FILE["all.yaml"].replace("reputation_policy: strict",
                                                       "reputation_policy: none")}
    assert digest(edited) != digest(ONE_FILE)


def test_digest_changes_when_settings_change() -> None:
    edited = {"all.yaml": ONE_FILE["all.yaml"].replace("us-east-1", "eu-west-1")}
    assert digest(edited) != digest(ONE_FILE)


def without_account_id(text: str) -> dict[str, str]:
    return {"all.yaml": text.replace(', account_id: "123456789012"', "").replace(
        '  account_id: "123456789012"\n', "")}


def test_arn_without_settings_account_id_is_not_digested_as_its_bare_name() -> None:
    """Without an account id the ARN may name another account's resource: another config."""
    assert digest(without_account_id(REFORMATTED["all.yaml"])) != digest(
        without_account_id(ONE_FILE["all.yaml"]))

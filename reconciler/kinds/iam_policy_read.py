"""Reading the iam_policy kind in two phases, so ownership is read only where it matters.

ListPolicies returns no tags, and a policy's ownership lives in its tags. Reading them for
every policy would double the cost of a plan that changes nothing, so:

1. bulk: ListPolicies (every page); the default version (GetPolicyVersion) of each listed
   policy whose name a desired policy in scope has, and its attachments (ListEntitiesForPolicy)
   when the template declares some or ListPolicies counts some. Those are keyed like the
   desired ones, ownership not yet known (`owned=None`).
2. pure: `iam_policy_plan.ownership_needed` says which of them planning would write.
3. targeted: GetPolicy (tags) for those, and for every listed policy no desired policy names
   (an orphan candidate: its `<key>:tenant` and `<key>:template` tags say whose it was; one
   without the ownership tag is someone else's and is dropped); an owned orphan's default
   document and attachments are read too (its delete detaches them; `import` writes them back).

An unchanged plan with P owned policies (A with attachments) therefore costs
⌈P/1000⌉ + P + A calls; a policy planning would change costs one GetPolicy more. A policy
whose tags say it is not owned keeps `owned=False`, and planning reports it as a conflict.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import LivePolicy, Ownership
from reconciler.aws.iam_read import listed_policies, with_documents, with_tags
from reconciler.kinds.iam_policy import IamPolicy, tenant_of
from reconciler.kinds.iam_policy_plan import (
    desired_policies,
    ownership_needed,
    tag_keys,
    wants_iam,
)
from reconciler.state import Attachments, Desired, Live, Settings


def read_policies(factory: ClientFactory, desired: Desired, live: Live, *,
                  scope: frozenset[str] | None = None, parallelism: int = 8,
                  page_size: int = 1000) -> dict[str, IamPolicy]:
    """The policies under `settings.iam_path` that are, or may be, the tool's: keyed
    `<tenant>/<template>`, limited to the tenants in `scope` (None: all). No call is made
    when the config declares no IAM template."""
    if not wants_iam(desired):
        return {}
    settings = desired.settings
    wanted = desired_policies(desired, live, frozenset())
    key_of = {p.policy_name: key for key, p in wanted.items()}
    listed = listed_policies(factory, settings.iam_path, page_size=page_size)
    matched = [p for p in listed if p.name in key_of
               and (scope is None or tenant_of(key_of[p.name]) in scope)]
    strays = [p for p in listed if p.name not in key_of]
    attached = {p.policy_name for p in wanted.values() if p.attach}
    read = with_documents(factory, matched, with_attachments=attached,
                          parallelism=parallelism)
    found = {key_of[p.name]: _policy(key_of[p.name], p, owned=None) for p in read.values()}

    needed = ownership_needed(desired, replace(live, objects={**live.objects,
                                                              "iam_policy": found}))
    ownership = Ownership(settings.ownership_tag_key, settings.ownership_tag_value)
    evidence = [p for p in read.values() if key_of[p.name] in needed]
    tagged = with_tags(factory, evidence + strays, ownership, parallelism=parallelism)
    for policy in evidence:
        key = key_of[policy.name]
        if policy.name in tagged:
            found[key] = _policy(key, replace(read[policy.name], tags=tagged[policy.name].tags,
                                         description=tagged[policy.name].description),
                                 owned=tagged[policy.name].owned)
        else:
            del found[key]  # deleted since the listing
    tenant_key, template_key = tag_keys(settings)
    orphans: dict[str, str] = {}
    for stray in strays:
        policy = tagged.get(stray.name)
        if policy is None or not policy.owned:
            continue
        tags = policy.tags
        if tenant_key not in tags or template_key not in tags:
            continue
        key = f"{tags[tenant_key]}/{tags[template_key]}"
        if key not in found and (scope is None or tenant_of(key) in scope):
            orphans[policy.name] = key
    # an orphan's document and attachments: deleting it detaches them, import writes them back
    whole = with_documents(factory, [tagged[n] for n in orphans], parallelism=parallelism)
    for name, policy in whole.items():
        found[orphans[name]] = _policy(orphans[name], policy, owned=True)
    found.update(_moved(factory, wanted, found, live, scope, ownership, settings))
    return dict(sorted(found.items()))


def _moved(factory: ClientFactory, wanted: dict[str, IamPolicy], found: dict[str, IamPolicy],
           live: Live, scope: frozenset[str] | None, ownership: Ownership,
           settings: Settings) -> dict[str, IamPolicy]:
    """Owned policies the config wants that live at another path (the path setting changed):
    looked for by name (`aws.iam_lookup`) only when a wanted policy of an existing tenant is
    missing under the path, so the plan moves them; an unchanged plan never asks."""
    missing = {p.policy_name for key, p in wanted.items()
               if key not in found and tenant_of(key) in live.tenants
               and (scope is None or tenant_of(key) in scope)}
    if not missing:
        return {}
    from reconciler.aws.iam_lookup import policies_named

    key_of = {p.policy_name.lower(): key for key, p in wanted.items()}
    tenant_key, template_key = tag_keys(settings)
    out: dict[str, IamPolicy] = {}
    for policy in policies_named(factory.client("iam"), missing, ownership,
                                 skip_path=settings.iam_path).values():
        if not policy.owned:
            continue
        tags = policy.tags
        key = (f"{tags[tenant_key]}/{tags[template_key]}"
               if tenant_key in tags and template_key in tags
               else key_of.get(policy.name.lower()))
        if key is not None and key not in found:
            out[key] = _policy(key, policy, owned=True)
    return out


def _policy(key: str, policy: LivePolicy, *, owned: bool | None) -> IamPolicy:
    got = policy.attachments
    return IamPolicy(
        name=key, policy_name=policy.name, path=policy.path,
        document=dict(policy.document or {}), description=policy.description,
        attach=got or Attachments(),
        arn=policy.arn, policy_id=policy.policy_id, version=policy.default_version_id,
        tags=dict(policy.tags) if owned is not None else {}, owned=owned)

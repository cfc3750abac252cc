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
   without the ownership tag is someone else's and is dropped).

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
from reconciler.state import Attachments, Desired, Live


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
            found[key] = _policy(key, replace(read[policy.name], tags=tagged[policy.name].tags),
                                 owned=tagged[policy.name].owned)
        else:
            del found[key]  # deleted since the listing
    tenant_key, template_key = tag_keys(settings)
    for stray in strays:
        policy = tagged.get(stray.name)
        if policy is None or not policy.owned:
            continue
        tags = policy.tags
        if tenant_key not in tags or template_key not in tags:
            continue
        key = f"{tags[tenant_key]}/{tags[template_key]}"
        if key not in found and (scope is None or tenant_of(key) in scope):
            found[key] = _policy(key, policy, owned=True)
    return dict(sorted(found.items()))


def _policy(key: str, policy: LivePolicy, *, owned: bool | None) -> IamPolicy:
    got = policy.attachments
    return IamPolicy(
        name=key, policy_name=policy.name, path=policy.path,
        document=dict(policy.document or {}), description=policy.description,
        attach=Attachments(tuple(sorted(got.roles)), tuple(sorted(got.groups)),
                           tuple(sorted(got.users))) if got else Attachments(),
        arn=policy.arn, policy_id=policy.policy_id, version=policy.default_version_id,
        tags=dict(policy.tags) if owned is not None else {}, owned=owned)

"""IAM policies and roles under the tool's path, read with a known number of calls.

The iam_policy kind reads policies in pieces (`reconciler.kinds.iam_policy_read`), with L
listed under `path`, D of them named by the config, A of those with attachments, T whose tags
are needed:

- `listed_policies`: ListPolicies (`Scope=Local`, `PathPrefix=path`, `MaxItems` 1,000, Marker
  paging): ⌈L/1000⌉. Names, ARNs, default version ids and attachment counts; no tags (neither
  ListPolicies nor GetAccountAuthorizationDetails returns a policy's tags, AWS and moto alike);
- `with_documents`: GetPolicyVersion of the default version: D, + ListEntitiesForPolicy for
  those that declare attachments or whose AttachmentCount is above zero: A;
- `with_tags`: GetPolicy (tags, hence ownership): T.

A plan that changes nothing, with every listed policy the config's: ⌈P/1000⌉ + P + A.

`read_policies` reads every listed policy whole instead (GetPolicy each, then the document of
the owned ones): ⌈C/1000⌉ + C + O + A, + O with `versions=True`. `bulk=True` lists with
GetAccountAuthorizationDetails (`Filter=LocalManagedPolicy`, every customer-managed policy of
the account, L of them, with every version's document): ⌈L/1000⌉ + C + A. IAM may cut its
pages short of MaxItems (moto never pages it), and iam:GetAccountAuthorizationDetails reads
every policy, role, group and user of the account, which a least-privilege reviewer may
refuse.

Roles (R listed, O owned): ListRoles (PathPrefix, 1,000 a page) ⌈R/1000⌉, GetRole per listed
role (ListRoles returns no tags) R, ListAttachedRolePolicies per owned role O. A targeted read
of a known role is GetRole + ListAttachedRolePolicies."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import (
    Attachments,
    LivePolicy,
    LiveRole,
    Ownership,
    PolicyVersion,
    Principal,
    document_from_wire,
    iam_tags,
)
from reconciler.aws.pool import worker_pool
from reconciler.aws.settle import NO_SETTLE, Settle, is_missing, settled

MAX_ITEMS = 1000


def marker_pages(call: Callable[..., Mapping[str, Any]], **params: Any
                 ) -> Iterator[Mapping[str, Any]]:
    """Every page of an IAM listing (Marker / IsTruncated)."""
    marker: str | None = None
    while True:
        page = call(**params, **({"Marker": marker} if marker else {}))
        yield page
        marker = page.get("Marker") if page.get("IsTruncated") else None
        if not marker:
            return


def _or_none(call: Callable[[], Any], settle: Settle) -> Any:
    """The answer, or None when the entity does not exist (after `settle`)."""
    try:
        return settled(call, settle)
    except ClientError as err:
        if is_missing(err):
            return None
        raise


def _version(item: Mapping[str, Any]) -> PolicyVersion:
    return PolicyVersion(str(item["VersionId"]), bool(item.get("IsDefaultVersion")),
                         item.get("CreateDate"))


def policy_versions(client: Any, arn: str) -> tuple[PolicyVersion, ...]:
    """Every version of a policy, oldest first (ListPolicyVersions, one page: at most 5)."""
    items = [_version(v) for page in marker_pages(client.list_policy_versions, PolicyArn=arn)
             for v in page.get("Versions") or ()]
    return tuple(sorted(items, key=lambda v: v.number))


def policy_attachments(client: Any, arn: str) -> Attachments | None:
    """Every role, group and user the policy is attached to; None if the policy is gone
    (AWS answers NoSuchEntity; moto answers an empty list)."""
    principals: list[Principal] = []
    try:
        for page in marker_pages(client.list_entities_for_policy, PolicyArn=arn,
                                 MaxItems=MAX_ITEMS):
            principals += [Principal("role", r["RoleName"]) for r in page.get("PolicyRoles") or ()]
            principals += [Principal("group", g["GroupName"])
                           for g in page.get("PolicyGroups") or ()]
            principals += [Principal("user", u["UserName"]) for u in page.get("PolicyUsers") or ()]
    except ClientError as err:
        if is_missing(err):
            return None
        raise
    return Attachments.of(principals)


def read_policy(factory: ClientFactory, arn: str, ownership: Ownership, *,
                attachments: bool = False, versions: bool = False,
                settle: Settle = NO_SETTLE) -> LivePolicy | None:
    """One policy by ARN: GetPolicy, then for an owned one GetPolicyVersion (default),
    ListEntitiesForPolicy when `attachments` or it is attached anywhere, ListPolicyVersions
    when `versions`. None if it does not exist. Pass a `Settle` when the policy was written
    earlier in the same run: NoSuchEntity is then retried while IAM catches up."""
    return fetch_policy(factory.client("iam"), arn, ownership, attachments=attachments,
                        versions=versions, settle=settle)


def fetch_policy(client: Any, arn: str, ownership: Ownership, *, attachments: bool = False,
                 versions: bool = False, settle: Settle = NO_SETTLE) -> LivePolicy | None:
    """`read_policy` on an IAM client (the writers' entry point)."""
    wire = _or_none(lambda: client.get_policy(PolicyArn=arn)["Policy"], settle)
    if wire is None:
        return None
    return _complete(client, wire, ownership, attachments, versions, settle)


def _complete(client: Any, wire: Mapping[str, Any], ownership: Ownership, attachments: bool,
              versions: bool, settle: Settle,
              detail: Mapping[str, Any] | None = None) -> LivePolicy | None:
    """The LivePolicy of a GetPolicy answer; `detail` (a GetAccountAuthorizationDetails item)
    supplies the documents and versions when its default version is GetPolicy's."""
    tags = iam_tags(wire.get("Tags"))
    policy = LivePolicy(
        name=str(wire["PolicyName"]), path=str(wire.get("Path") or "/"), arn=str(wire["Arn"]),
        policy_id=str(wire.get("PolicyId") or ""),
        default_version_id=str(wire.get("DefaultVersionId") or ""), tags=tags,
        owned=ownership.owns(tags), attachment_count=int(wire.get("AttachmentCount") or 0),
        description=str(wire.get("Description") or ""))
    if not policy.owned:
        return policy
    listed = list((detail or {}).get("PolicyVersionList") or ())
    known = [v for v in listed if v.get("VersionId") == policy.default_version_id]
    version = known[0] if known else _or_none(lambda: client.get_policy_version(
        PolicyArn=policy.arn, VersionId=policy.default_version_id)["PolicyVersion"], settle)
    if version is None:
        return None
    if known:
        found_versions: tuple[PolicyVersion, ...] | None = tuple(
            sorted((_version(v) for v in listed), key=lambda v: v.number))
    else:
        found_versions = policy_versions(client, policy.arn) if versions else None
    found = policy_attachments(client, policy.arn) if (
        attachments or policy.attachment_count) else Attachments()
    return replace(policy, document=document_from_wire(version.get("Document")),
                   versions=found_versions, attachments=found)


def list_policies(factory: ClientFactory, path: str, *, page_size: int = MAX_ITEMS
                  ) -> list[Mapping[str, Any]]:
    """ListPolicies items under `path` (customer-managed only), every page."""
    client = factory.client("iam")
    return [item for page in marker_pages(client.list_policies, Scope="Local", PathPrefix=path,
                                          MaxItems=page_size)
            for item in page.get("Policies") or ()]


def authorization_details(factory: ClientFactory, path: str, *, page_size: int = MAX_ITEMS
                          ) -> list[Mapping[str, Any]]:
    """GetAccountAuthorizationDetails items of every customer-managed policy under `path`,
    with the documents of all their versions (the call cannot filter by path)."""
    client = factory.client("iam")
    return [item for page in marker_pages(client.get_account_authorization_details,
                                          Filter=["LocalManagedPolicy"], MaxItems=page_size)
            for item in page.get("Policies") or () if str(item.get("Path", "")).startswith(path)]


def read_policies(factory: ClientFactory, path: str, ownership: Ownership, *,
                  with_attachments: Collection[str] = (), versions: bool = False,
                  bulk: bool = False, page_size: int = MAX_ITEMS,
                  parallelism: int = 8,
                  only: Callable[[str], bool] | None = None) -> dict[str, LivePolicy]:
    """Every customer-managed policy under `path` (whose name `only` accepts, if given), by
    name: owned ones with their default
    document (and attachments, for the names in `with_attachments` and any attached policy),
    foreign ones with their tags only. A policy deleted between the listing and its GetPolicy
    is left out. `bulk` lists with GetAccountAuthorizationDetails instead of ListPolicies,
    which brings every version's document (no GetPolicyVersion, versions always filled) at
    the price of that account-wide permission. Call counts: see the module docstring."""
    listed = (authorization_details(factory, path, page_size=page_size) if bulk
              else list_policies(factory, path, page_size=page_size))
    if only is not None and not bulk:  # authorization details may carry no name
        listed = [item for item in listed if only(str(item.get("PolicyName", "")))]
    client = factory.client("iam")

    def one(item: Mapping[str, Any]) -> LivePolicy | None:
        wire = _or_none(lambda: client.get_policy(PolicyArn=item["Arn"])["Policy"], NO_SETTLE)
        if wire is None:
            return None
        # GetPolicy's name: moto's authorization details carry none
        return _complete(client, wire, ownership, wire["PolicyName"] in with_attachments,
                         versions, NO_SETTLE, item if bulk else None)

    with worker_pool(parallelism) as pool:
        futures = [pool.submit(one, item) for item in listed]
        found = [future.result() for future in futures]
    return {p.name: p for p in sorted((p for p in found if p is not None), key=lambda p: p.name)}


def listed_policies(factory: ClientFactory, path: str, *, page_size: int = MAX_ITEMS
                    ) -> list[LivePolicy]:
    """The policies under `path` as ListPolicies shows them, every page: name, ARN, default
    version id and attachment count, but no tags (ownership unknown, `owned` False) and no
    document. ⌈C/page_size⌉ calls."""
    return [LivePolicy(name=str(item["PolicyName"]), path=str(item.get("Path") or "/"),
                       arn=str(item["Arn"]), policy_id=str(item.get("PolicyId") or ""),
                       default_version_id=str(item.get("DefaultVersionId") or ""),
                       attachment_count=int(item.get("AttachmentCount") or 0))
            for item in list_policies(factory, path, page_size=page_size)]


def with_documents(factory: ClientFactory, listed: Collection[LivePolicy], *,
                   with_attachments: Collection[str] = (),
                   parallelism: int = 8) -> dict[str, LivePolicy]:
    """The listed policies with their default document (GetPolicyVersion each) and, for the
    names in `with_attachments` or any with an attachment count, their attachments
    (ListEntitiesForPolicy). Tags are not read. A policy deleted since the listing is left
    out."""
    client = factory.client("iam")

    def one(policy: LivePolicy) -> LivePolicy | None:
        version = _or_none(lambda: client.get_policy_version(
            PolicyArn=policy.arn, VersionId=policy.default_version_id)["PolicyVersion"],
                           NO_SETTLE)
        if version is None:
            return None
        found = policy_attachments(client, policy.arn) if (
            policy.name in with_attachments or policy.attachment_count) else Attachments()
        if found is None:
            return None
        return replace(policy, document=document_from_wire(version.get("Document")),
                       attachments=found)

    return _each(one, listed, parallelism)


def with_tags(factory: ClientFactory, listed: Collection[LivePolicy], ownership: Ownership,
              *, parallelism: int = 8) -> dict[str, LivePolicy]:
    """The listed policies with their tags, ownership and description (GetPolicy each: the
    evidence a write or delete needs; ListPolicies returns neither
    tags nor description). A policy deleted since the listing is left out."""
    client = factory.client("iam")

    def one(policy: LivePolicy) -> LivePolicy | None:
        wire = _or_none(lambda: client.get_policy(PolicyArn=policy.arn)["Policy"], NO_SETTLE)
        if wire is None:
            return None
        tags = iam_tags(wire.get("Tags"))
        return replace(policy, tags=tags, owned=ownership.owns(tags),
                       description=str(wire.get("Description") or ""))

    return _each(one, listed, parallelism)


def _each(one: Callable[[LivePolicy], LivePolicy | None], listed: Collection[LivePolicy],
          parallelism: int) -> dict[str, LivePolicy]:
    with worker_pool(parallelism) as pool:
        futures = [pool.submit(one, policy) for policy in listed]
        found = [future.result() for future in futures]
    return {p.name: p for p in sorted((p for p in found if p is not None), key=lambda p: p.name)}


def _role(client: Any, wire: Mapping[str, Any], ownership: Ownership, attached: bool,
          settle: Settle) -> LiveRole | None:
    tags = iam_tags(wire.get("Tags"))
    owned = ownership.owns(tags)
    arns: frozenset[str] | None = None
    if owned and attached:
        try:
            arns = frozenset(p["PolicyArn"] for page in marker_pages(
                lambda **kw: settled(lambda: client.list_attached_role_policies(**kw), settle),
                RoleName=wire["RoleName"], MaxItems=MAX_ITEMS)
                for p in page.get("AttachedPolicies") or ())
        except ClientError as err:
            if is_missing(err):
                return None
            raise
    return LiveRole(
        name=str(wire["RoleName"]), path=str(wire.get("Path") or "/"), arn=str(wire["Arn"]),
        role_id=str(wire.get("RoleId") or ""),
        trust_policy=document_from_wire(wire.get("AssumeRolePolicyDocument")),
        max_session_duration=int(wire.get("MaxSessionDuration") or 3600),
        description=str(wire.get("Description") or ""), tags=tags, owned=owned, attached=arns)


def read_role(factory: ClientFactory, name: str, ownership: Ownership, *,
              attached: bool = True, settle: Settle = NO_SETTLE) -> LiveRole | None:
    """GetRole (+ ListAttachedRolePolicies for an owned role when `attached`); None if the
    role does not exist."""
    return fetch_role(factory.client("iam"), name, ownership, attached=attached, settle=settle)


def fetch_role(client: Any, name: str, ownership: Ownership, *, attached: bool = True,
               settle: Settle = NO_SETTLE) -> LiveRole | None:
    """`read_role` on an IAM client (the writers' entry point)."""
    wire = _or_none(lambda: client.get_role(RoleName=name)["Role"], settle)
    return None if wire is None else _role(client, wire, ownership, attached, settle)


def read_roles(factory: ClientFactory, path: str, ownership: Ownership, *,
               page_size: int = MAX_ITEMS, parallelism: int = 8) -> dict[str, LiveRole]:
    """Every role under `path`, by name; owned ones with their attached policy ARNs."""
    client = factory.client("iam")
    listed = [item for page in marker_pages(client.list_roles, PathPrefix=path,
                                            MaxItems=page_size)
              for item in page.get("Roles") or ()]
    with worker_pool(parallelism) as pool:
        futures = [pool.submit(read_role, factory, item["RoleName"], ownership)
                   for item in listed]
        found = [future.result() for future in futures]
    return {r.name: r for r in sorted((r for r in found if r is not None), key=lambda r: r.name)}

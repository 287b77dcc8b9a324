"""Reads of data sharing: the catalogue, the negative list, subscriptions, usage, 免提交 mappings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from yiwang.core.models import Applicant, ApplicantKind, Department
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.selectors import departments_where, staff_roles_of
from yiwang.core.users import User
from yiwang.exchange.models import (
    AccessLog,
    ApiCredential,
    DataResource,
    Dataset,
    DatasetPush,
    KeyKind,
    LookupReview,
    MaterialProof,
    NegativeListEntry,
    ResourceField,
    Subscription,
)
from yiwang.exchange.rows import key_index


def catalogue() -> QuerySet[DataResource]:
    """Published resources with their fields; each field and resource annotated ``listed``
    (named by an active negative-list entry)."""
    active = NegativeListEntry.objects.filter(lifted_at__isnull=True)
    fields = ResourceField.objects.annotate(listed=Exists(active.filter(field=OuterRef("pk"))))
    return (
        DataResource.objects.filter(is_active=True)
        .select_related("provider")
        .annotate(listed=Exists(active.filter(resource=OuterRef("pk"), field__isnull=True)))
        .prefetch_related(Prefetch("fields", queryset=fields))
        .order_by("provider__sort_order", "code")
    )


def resource_by_code(code: str) -> DataResource | None:
    return catalogue().filter(code=code).first()


def negative_list(*, provider: Department | None = None) -> QuerySet[NegativeListEntry]:
    rows = NegativeListEntry.objects.filter(lifted_at__isnull=True).select_related("resource__provider", "field")
    return rows.filter(resource__provider=provider) if provider else rows


def my_departments(user: User) -> list[Department]:
    return [r.department for r in staff_roles_of(user)] if user.is_authenticated else []


def steward_departments(user: User) -> list[int]:
    if getattr(user, "is_superuser", False):
        return list(Department.objects.values_list("pk", flat=True))
    return departments_where(user, "steward")


def incoming_subscriptions(user: User) -> QuerySet[Subscription]:
    """Requests to the departments this user stewards."""
    return (Subscription.objects.filter(resource__provider_id__in=steward_departments(user))
            .select_related("resource__provider", "consumer", "requested_by", "decided_by"))


def outgoing_subscriptions(user: User) -> QuerySet[Subscription]:
    ids = [d.pk for d in my_departments(user)]
    return Subscription.objects.filter(consumer_id__in=ids).select_related("resource__provider", "consumer")


def subscription_for(user: User, pk: int) -> Subscription | None:
    ids = {d.pk for d in my_departments(user)} | set(steward_departments(user))
    return (Subscription.objects.select_related("resource__provider", "consumer")
            .filter(Q(consumer_id__in=ids) | Q(resource__provider_id__in=ids), pk=pk).first())


def credentials_of(user: User) -> QuerySet[ApiCredential]:
    ids = [d.pk for d in my_departments(user)]
    return ApiCredential.objects.filter(department_id__in=ids).select_related("department").prefetch_related("subscriptions__resource")


def provider_usage(department_ids: list[int]) -> QuerySet[AccessLog]:
    """Who used these departments' data (数据使用情况), newest first."""
    return AccessLog.objects.filter(provider_id__in=department_ids).select_related("consumer", "resource", "provider")


def consumer_usage(department_ids: list[int]) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(consumer_id__in=department_ids).select_related("consumer", "resource", "provider")


def subject_usage(applicant: Applicant) -> QuerySet[AccessLog]:
    """Every access to this applicant's own data (数据使用记录), refusals included."""
    kind = KeyKind.CITIZEN_ID if applicant.kind == ApplicantKind.PERSON else KeyKind.USCC
    return (AccessLog.objects.filter(subject_index=key_index(kind, applicant.id_number))
            .select_related("consumer", "resource", "provider"))


def field_labels(logs: list[AccessLog]) -> dict[tuple[int | None, str], str]:
    ids = {log.resource_id for log in logs if log.resource_id}
    return {(rid, name): label for rid, name, label in
            ResourceField.objects.filter(resource_id__in=ids).values_list("resource_id", "name", "label")}


def datasets_of(resource: DataResource) -> QuerySet[Dataset]:
    return Dataset.objects.filter(resource=resource).select_related("uploaded_by")


def pushes_of(resource: DataResource) -> QuerySet[DatasetPush]:
    """Dataset pushes into ``resource``, newest first, with the dataset each became."""
    return DatasetPush.objects.filter(resource=resource).select_related("pushed_by", "dataset")


def push_by_id(pk: int) -> DatasetPush | None:
    return DatasetPush.objects.select_related("resource__provider", "pushed_by", "dataset__resource").filter(pk=pk).first()


def _proofs_for(item_id: int, key_kind: str) -> QuerySet[MaterialProof]:
    return (MaterialProof.objects.filter(material__item_id=item_id, resource__key_kind=key_kind, resource__is_active=True)
            .select_related("material", "resource__provider")
            .order_by("material__sort_order", "material_id"))


# Every submission reads this (catalog.selectors.material_provisions): compiled once per connection
# (core/precompiled.py).
_PROOFS_FOR = PrecompiledQuery(_proofs_for, item_id=int, key_kind=str)


def materials_provable_by_sharing(*, item: Any, applicant: Applicant) -> list[MaterialProof]:
    """The materials of ``item`` that data sharing can prove for this applicant (免提交): those with a
    ``MaterialProof`` whose resource is keyed by the applicant's kind of ID. Reads no shared data;
    ``services.prove_materials`` fetches and checks them for a case."""
    kind = KeyKind.CITIZEN_ID if applicant.kind == ApplicantKind.PERSON else KeyKind.USCC
    return _PROOFS_FOR.fetch(item_id=item.pk, key_kind=kind)


def obtainable_by_sharing(*, item: Any, applicant: Applicant, now: dt.datetime | None = None) -> set[int]:
    """The materials of ``item`` that data sharing will obtain for ``applicant``'s case, as far as
    can be known without reading their data: a proof for the applicant's kind of ID, a resource
    with data, and the policy (``policy.decide``, channel ``case``, the item's department as the
    consumer) granting the proof's fields now — the department's own resource (an owner read) or
    an active subscription naming them. Whether the applicant's own record exists and meets the
    proof's condition is read only at submission, for the case, through the gateway and its access
    log (``services.prove_materials``); a page is never a reason to read a person's data."""
    from yiwang.core.errors import DomainError
    from yiwang.exchange import gateway, policy
    from yiwang.exchange.models import Channel

    now = now or timezone.now()
    consumer = policy.Consumer(department=item.department)
    catalogues: dict[str, Any] = {}
    subscriptions: dict[str, list[Subscription]] = {}
    out: set[int] = set()
    for proof in materials_provable_by_sharing(item=item, applicant=applicant):
        code = proof.resource.code
        if code not in catalogues:
            catalogues[code] = gateway.load_catalogue(code)
            subscriptions[code] = list(Subscription.objects.filter(resource_id=proof.resource_id,
                                                                   consumer_id=item.department_id).order_by("-id"))
        catalogue = catalogues[code]
        if catalogue is None or not catalogue.resource.current_version:
            continue
        names = list(dict.fromkeys([*proof.fields, *([proof.condition_field] if proof.condition_field else [])]))
        try:
            policy.decide(consumer=consumer, catalogue=catalogue, subscriptions=subscriptions[code], field_names=names,
                          now=now, channel=Channel.CASE)
        except DomainError:
            continue
        out.add(proof.material_id)
    return out


def with_field_labels(subscriptions: list[Subscription]) -> list[Subscription]:
    """Each subscription with ``field_rows``: ``(name, label, asked in clear, granted in clear)`` per
    field, so that pages show field names, and which are asked or granted unmasked, never raw ids."""
    ids = {s.resource_id for s in subscriptions}
    labels = {(r, n): label for r, n, label in
              ResourceField.objects.filter(resource_id__in=ids).values_list("resource_id", "name", "label")}
    for s in subscriptions:
        clear = set(s.clear_fields or [])
        s.field_rows = [(n, labels.get((s.resource_id, n), n), n in clear) for n in s.fields]  # type: ignore[attr-defined]  # an attribute added to the row here for the page or the policy check
    return subscriptions


def review_queue(user: User, status: str = "pending") -> QuerySet[LookupReview]:
    """Lookups made with a documented reason, for the stewards of the providing departments."""
    return (LookupReview.objects.filter(provider_id__in=steward_departments(user), status=status)
            .select_related("access__resource", "consumer", "actor", "reviewed_by"))


def review_for(user: User, pk: int) -> LookupReview | None:
    return LookupReview.objects.filter(pk=pk, provider_id__in=steward_departments(user)).select_related("provider").first()


# ------------------------------------------------------------------------------ the steward's workbench


@dataclass
class StewardWorkbench:
    """What a data steward (数据管理员) has to do and watch, for the departments they steward."""

    departments: list[Department]
    pending_requests: list[Subscription]
    pending_request_count: int
    resources: Sequence[DataResource]  # each annotated with its active_subscriptions
    held_datasets: list[Dataset]
    pushes_in_flight: int
    failed_pushes: list[DatasetPush]
    reviews_pending: int
    recent_accesses: list[tuple[AccessLog, list[str]]]  # each with the labels of the fields it returned
    accesses_today: int
    refused_today: int
    active_subscriptions: int


def steward_workbench(user: User, *, now: dt.datetime | None = None, recent: int = 8) -> StewardWorkbench | None:
    """The steward's workbench for the departments ``user`` is a steward of (None: not a steward):
    sharing requests waiting for their decision, their resources (version, rows, active
    subscriptions), pushes held for review or failed, lookups waiting for review, and the latest
    uses of their data. A few small queries, each bounded."""
    from yiwang.exchange.models import DatasetStatus, PushStatus, ReviewStatus, SubscriptionStatus

    ids = departments_where(user, "steward")
    if not ids:
        return None
    now = now or timezone.now()
    pending = (Subscription.objects.filter(resource__provider_id__in=ids, status=SubscriptionStatus.PENDING)
               .select_related("resource", "consumer").order_by("requested_at", "id"))
    resources = list(DataResource.objects.filter(provider_id__in=ids).select_related("provider")
                     .annotate(active_subscriptions=Count("subscriptions", filter=Q(
                         subscriptions__status=SubscriptionStatus.APPROVED)
                         & (Q(subscriptions__expires_at__isnull=True) | Q(subscriptions__expires_at__gt=now))))
                     .order_by("code"))
    usage = AccessLog.objects.filter(provider_id__in=ids)
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = usage.filter(created_at__gte=start).aggregate(
        total=Count("id"), refused=Count("id", filter=Q(outcome="refused")))
    accesses = list(usage.select_related("consumer", "resource").order_by("-created_at", "-id")[:recent])
    labels = field_labels(accesses)
    return StewardWorkbench(
        departments=list(Department.objects.filter(pk__in=ids).order_by("sort_order", "code")),
        pending_requests=with_field_labels(list(pending[:5])), pending_request_count=pending.count(),
        resources=resources,
        held_datasets=list(Dataset.objects.filter(resource__provider_id__in=ids, status=DatasetStatus.HELD)
                           .select_related("resource").order_by("-received_at")[:10]),
        pushes_in_flight=DatasetPush.objects.filter(resource__provider_id__in=ids,
                                                    status__in=(PushStatus.QUEUED, PushStatus.LOADING)).count(),
        failed_pushes=list(DatasetPush.objects.filter(resource__provider_id__in=ids, status=PushStatus.FAILED,
                                                      created_at__gte=now - dt.timedelta(days=7))
                           .select_related("resource").order_by("-created_at")[:5]),
        reviews_pending=LookupReview.objects.filter(provider_id__in=ids, status=ReviewStatus.PENDING).count(),
        recent_accesses=[(a, [labels.get((a.resource_id, f), f) for f in a.fields_returned]) for a in accesses],
        accesses_today=today["total"] or 0, refused_today=today["refused"] or 0,
        active_subscriptions=sum(r.active_subscriptions for r in resources),
    )

"""Every read of notices that depends on who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.selectors import authorities_editable_by, authorities_of
from backend.errors import NotFound

from .models import DocumentVersion, Notice, NoticeStatus, TenderDocument

AnyUser = User | AnonymousUser
PUBLIC_STATUSES = (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED, NoticeStatus.CANCELLED)


def _with_related(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    return qs.select_related("buyer").prefetch_related(
        "lots",
        Prefetch("documents", queryset=TenderDocument.objects.prefetch_related("versions")),
    )


def notice_list_visible(*, user: AnyUser) -> QuerySet[Notice]:
    """Published notices for everyone, plus drafts of the user's own authorities."""
    visible = Q(status__in=PUBLIC_STATUSES)
    if user.is_authenticated:
        visible |= Q(buyer__in=authorities_of(user=user))
    return _with_related(Notice.objects.filter(visible))


@dataclass(frozen=True)
class NoticeFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    cpv: str = ""
    nuts: str = ""
    buyer: str = ""
    deadline_after: datetime | None = None
    deadline_before: datetime | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    ordering: str = "-published_at"


ORDERINGS = {
    "-published_at": ("-published_at", "-pk"),
    "published_at": ("published_at", "pk"),
    "submission_deadline": ("submission_deadline", "pk"),
    "-submission_deadline": ("-submission_deadline", "-pk"),
}


def _cpv_prefix(code: str) -> str:
    """45000000 -> 45, 45200000 -> 452: the tree level is the digits before the zeros."""
    digits = code.strip()[:8]
    stripped = digits.rstrip("0")
    return stripped[: max(2, len(stripped))] if len(stripped) >= 2 else digits[:2]


def notice_list_public(*, filters: NoticeFilters) -> QuerySet[Notice]:
    """The public notice board: published, closed and cancelled notices, filtered."""
    qs = Notice.objects.filter(status__in=PUBLIC_STATUSES)
    f = filters
    if f.q:
        for word in f.q.split():
            qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word)
                           | Q(buyer__name__icontains=word) | Q(lots__title__icontains=word)
                           | Q(reference__iexact=word))
        qs = qs.distinct()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.cpv:
        prefix = _cpv_prefix(f.cpv)
        qs = qs.filter(Q(cpv_main__startswith=prefix) | Q(lots__cpv__startswith=prefix)).distinct()
    if f.nuts:
        qs = qs.filter(nuts__startswith=f.nuts.strip().upper())
    if f.buyer:
        qs = qs.filter(Q(buyer__org_number=f.buyer) | Q(buyer__name__icontains=f.buyer))
    if f.deadline_after:
        qs = qs.filter(submission_deadline__gte=f.deadline_after)
    if f.deadline_before:
        qs = qs.filter(submission_deadline__lte=f.deadline_before)
    if f.published_after:
        qs = qs.filter(published_at__gte=f.published_after)
    if f.published_before:
        qs = qs.filter(published_at__lte=f.published_before)
    if f.value_min is not None:
        qs = qs.filter(estimated_value__gte=f.value_min)
    if f.value_max is not None:
        qs = qs.filter(estimated_value__lte=f.value_max)
    return _with_related(qs.order_by(*ORDERINGS.get(f.ordering, ORDERINGS["-published_at"])))


def notice_get_visible(*, pk: int | str, user: AnyUser) -> Notice:
    notice = notice_list_visible(user=user).filter(
        Q(reference=str(pk)) | Q(pk=int(pk) if str(pk).isdigit() else -1)).first()
    if notice is None:
        raise NotFound("No such notice.")
    return notice


def notice_get_editable(*, pk: int | str, user: AnyUser) -> Notice:
    """A notice the user may write to (any status; services check the status)."""
    notice = notice_get_visible(pk=pk, user=user)
    if not authorities_editable_by(user=user).filter(pk=notice.buyer_id).exists():
        raise NotFound("No such notice.")
    return notice


def notice_list_workspace(*, user: AnyUser) -> QuerySet[Notice]:
    """All notices of the user's authorities, drafts first."""
    return _with_related(Notice.objects.filter(buyer__in=authorities_of(user=user))).order_by(
        "status", "-updated_at")


def document_version_get_visible(*, notice: Notice, document_id: int,
                                 number: int | None = None) -> DocumentVersion:
    """A document version of a notice the caller can already see (notice_get_visible)."""
    qs = DocumentVersion.objects.filter(document_id=document_id, document__notice=notice)
    version = (qs.filter(number=number) if number else qs.order_by("-number")).first()
    if version is None:
        raise NotFound("No such document.")
    return version

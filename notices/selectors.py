"""Every read of notices that depends on who is asking."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.selectors import AnyUser, authorities_of
from backend.errors import Forbidden, NotFound
from notices.fields import _json_value as json_value
from notices.fields import clean_fields, clean_lots, diff, snapshot
from notices.models import DocumentVersion, Lot, Notice, NoticeStatus, TenderDocument
from notices.permissions import is_buyer_editor
from notices.search.backend import COMPETITION_KINDS, PLANNING_KINDS, RESULT_KINDS, SearchFilters

log = logging.getLogger(__name__)

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
    # planning (prior information), competition (deadline not passed by the clock),
    # result (award notices, and competitions that are closed or past their deadline)
    phase: str = ""
    # relevance | published | deadline; empty: relevance with a text query, else `ordering`
    sort: str = ""


ORDERINGS: dict[str, tuple[str | OrderBy, str]] = {
    "-published_at": ("-published_at", "-pk"),
    "published_at": ("published_at", "pk"),
    "submission_deadline": (F("submission_deadline").asc(nulls_last=True), "pk"),
    "-submission_deadline": (F("submission_deadline").desc(nulls_last=True), "-pk"),
}
SORT_ORDERINGS = {"published": "-published_at", "deadline": "submission_deadline",
                  "relevance": "-published_at"}


def _cpv_prefix(code: str) -> str:
    """45000000 -> 45, 45200000 -> 452: the tree level is the digits before the zeros."""
    digits = code.strip()[:8]
    stripped = digits.rstrip("0")
    return stripped[: max(2, len(stripped))] if len(stripped) >= 2 else digits[:2]


def _phase_q(phase: str, now: datetime) -> Q:
    if phase == "planning":
        return Q(kind__in=PLANNING_KINDS)
    competing = Q(status=NoticeStatus.PUBLISHED, kind__in=COMPETITION_KINDS)
    if phase == "competition":
        return competing & Q(submission_deadline__gt=now)
    return (Q(kind__in=RESULT_KINDS) | Q(status=NoticeStatus.CLOSED)
            | (competing & Q(submission_deadline__lte=now)))


def _buyer_q(buyer: str) -> Q:
    buyer = buyer.strip()
    return Q(buyer__org_number=buyer.replace(" ", "")) | Q(buyer__name__icontains=buyer)


def _apply_filters(qs: QuerySet[Notice], f: NoticeFilters, now: datetime) -> QuerySet[Notice]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.phase:
        qs = qs.filter(_phase_q(f.phase, now))
    if f.cpv:
        # The CPV tree over the main code, the additional codes and every lot's code.
        prefix = _cpv_prefix(f.cpv)
        qs = qs.filter(Q(cpv_main__startswith=prefix)
                       | Q(cpv_additional__icontains=f'"{prefix}')
                       | Q(pk__in=Lot.objects.filter(cpv__startswith=prefix).values("notice_id")))
    if f.nuts:
        qs = qs.filter(nuts__startswith=f.nuts.strip().upper())
    if f.buyer:
        qs = qs.filter(_buyer_q(f.buyer))
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
    return qs


def _sort(f: NoticeFilters) -> str:
    if f.sort in SORT_ORDERINGS:
        return f.sort
    return "relevance" if f.q.strip() else ""


def notice_list_public(*, filters: NoticeFilters,
                       now: datetime | None = None) -> QuerySet[Notice]:
    """The public notice board from the database: published, closed and cancelled notices.

    Words in `q` match by substring here (every word somewhere in title, description, buyer,
    lot titles or reference); ranked full-text search is `notice_search_public`.
    """
    return _with_related(_public_filtered(filters, now or timezone.now()))


def _public_filtered(f: NoticeFilters, now: datetime) -> QuerySet[Notice]:
    qs = Notice.objects.filter(status__in=PUBLIC_STATUSES)
    for word in f.q.split():
        lots = Lot.objects.filter(title__icontains=word).values("notice_id")
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word)
                       | Q(buyer__name__icontains=word) | Q(pk__in=lots)
                       | Q(reference__iexact=word))
    qs = _apply_filters(qs, f, now)
    sort = _sort(f)
    ordering = SORT_ORDERINGS[sort] if sort else f.ordering
    return qs.order_by(*ORDERINGS.get(ordering, ORDERINGS["-published_at"]))


@dataclass
class NoticeSearchResult:
    notices: list[Notice]
    count: int                                   # exact number of hits
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    engine: str = "database"                     # which path answered: database | index
    did_you_mean: dict[str, Any] | None = None   # {"q": respelled words, "count": hits}


# With fewer hits than this, a text search asks the engine for a respelling ("did you mean").
DID_YOU_MEAN_BELOW = 3


# Filters a person can drop when nothing matches, in the order they are suggested.
LOOSENABLE = ("nuts", "cpv", "phase", "kind", "status", "buyer", "deadline", "published",
              "value")
_LOOSEN_FIELDS = {
    "deadline": ("deadline_after", "deadline_before"),
    "published": ("published_after", "published_before"),
    "value": ("value_min", "value_max"),
}


def _filter_label(name: str) -> str:
    return str({
        "nuts": _("place (NUTS)"), "cpv": _("CPV code"), "phase": _("phase"),
        "kind": _("notice type"), "status": _("status"), "buyer": _("buyer"),
        "deadline": _("deadline"), "published": _("publication date"),
        "value": _("estimated value"),
    }[name])


def _engine_filters(f: NoticeFilters, now: datetime) -> SearchFilters:
    buyer_ids: tuple[int, ...] | None = None
    if f.buyer:
        buyer_ids = tuple(Organization.objects.filter(
            Q(org_number=f.buyer.strip().replace(" ", "")) | Q(name__icontains=f.buyer.strip())
        ).values_list("pk", flat=True)[:1000])
    return SearchFilters(
        cpv_prefix=_cpv_prefix(f.cpv) if f.cpv else "",
        nuts_prefix=f.nuts.strip().upper(), kinds=(f.kind,) if f.kind else (),
        statuses=(f.status,) if f.status else (), phase=f.phase or "",  # type: ignore[arg-type]
        now=now, deadline_after=f.deadline_after, deadline_before=f.deadline_before,
        published_after=f.published_after, published_before=f.published_before,
        buyer_ids=buyer_ids, value_min=f.value_min, value_max=f.value_max)


def _use_engine(f: NoticeFilters) -> bool:
    """Text goes to the engine. Filter-only queries too (an exact count over a large
    phase or CPV filter costs the database tens of milliseconds, the index well under
    one), unless settings.SEARCH_FILTERS_FROM_INDEX is off. While the index is empty (a
    fresh installation, or an index of an older format that was set aside, before
    `search_reindex`) the database answers everything."""
    if not f.q.strip() and not getattr(settings, "SEARCH_FILTERS_FROM_INDEX", True):
        return False
    from notices import search
    from notices.search.follow import before_search

    before_search()   # embedded profile: catch up with the outbox (no-op with search_follow)
    try:
        return bool(search.get_backend().num_docs())
    except Exception:
        log.exception("search engine unavailable; answering from the database")
        return False


def _count(f: NoticeFilters, now: datetime) -> int:
    if _use_engine(f):
        from notices import search

        return int(search.get_backend().search(f.q, _engine_filters(f, now), "relevance",
                                               0, 0).total)
    return _public_filtered(f, now).count()


def _suggestions(f: NoticeFilters, now: datetime) -> list[dict[str, Any]]:
    """For an empty result: how many hits each active filter, dropped alone, would give."""
    out = []
    for name in LOOSENABLE:
        fields = _LOOSEN_FIELDS.get(name, (name,))
        if all(getattr(f, field_name) in ("", None) for field_name in fields):
            continue
        cleared: dict[str, Any] = {
            field_name: "" if isinstance(getattr(f, field_name), str) else None
            for field_name in fields}
        looser = replace(f, **cleared)
        hits = _count(looser, now)
        if hits:
            out.append({"remove": name, "count": hits, "message": _(
                "Remove the %(filter)s filter: %(count)s hits") % {
                    "filter": _filter_label(name), "count": hits}})
    return out


def _did_you_mean(f: NoticeFilters, now: datetime, count: int) -> dict[str, Any] | None:
    """The words respelled from the index vocabulary, if that finds more notices with the
    same filters (its count is the index's: drafts are never indexed)."""
    from notices import search

    try:
        suggestion = search.get_backend().suggest(f.q, _engine_filters(f, now), count)
    except Exception:
        log.exception("search engine failed to suggest a spelling")
        return None
    return {"q": suggestion.query, "count": suggestion.total} if suggestion else None


def notice_search_public(*, filters: NoticeFilters, offset: int = 0, limit: int = 20,
                         now: datetime | None = None) -> NoticeSearchResult:
    """The public search: ranked full text through the search engine, filter-only queries
    from the database. Engine hits are re-checked against the database, so a notice the
    board would not show (a draft) never appears, whatever the index holds.

    The notices come with their buyer (select_related) and nothing else prefetched: what a
    result list shows. Pages that show lots prefetch them (prefetch_related_objects)."""
    now = now or timezone.now()
    f = filters
    result: NoticeSearchResult | None = None
    if _use_engine(f):
        from notices import search

        try:
            hits = search.get_backend().search(f.q, _engine_filters(f, now), _sort(f) or
                                               "relevance", offset, limit)
        except Exception:
            log.exception("search engine failed; answering from the database")
        else:
            # The visibility rule is applied in Python on the rows fetched by primary key:
            # with `status IN (...)` in SQL, SQLite walks the status index instead of the
            # 20 primary keys (30 ms at 100,000 notices instead of well under 1 ms).
            rows = {n.pk: n for n in Notice.objects.select_related("buyer").filter(
                pk__in=hits.ids) if n.status in PUBLIC_STATUSES}
            notices = [rows[i] for i in hits.ids if i in rows]
            result = NoticeSearchResult(
                notices=notices, count=max(hits.total - (len(hits.ids) - len(notices)), 0),
                engine="index")
            if f.q.strip() and result.count < DID_YOU_MEAN_BELOW:
                result.did_you_mean = _did_you_mean(f, now, result.count)
    if result is None:
        qs = _public_filtered(f, now).select_related("buyer")
        count = qs.count()
        result = NoticeSearchResult(notices=list(qs[offset:offset + limit]) if limit else [],
                                    count=count)
    if result.count == 0:
        result.suggestions = _suggestions(f, now)
    return result


def notice_get_visible(*, pk: int | str, user: AnyUser) -> Notice:
    notice = notice_list_visible(user=user).filter(
        Q(reference=str(pk)) | Q(pk=int(pk) if str(pk).isdigit() else -1)).first()
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice


def notice_get_editable(*, pk: int | str, user: AnyUser) -> Notice:
    """A notice the user may write to (any status; services check the status).

    404 if the user cannot see it at all (another authority's draft); 403 if they can see
    it but are not its buyer's editor (a published notice, or a draft seen by a committee
    member of the buyer)."""
    notice = notice_get_visible(pk=pk, user=user)
    if not is_buyer_editor(user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can do this.")
                        % {"buyer": notice.buyer.name})
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
        raise NotFound(_("No such document."))
    return version


def notice_change_preview(*, notice: Notice, fields: dict[str, Any],
                          lots: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The diff a change notice with these values would publish. Writes nothing.

    Raises ApplicationError for values the change service would refuse, so the confirmation
    step shows the same messages as the publication itself.
    """
    before = snapshot(notice)
    after = dict(before)
    for name, value in clean_fields(fields).items():
        after[name] = json_value(value)
    if lots is not None:
        after["lots"] = [{name: json_value(value) for name, value in lot.items()}
                         for lot in clean_lots(lots)]
    return diff(before, after)

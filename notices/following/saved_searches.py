"""Saved searches: the parameters of GET /api/notices/, a digest schedule and an Atom feed.

The digest is bookkeeping and idempotent: the notices sent are claimed as DigestDelivery
rows, unique per (saved search, notice), in the same transaction that records the send,
with the saved search row locked. Running the task twice sends nothing twice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import AnyUser, suppliers_of
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.formatting import format_oslo
from backend.links import absolute_url
from notices.following.models import DigestDelivery, Frequency, SavedSearch
from notices.following.services import notice_path
from notices.models import Notice
from notices.selectors import NoticeFilters, notice_list_public

logger = logging.getLogger(__name__)

PERIOD: dict[str, timedelta] = {
    Frequency.IMMEDIATE.value: timedelta(0),
    Frequency.DAILY.value: timedelta(days=1),
    Frequency.WEEKLY.value: timedelta(days=7),
}
# Notices committed a little after their published_at are still caught by the next digest;
# DigestDelivery keeps them from being sent twice.
GRACE = timedelta(hours=1)
# Parameters of the public search that describe presentation, not the search.
NOT_FILTERS = {"ordering", "page", "page_size", "format", "sort"}
MAX_LISTED = 50
MAX_SAVED_SEARCHES = 50


def _query_serializer(data: QueryDict) -> Any:
    from notices.serializers import NoticeQuerySerializer

    return NoticeQuerySerializer(data=data)


def _as_querydict(params: Mapping[str, Any]) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        values = [str(v).strip() for v in values if v not in (None, "") and str(v).strip()]
        if values:
            qd.setlist(str(key), values)
    return qd


def search_params_clean(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filter parameters of a search as GET /api/notices/ takes them, validated.

    Unknown and presentation parameters are dropped; bad values are refused with the
    message the search API would give.
    """
    if not isinstance(params, Mapping):
        raise ApplicationError(_("The search must be an object of search parameters."),
                               fields={"query": [_("An object such as {\"q\": \"vask\"}.")]})
    known = set(_query_serializer(QueryDict()).fields) - NOT_FILTERS
    qd = _as_querydict({k: v for k, v in params.items() if k in known})
    serializer = _query_serializer(qd)
    if not serializer.is_valid():
        fields = {key: [str(e) for e in errs] for key, errs in serializer.errors.items()}
        message = " ".join(f"{key}: {' '.join(errs)}" for key, errs in fields.items())
        raise ApplicationError(_("The search has invalid filters. %(detail)s")
                               % {"detail": message}, fields=fields)
    return {key: (values if len(values) > 1 else values[0]) for key, values in qd.lists()}


def search_filters(params: Mapping[str, Any]) -> NoticeFilters:
    """NoticeFilters from saved parameters, tolerantly: a filter the search no longer
    understands is left out rather than failing the digest or the feed."""
    known = set(_query_serializer(QueryDict()).fields) - NOT_FILTERS
    qd = _as_querydict({k: v for k, v in params.items() if k in known})
    serializer = _query_serializer(qd)
    if not serializer.is_valid():
        for key in serializer.errors:
            qd.pop(key, None)
        serializer = _query_serializer(qd)
        if not serializer.is_valid():
            return NoticeFilters()
    names = {field.name for field in dataclasses.fields(NoticeFilters)} - {"ordering"}
    return NoticeFilters(**{k: v for k, v in serializer.validated_data.items() if k in names})


def saved_search_notices(saved_search: SavedSearch) -> QuerySet[Notice]:
    """The notices the saved search finds today, newest first."""
    qs = notice_list_public(filters=search_filters(saved_search.params))
    return qs.order_by("-published_at", "-pk")


def saved_search_list(*, user: AnyUser) -> QuerySet[SavedSearch]:
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user)


def saved_search_get(*, pk: int, user: AnyUser) -> SavedSearch:
    found = saved_search_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such saved search."))
    return found


def saved_search_get_by_token(*, token: str) -> SavedSearch:
    found = SavedSearch.objects.filter(feed_token=token, user__is_active=True).first() \
        if token else None
    if found is None:
        raise NotFound(_("No such feed."))
    return found


def _clean_name(name: str) -> str:
    name = str(name or "").strip()
    if not name:
        raise ApplicationError(_("Give the saved search a name."),
                               fields={"name": [_("Required.")]})
    if len(name) > 200:
        raise ApplicationError(_("The name can be at most 200 characters."),
                               fields={"name": [_("Too long.")]})
    return name


def _clean_frequency(frequency: str) -> str:
    if frequency not in Frequency.values:
        raise ApplicationError(_("Choose immediately, daily or weekly."),
                               fields={"frequency": [_("Choose one of the listed options.")]})
    return frequency


@transaction.atomic
def saved_search_create(*, user: User, name: str, params: Mapping[str, Any],
                        frequency: str = Frequency.DAILY,
                        now: datetime | None = None) -> SavedSearch:
    now = now or timezone.now()
    if not suppliers_of(user=user).exists():
        raise Forbidden(_("Saved searches are for suppliers. Register your company first."))
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ApplicationError(_("You can keep at most %(n)s saved searches; delete one first.")
                               % {"n": MAX_SAVED_SEARCHES})
    return SavedSearch.objects.create(user=user, name=_clean_name(name),
                                      params=search_params_clean(params),
                                      frequency=_clean_frequency(frequency), created_at=now)


@transaction.atomic
def saved_search_update(*, saved_search: SavedSearch, user: User, name: str | None = None,
                        params: Mapping[str, Any] | None = None,
                        frequency: str | None = None) -> SavedSearch:
    saved_search = saved_search_get(pk=saved_search.pk, user=user)
    if name is not None:
        saved_search.name = _clean_name(name)
    if params is not None:
        saved_search.params = search_params_clean(params)
    if frequency is not None:
        saved_search.frequency = _clean_frequency(frequency)
    saved_search.save(update_fields=["name", "params", "frequency"])
    return saved_search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, user: User) -> None:
    deleted, _rows = SavedSearch.objects.filter(pk=saved_search.pk, user=user).delete()
    if not deleted:
        raise NotFound(_("No such saved search."))


def saved_search_is_due(saved_search: SavedSearch, *, now: datetime) -> bool:
    last = saved_search.last_sent_at
    return last is None or now - last >= PERIOD.get(saved_search.frequency, PERIOD["daily"])


def search_page_path(params: Mapping[str, Any]) -> str:
    try:
        path = reverse("notices:list")
    except Exception:
        path = "/"
    query = urlencode(_as_querydict(params), doseq=True)
    return f"{path}?{query}" if query else path


def feed_path(saved_search: SavedSearch) -> str:
    return reverse("feeds:saved", kwargs={"token": saved_search.feed_token})


def _digest_mail(saved_search: SavedSearch, notices: list[Notice]) -> EmailMessage:
    # In the person's own language (My account), else the site's.
    with translation.override(saved_search.user.language or settings.LANGUAGE_CODE):
        subject = _("[Anbud] %(n)s new notices for “%(name)s”") % {
            "n": len(notices), "name": saved_search.name}
        lines = [_("New notices matching your saved search “%(name)s”:")
                 % {"name": saved_search.name}, ""]
        for notice in notices[:MAX_LISTED]:
            deadline = format_oslo(notice.submission_deadline, "short")
            lines += [f"{notice.reference} {notice.title}",
                      f"  {notice.buyer.name} · " + _("deadline %(d)s") % {"d": deadline},
                      f"  {absolute_url(notice_path(notice))}", ""]
        if len(notices) > MAX_LISTED:
            lines.append(_("… and %(n)s more.") % {"n": len(notices) - MAX_LISTED})
        lines += [_("See all results: %(url)s") % {
            "url": absolute_url(search_page_path(saved_search.params))},
            _("Change or stop this alert: %(url)s") % {"url": absolute_url(_saved_searches_path())}]
    return EmailMessage(subject=subject, body="\n".join(lines), to=[saved_search.user.email])


def _saved_searches_path() -> str:
    try:
        return reverse("following:saved-searches")
    except Exception:
        return "/saved-searches/"


def saved_search_send_digest(*, saved_search_id: int, now: datetime | None = None) -> int:
    """Send one saved search's digest if it is due. Returns the number of notices sent."""
    now = now or timezone.now()
    with transaction.atomic():
        saved_search = (SavedSearch.objects.select_for_update().select_related("user")
                        .filter(pk=saved_search_id).first())
        if saved_search is None or not saved_search.user.is_active:
            return 0
        if not saved_search_is_due(saved_search, now=now):
            return 0
        since = (max(saved_search.created_at, saved_search.last_sent_at - GRACE)
                 if saved_search.last_sent_at else saved_search.created_at)
        already = DigestDelivery.objects.filter(saved_search=saved_search).values("notice_id")
        notices = list(saved_search_notices(saved_search)
                       .filter(published_at__gt=since, published_at__lte=now)
                       .exclude(pk__in=already))
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(saved_search=saved_search, notice=n, sent_at=now) for n in notices])
        SavedSearch.objects.filter(pk=saved_search.pk).update(last_sent_at=now)
        if notices and saved_search.user.email:
            # Inside the transaction: if sending fails nothing is recorded and the next
            # run sends the digest again.
            _digest_mail(saved_search, notices).send()
    return len(notices)


def saved_search_send_digests(*, now: datetime | None = None) -> int:
    """Periodic: send every due digest. Returns how many digests carried notices."""
    now = now or timezone.now()
    sent = 0
    candidates = SavedSearch.objects.filter(user__is_active=True).values_list(
        "pk", "frequency", "last_sent_at")
    for pk, frequency, last_sent_at in candidates:
        if last_sent_at is not None and now - last_sent_at < PERIOD.get(frequency,
                                                                          PERIOD["daily"]):
            continue
        try:
            if saved_search_send_digest(saved_search_id=pk, now=now):
                sent += 1
        except Exception:
            logger.exception("digest of saved search %s failed; it is retried next time", pk)
    return sent

"""Atom feeds: all notices, one per CPV division, one per saved search (behind its token)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.translation import gettext as _

from backend.errors import NotFound
from backend.formatting import format_oslo
from backend.text import xml_safe
from notices.following.models import SavedSearch
from notices.following.saved_searches import (
    NOT_FILTERS,
    saved_search_get_by_token,
    saved_search_notices,
    search_filters,
    search_page_path,
)
from notices.following.services import notice_path
from notices.models import Notice
from notices.selectors import NoticeFilters, notice_list_public

FEED_SIZE = 50


def _xml_safe_values(values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = xml_safe(value)
        elif isinstance(value, list | tuple):
            values[key] = [xml_safe(v) if isinstance(v, str) else v for v in value]


class NoticeFeed(Feed):
    feed_type = Atom1Feed

    def get_feed(self, obj: Any, request: HttpRequest) -> SyndicationFeed:
        # A title stored before the text checks existed must not break the feed for everyone.
        feed = super().get_feed(obj, request)
        _xml_safe_values(feed.feed)
        for item in feed.items:
            _xml_safe_values(item)
        return feed

    def items(self, obj: Any = None) -> QuerySet[Notice]:
        raise NotImplementedError

    def item_title(self, item: Notice) -> str:
        return f"{item.reference} {item.title}"

    def item_description(self, item: Notice) -> str:
        deadline = format_oslo(item.submission_deadline, "short")
        parts = [item.buyer.name, f"CPV {item.cpv_main}", f"NUTS {item.nuts}",
                 _("Deadline: %(d)s") % {"d": deadline}, item.get_status_display()]
        return " · ".join(str(p) for p in parts) + ("\n\n" + item.description
                                                     if item.description else "")

    def item_link(self, item: Notice) -> str:
        return notice_path(item)

    def item_guid(self, item: Notice) -> str:
        return f"urn:anbud:notice:{item.reference}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Notice) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Notice) -> datetime | None:
        return item.cancelled_at or item.updated_at or item.published_at

    def item_author_name(self, item: Notice) -> str:
        return item.buyer.name

    def item_categories(self, item: Notice) -> list[str]:
        return [item.cpv_main, *item.cpv_additional]


class AllNoticesFeed(NoticeFeed):
    """All notices, or those a search finds: /feeds/notices/?q=brøyting&cpv=90620000 takes the
    search page's (and the API's) parameters, so every search has its feed."""

    def get_object(self, request: HttpRequest) -> dict[str, Any]:  # type: ignore[override]
        params = {key: (values if len(values) > 1 else values[0])
                  for key, values in request.GET.lists() if key not in NOT_FILTERS}
        return {key: value for key, value in params.items() if value not in ("", [])}

    def title(self, obj: dict[str, Any]) -> str:
        if obj:
            return _("Anbud: notices for your search")
        return _("Anbud: all procurement notices")

    def link(self, obj: dict[str, Any]) -> str:
        return search_page_path(obj)

    def subtitle(self, obj: dict[str, Any]) -> str:
        if obj:
            return _("Newly published procurement notices matching %(criteria)s.") % {
                "criteria": ", ".join(f"{k}={v}" for k, v in sorted(obj.items()))}
        return _("Newly published procurement notices.")

    def items(self, obj: dict[str, Any] | None = None) -> QuerySet[Notice]:
        return notice_list_public(filters=search_filters(obj or {})).order_by(
            "-published_at", "-pk")[:FEED_SIZE]


class CpvDivisionFeed(NoticeFeed):
    def get_object(self, request: HttpRequest, division: str) -> str:  # type: ignore[override]
        if len(division) != 2 or not division.isdigit():
            raise Http404(_("A CPV division has two digits."))
        return division

    def title(self, obj: str) -> str:
        return _("Anbud: notices in CPV division %(division)s") % {"division": obj}

    def link(self, obj: str) -> str:
        return search_page_path({"cpv": f"{obj}000000"})

    def subtitle(self, obj: str) -> str:
        return _("Procurement notices with a CPV code starting with %(division)s.") % {
            "division": obj}

    def items(self, obj: Any = None) -> QuerySet[Notice]:
        return notice_list_public(filters=NoticeFilters(cpv=f"{obj}000000")).order_by(
            "-published_at", "-pk")[:FEED_SIZE]


class SavedSearchFeed(NoticeFeed):
    def get_object(self, request: HttpRequest, token: str) -> SavedSearch:  # type: ignore[override]
        try:
            return saved_search_get_by_token(token=token)
        except NotFound:
            raise Http404(_("No such feed.")) from None

    def title(self, obj: SavedSearch) -> str:
        return _("Anbud: %(name)s") % {"name": obj.name}

    def link(self, obj: SavedSearch) -> str:
        return search_page_path(obj.params)

    def subtitle(self, obj: SavedSearch) -> str:
        return _("Notices matching your saved search “%(name)s”.") % {"name": obj.name}

    def items(self, obj: Any = None) -> QuerySet[Notice]:
        return saved_search_notices(obj)[:FEED_SIZE]

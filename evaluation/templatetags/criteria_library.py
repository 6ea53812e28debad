"""The notice's sustainability clauses as published (or as drafted), for the notice page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from evaluation.criteria.validation import lot_label
from evaluation.library.models import ClauseKind
from evaluation.library.selectors import clause_json, clauses_of, published_clauses
from notices.models import Notice, NoticeStatus, VersionKind

register = template.Library()


def clause_views(clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kinds = dict(ClauseKind.choices)
    return [{**c, "kind_label": kinds.get(c.get("kind", ""), c.get("kind", "")),
             "where": (lot_label(int(c["lot_number"])) if c.get("lot_number")
                       else _("Every lot"))} for c in clauses]


@register.simple_tag
def sustainability_clauses_of(notice: Notice) -> list[dict[str, Any]]:
    if notice.status == NoticeStatus.DRAFT:
        return clause_views([clause_json(row) for row in clauses_of(notice)])
    version = (notice.versions.exclude(kind=VersionKind.CANCELLATION).order_by("-number")
               .first())
    return clause_views(published_clauses(version.snapshot) if version else [])

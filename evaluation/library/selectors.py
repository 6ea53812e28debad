"""Reads of the criteria library: the templates a user may see, the suggestions for a
notice's CPV codes, and a notice's sustainability clauses (its snapshot part)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.selectors import AnyUser, authorities_of
from backend.errors import NotFound
from evaluation.library.models import ClauseKind, CriterionTemplate, SustainabilityClause
from evaluation.permissions import may_see_template
from notices.models import Notice

# The key of the clauses in NoticeVersion.snapshot.
SNAPSHOT_KEY = "sustainability_clauses"


def latest(rows: QuerySet[CriterionTemplate]) -> QuerySet[CriterionTemplate]:
    """Only the newest version of each key among `rows` (a key whose newest version is
    inactive is retired: none of its versions is offered)."""
    newest = (CriterionTemplate.objects.filter(key=OuterRef("key")).order_by("-version")
              .values("version")[:1])
    return rows.filter(version=Subquery(newest))


def template_list(*, user: AnyUser, area: str = "", use: str = "", ambition: str = "",
                  cpv: str = "", owner: int | None = None, national_only: bool = False,
                  include_inactive: bool = False) -> QuerySet[CriterionTemplate]:
    """The newest version of each template the user may see: the national library, and the
    templates of the user's own authorities. Filters are exact; `cpv` keeps templates with a
    prefix of that code (or no prefixes: they fit any)."""
    visible = Q(owner__isnull=True)
    if not national_only:
        visible |= Q(owner__in=authorities_of(user=user))
    rows = CriterionTemplate.objects.filter(visible).select_related("owner")
    if owner is not None:
        rows = rows.filter(owner_id=owner)
    if not include_inactive:
        rows = rows.filter(active=True)
    if area:
        rows = rows.filter(area=area)
    if use:
        rows = rows.filter(use=use)
    if ambition:
        rows = rows.filter(ambition=ambition)
    rows = latest(rows).order_by("area", "use", "ambition", "key")
    if cpv:
        keep = [t.pk for t in rows if _specificity(t, [cpv]) is not None]
        rows = rows.filter(pk__in=keep)
    return rows


def template_get(*, user: AnyUser, key: str, version: int | None = None) -> CriterionTemplate:
    """One template by key (the newest version, or the one asked for); 404 if the user may
    not see it."""
    rows = CriterionTemplate.objects.filter(key=key).select_related("owner")
    row = (rows.filter(version=version).first() if version is not None
           else rows.order_by("-version").first())
    if row is None or not may_see_template(user, row.owner_id):
        raise NotFound(_("No such template in the criteria library."))
    return row


def template_versions(template: CriterionTemplate) -> QuerySet[CriterionTemplate]:
    return CriterionTemplate.objects.filter(key=template.key).order_by("-version")


def notice_cpv_codes(notice: Notice, lot_number: int | None = None) -> list[str]:
    """The notice's CPV codes: main, additional, and the lots' (only that lot's, when given)."""
    codes = [notice.cpv_main, *(notice.cpv_additional or [])]
    lots = notice.lots.all()
    if lot_number:
        lots = lots.filter(number=lot_number)
    codes += [lot.cpv for lot in lots]
    return [str(code)[:8] for code in dict.fromkeys(codes) if code]


def _specificity(template: CriterionTemplate, codes: list[str]) -> int | None:
    """How closely the template fits the codes: the longest matching prefix; 0 for a
    template that fits any procurement; None when it does not fit."""
    prefixes = [str(p) for p in template.cpv_prefixes or []]
    if not prefixes:
        return 0
    hits = [len(p) for p in prefixes for code in codes if code.startswith(p)]
    return max(hits) if hits else None


@dataclass(frozen=True)
class Suggestion:
    template: CriterionTemplate
    specificity: int


def suggest_templates(*, cpv_codes: list[str], owner_id: int | None = None,
                      limit: int = 40) -> list[Suggestion]:
    """Active templates (newest versions) that fit the CPV codes, most specific first: the
    national library and, with `owner_id`, that authority's own. Templates for any
    procurement (no CPV prefixes, e.g. environmental management) come last."""
    visible = Q(owner__isnull=True)
    if owner_id is not None:
        visible |= Q(owner_id=owner_id)
    rows = latest(CriterionTemplate.objects.filter(visible, active=True)).select_related("owner")
    found: list[Suggestion] = []
    for row in rows:
        score = _specificity(row, cpv_codes)
        if score is not None:
            found.append(Suggestion(row, score))
    found.sort(key=lambda s: (-s.specificity, s.template.owner_id is None, s.template.area,
                              s.template.use, s.template.ambition, s.template.key))
    return found[:limit]


def suggestions_for(notice: Notice, lot_number: int | None = None) -> list[Suggestion]:
    return suggest_templates(cpv_codes=notice_cpv_codes(notice, lot_number),
                             owner_id=notice.buyer_id)


# --- a notice's clauses -----------------------------------------------------------------------


def clauses_of(notice: Notice) -> QuerySet[SustainabilityClause]:
    return SustainabilityClause.objects.filter(notice=notice).order_by("position")


def clause_json(row: SustainabilityClause) -> dict[str, Any]:
    item: dict[str, Any] = {
        "position": row.position, "kind": row.kind, "title": row.title, "text": row.text,
        "documentation": row.documentation, "verification": row.verification,
        "counts_for_climate": row.counts_for_climate, "template_key": row.template_key,
        "template_version": row.template_version}
    if row.lot_number is not None:
        item["lot_number"] = row.lot_number
    return item


def snapshot_part(notice: Notice) -> list[dict[str, Any]]:
    """What every NoticeVersion snapshot carries under SNAPSHOT_KEY."""
    return [clause_json(row) for row in clauses_of(notice)]


def clauses_summary(value: Any) -> str:
    """A stored snapshot value as one line of the change history."""
    if not value:
        return "—"
    kinds = dict(ClauseKind.choices)
    return "; ".join(f"{kinds.get(str(c.get('kind')), c.get('kind'))}: {c.get('title')}"
                     for c in value if isinstance(c, dict))


def published_clauses(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The clauses of a published version's snapshot (empty before the library existed)."""
    value = snapshot.get(SNAPSHOT_KEY) or []
    return [c for c in value if isinstance(c, dict)]

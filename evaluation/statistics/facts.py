"""The measures of each public notice, read set-wise from the source tables.

Only public data: notices that are not drafts; offers, values, decision dates, contracts and
follow-ups only once the notice's award notice is on the board (what the award notice, eForms
and OCDS publish; notices/exports/ocds.py follows the same rule). Nothing of a bid's content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Min

from accounts.models import CompanySize
from backend.formatting import to_oslo
from bids.models import Committee, Submission, SubmissionStatus
from bids.opening.models import OpenedBidStatus
from evaluation.award.models import AwardDecision, AwardStatus, AwardWinner, Contract
from evaluation.criteria.models import AwardCriterion, CriterionKind, LotAwardTerms
from evaluation.ethics.models import (
    FOLLOW_UP_DONE_KINDS,
    FollowUpEvent,
    FollowUpPlan,
    NoticeEthicalTerms,
)
from evaluation.models import LotEvaluation
from notices.models import DocumentVersion, Notice, NoticeKind, NoticeStatus

# Competitions: the notices that start a procedure the platform can run electronically.
PROCEDURE_KINDS = (NoticeKind.CONTRACT, NoticeKind.NATIONAL, NoticeKind.VOLUNTARY)
SME_SIZES = (CompanySize.MICRO, CompanySize.SMALL, CompanySize.MEDIUM)
# Days from publication to the award decision, in these bands (upper bounds, inclusive).
AWARD_DAY_BANDS = ((30, "0-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"),
                   (None, "181+"))


def award_band(days: int) -> str:
    for upper, label in AWARD_DAY_BANDS:
        if upper is None or days <= upper:
            return label
    return AWARD_DAY_BANDS[-1][1]


Dims = tuple[int, int, str, str, str]  # year, buyer id, nuts, cpv division, kind


def facts_for(notice_ids: Iterable[int]) -> dict[int, tuple[Dims, dict[str, int]]]:
    """Per public notice among `notice_ids`: its dimensions and measures. A notice that is
    missing from the answer (a draft, deleted) has no statistics."""
    ids = list(notice_ids)
    rows = list(Notice.objects.filter(pk__in=ids).exclude(status=NoticeStatus.DRAFT)
                .exclude(published_at__isnull=True)
                .values_list("pk", "kind", "regime", "buyer_id", "nuts", "cpv_main",
                             "published_at"))
    if not rows:
        return {}
    ids = [row[0] for row in rows]
    documents = set(DocumentVersion.objects.filter(document__notice_id__in=ids)
                    .values_list("document__notice_id", flat=True))
    electronic = set(Committee.objects.filter(notice_id__in=ids, electronic_bids=True)
                     .values_list("notice_id", flat=True))
    evaluated = set(LotEvaluation.objects.filter(notice_id__in=ids)
                    .values_list("notice_id", flat=True))
    climate: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    climate_any: set[int] = set()
    for nid, lot, weight in AwardCriterion.objects.filter(
            notice_id__in=ids, kind=CriterionKind.CLIMATE).values_list(
            "notice_id", "lot_number", "weight"):
        climate_any.add(nid)
        if weight is not None:
            climate[nid][lot] += weight
    options: dict[int, set[str]] = defaultdict(set)
    for nid, code in LotAwardTerms.objects.filter(notice_id__in=ids).exclude(
            climate_option="").values_list("notice_id", "climate_option"):
        options[nid].add(code)
    ethical = set(NoticeEthicalTerms.objects.filter(notice_id__in=ids)
                  .values_list("notice_id", flat=True))
    # Award data only once the award notice is public.
    public_award = set(Notice.objects.filter(award_for_id__in=ids).exclude(
        status=NoticeStatus.DRAFT).values_list("award_for_id", flat=True))
    offers: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    decided: dict[int, Any] = {}
    value: dict[int, Decimal] = defaultdict(Decimal)
    contracts: dict[int, int] = defaultdict(int)
    plans: dict[int, int] = defaultdict(int)
    done: dict[int, int] = defaultdict(int)
    if public_award:
        award_ids = list(public_award)
        for nid, size in Submission.objects.filter(
                notice_id__in=award_ids, opened__status=OpenedBidStatus.OPENED,
                status__in=[SubmissionStatus.OPENED, SubmissionStatus.REJECTED]).values_list(
                "notice_id", "supplier__company_size"):
            offers[nid][0] += 1
            if size in SME_SIZES:
                offers[nid][1] += 1
        decided = dict(AwardDecision.objects.filter(
            notice_id__in=award_ids, status=AwardStatus.SENT).values("notice_id")
            .annotate(first=Min("sent_at")).values_list("notice_id", "first"))
        signed = {(d, s): v for d, s, v in Contract.objects.filter(
            notice_id__in=award_ids).values_list("decision_id", "supplier_id", "value")}
        for nid, decision, supplier, offered in AwardWinner.objects.filter(
                decision__notice_id__in=award_ids, decision__status=AwardStatus.SENT
        ).values_list("decision__notice_id", "decision_id", "supplier_id", "value"):
            amount = signed.get((decision, supplier), offered)
            if amount is not None:
                value[nid] += amount
        for nid in Contract.objects.filter(notice_id__in=award_ids).values_list(
                "notice_id", flat=True):
            contracts[nid] += 1
        plan_notice = dict(FollowUpPlan.objects.filter(
            contract__notice_id__in=award_ids).values_list("pk", "contract__notice_id"))
        for nid in plan_notice.values():
            plans[nid] += 1
        for plan in set(FollowUpEvent.objects.filter(
                plan_id__in=list(plan_notice), kind__in=list(FOLLOW_UP_DONE_KINDS))
                .values_list("plan_id", flat=True)):
            done[plan_notice[plan]] += 1

    facts: dict[int, tuple[Dims, dict[str, int]]] = {}
    for nid, kind, regime, buyer, nuts, cpv, published in rows:
        assert published is not None  # filtered above
        m: dict[str, int] = {"notices": 1, f"kind:{kind}": 1, f"regime:{regime or 'none'}": 1}
        if kind in PROCEDURE_KINDS:
            m["procedures"] = 1
            m["e_documents"] = int(nid in documents)
            m["e_submission"] = int(nid in electronic)
            m["e_evaluation"] = int(nid in evaluated)
            m["climate_criteria"] = int(nid in climate_any)
            if climate.get(nid):
                lots = climate[nid]
                m["climate_weighted"] = 1
                # The notice's climate weight: the average over its lots, in hundredths.
                m["climate_weight_x100"] = round(sum(lots.values()) / len(lots) * 100)
            for code in options.get(nid, ()):
                m[f"climate_option:{code}"] = 1
            m["ethical_terms"] = int(nid in ethical)
        if nid in public_award:
            m["award_public"] = 1
            m["offer_tenders"] = 1
            m["offers"], m["offers_sme"] = offers[nid]
            if value.get(nid):
                m["awarded"] = 1
                m["awarded_value"] = int(value[nid].quantize(Decimal(1)))
            if nid in decided and decided[nid] is not None:
                days = max(0, (decided[nid] - published).days)
                m["award_days_sum"] = days
                m["award_days_n"] = 1
                m[f"award_days:{award_band(days)}"] = 1
            m["contracts"] = contracts[nid]
            m["contracts_ethical"] = contracts[nid] if nid in ethical else 0
            m["follow_up_plans"] = plans[nid]
            m["follow_ups_done"] = done[nid]
        measures = {k: v for k, v in m.items() if v}
        dims: Dims = (to_oslo(published).year, buyer, nuts or "", (cpv or "")[:2], kind)
        facts[nid] = (dims, measures)
    return facts

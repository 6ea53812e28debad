"""The demo's ethical-trade follow-up (issue 14): a workwear contract with its follow-up.

Bergen kommune bought workwear (CPV 18100000, the high-risk category "textiles") with a
template from the criteria library and the ethical-trade terms on the notice, months ago.
The contract with Vevstua Tekstil AS is signed, so its follow-up plan exists; the supplier
has submitted its self-report (it waits for the officer's review); an on-site audit by a
third party is completed, with a major finding and a corrective action that waits for the
supplier's plan. A demo visitor signs in as innkjop@bergen.demo or post@vevstua.demo and
finds it under *Follow-ups*.

Every step from the terms onwards is a service call with `now=` in the past, so each one
logs its event as in real use. The bids and the sent award decision are the exception: a
sealed bid cannot be submitted to a notice whose deadline passed months ago (the deadline is
checked against the database clock), so the two bids and their opening are created as new
rows and moved to "opened" through the transitions modules (each flip logs its event), and
the decision moves to "sent" through `award_flip`, which logs the award event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organization, User
from bids.models import Manifest, Submission, SubmissionStatus
from bids.opening.models import OpenedBid, OpenedBidStatus, OpeningSession, OpeningStatus
from bids.opening.transitions import opened_bid_flip, opening_flip
from bids.transitions import submission_flip
from evaluation.audits import services as audits
from evaluation.award.models import AwardDecision, AwardOutcome, AwardStatus, AwardWinner
from evaluation.award.transitions import award_flip
from evaluation.contract import services as contracts
from evaluation.ethics import services as ethics
from evaluation.ethics.models import FollowUpPlan
from evaluation.library.models import CriterionTemplate
from evaluation.library.services import template_apply
from evaluation.services import evaluation_start
from notices.models import Notice

TITLE = "Arbeidsklær og verneklær til drift og renhold"
DESCRIPTION = ("Rammeavtale om arbeidsklær, verneklær og sko til 900 ansatte i drift, "
               "renhold og kjøkken. Leverandøren skal følge opp arbeidsforholdene i "
               "leverandørkjeden (kontraktsvilkår for etisk handel).")
CPV = "18100000"
VALUE = 1_900_000
TEMPLATE = "textiles-ecolabel"
CONTRACT_TITLE = "Rammeavtale om arbeidsklær og verneklær"
REPORT = {
    "policies": "Vi har retningslinjer for ansvarlig næringsliv vedtatt av styret, med krav "
                "til underleverandører om lønn, arbeidstid og organisasjonsfrihet.",
    "risk_analysis": "Høyest risiko: bomull (tvangsarbeid i råvareleddet) og sying (lange "
                     "arbeidsdager). Vi krever sporbarhet til spinneri og reviderer syfabrikken "
                     "hvert år.",
    "supply_chain": [
        {"name": "Dhaka Garments Ltd", "country": "BD", "produces": "Sying av arbeidsklær"},
        {"name": "Aegean Cotton Mills", "country": "TR", "produces": "Spinning og veving"},
        {"name": "Vevstua Tekstil AS", "country": "NO", "produces": "Trykk og logo"}]}


def already_loaded(buyer: Organization) -> bool:
    return Notice.objects.filter(buyer=buyer, title=TITLE).exists()


def choose_library_and_terms(notice: Notice, *, by: User, now: datetime) -> None:
    """On the draft, before publishing: the library's textile template and the terms."""
    template = (CriterionTemplate.objects.filter(key=TEMPLATE, owner__isnull=True)
                .order_by("-version").first())
    if template is not None:
        template_apply(notice=notice, lot_number=0, template=template, by=by, now=now)
    ethics.ethical_terms_choose(notice=notice, by=by, now=now)


def _opened_bids(notice: Notice, bidders: list[Organization], *, at: datetime
                 ) -> list[Submission]:
    """Opened bids of the bidders, received before the deadline, opened at `at` (rows, see
    the module's doc)."""
    manifest = Manifest.objects.create(notice=notice, number=1, manifest={},
                                       manifest_hash="0" * 64,
                                       published_at=notice.published_at or at)
    # The rows start where a real bid and opening start; the statuses move along the
    # transitions modules' edges, each with its event, at the times they would have.
    # The session's deadline is the notice's (the protocol quotes it); the log check is left
    # undone, as these rows have no log entries: the pages say "not yet checked".
    assert notice.submission_deadline is not None
    session = OpeningSession.objects.create(
        notice=notice, started_at=at, deadline=notice.submission_deadline,
        public_key="04" + "0" * 128, key_expires_at=at, bids_total=len(bidders),
        bids_done=len(bidders))
    bids = []
    for index, org in enumerate(bidders):
        received = at - timedelta(days=2 - index, hours=3)
        context = {"notice": notice.pk, "supplier": org.pk, "k": 2}
        bid = Submission.objects.create(
            notice=notice, supplier=org, manifest=manifest, context=context,
            context_hash=hashlib.sha256(str(context).encode()).hexdigest(), created_at=received)
        submission_flip(bid, SubmissionStatus.UPLOADING, SubmissionStatus.SEALED, by=None,
                        at=received, received_at=received)
        bids.append(bid)
    opening_flip(session, OpeningStatus.COLLECTING, OpeningStatus.OPENING, by=None, at=at)
    for bid in bids:
        opened = OpenedBid.objects.create(session=session, submission=bid)
        opened_bid_flip(opened, OpenedBidStatus.PENDING, OpenedBidStatus.OPENED, at=at,
                        opened_at=at)
        bid.refresh_from_db()
    opening_flip(session, OpeningStatus.OPENING, OpeningStatus.OPENED, by=None, at=at,
                 finished_at=at)
    return bids


def _sent_decision(notice: Notice, winner: Submission, *, by: User, sent: datetime
                   ) -> AwardDecision:
    evaluation = evaluation_start(notice=notice, by=by, now=sent - timedelta(days=14))[0]
    decision = AwardDecision.objects.create(
        notice=notice, evaluation=evaluation, lot_number=0, outcome=AwardOutcome.WINNER,
        letter_text="Vevstua Tekstil AS har det beste forholdet mellom pris og kvalitet.",
        created_at=sent - timedelta(days=1), created_by=by)
    AwardWinner.objects.create(decision=decision, submission=winner, supplier=winner.supplier,
                               rank=1, value=Decimal("1850000"))
    award_flip(decision, AwardStatus.DRAFT, AwardStatus.SENT, by=by, at=sent, sent_at=sent,
               sent_by=by, standstill_days=10, standstill_end=sent + timedelta(days=10))
    decision.refresh_from_db()
    return decision


def add_follow_up(*, publish: Callable[..., Notice], officer: User,
                  winner: Organization, winner_user: User, other: Organization,
                  now: datetime) -> FollowUpPlan:
    """The workwear tender from its notice to an open corrective action (once per buyer)."""
    notice = publish()
    assert notice.submission_deadline is not None
    opened_at = notice.submission_deadline + timedelta(hours=1)
    bids = _opened_bids(notice, [winner, other], at=opened_at)
    sent = opened_at + timedelta(days=20)
    decision = _sent_decision(notice, bids[0], by=officer, sent=sent)
    signed_at = sent + timedelta(days=12)
    signed_on = timezone.localdate(signed_at)
    contract = contracts.contract_sign(
        decision=decision, supplier=winner, title=CONTRACT_TITLE, value=Decimal("1850000"),
        signed_on=signed_on, starts_on=signed_on, ends_on=signed_on + timedelta(days=730),
        duration_months=24, options="Opsjon på forlengelse i 1 + 1 år.",
        document=SimpleUploadedFile("kontrakt-arbeidsklaer.pdf",
                                    b"%PDF-1.4 signert rammeavtale om arbeidsklaer",
                                    content_type="application/pdf"),
        by=officer, now=signed_at)
    plan = FollowUpPlan.objects.get(contract=contract)
    ethics.self_report_submit(plan=plan, by=winner_user, data=REPORT,
                              now=now - timedelta(days=25))
    audit = audits.audit_plan(
        plan=plan, by=officer, kind="on_site", performed_by="third_party",
        auditor_name="Etisk Revisjon AS", planned_on=_day(now, -9),
        purpose="Risiko for ubetalt overtid ved syfabrikken i Dhaka.",
        now=now - timedelta(days=20))
    audits.audit_complete(audit=audit, by=officer, completed_on=_day(now, -9),
                          summary="Fabrikken ble besøkt uanmeldt; lønnslister og "
                                  "timelister ble gjennomgått, og 20 arbeidere intervjuet.",
                          now=now - timedelta(days=8))
    finding = audits.finding_record(
        audit=audit, by=officer, severity="major",
        description="Overtid ut over 60 timer i uken i høysesongen, og overtiden ble ikke "
                    "betalt med tillegg.", now=now - timedelta(days=8))
    audits.action_request(finding=finding, by=officer,
                          requirement="Betal utestående overtidstillegg og innfør "
                                      "elektronisk timeregistrering.",
                          deadline=_day(now, 45), now=now - timedelta(days=7))
    plan.refresh_from_db()
    return plan


def _day(now: datetime, days: int) -> date:
    return timezone.localdate(now) + timedelta(days=days)

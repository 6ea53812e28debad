"""A full procedure for the protocol tests: published with award criteria, a question asked
and answered, three sealed bids and a late attempt, opened by two of three members, the
evaluation started, every evaluator declared, one bid rejected, scored, agreed and ranked;
then the award stage written as the award services will (award_flip and AwardEvent rows:
those services are not on this branch), up to a signed contract and a published award
notice.

`procedure(award=False)` stops after the ranking; `procedure(award="sent")` after sending the
award decision.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organization, Role, User
from bids import submission as submission_services
from bids.models import Submission
from bids.opening import services as opening
from bids.submission import DeadlinePassed
from crypto.envelope import TarEntry, seal_entries
from evaluation.award.models import (
    AwardDecision,
    AwardEvent,
    AwardEventKind,
    AwardStatus,
    AwardWinner,
    Contract,
    Suspension,
)
from evaluation.award.transitions import award_flip
from evaluation.impartiality.services import impartiality_declare
from evaluation.models import LotEvaluation
from evaluation.qualification.services import bid_reject
from evaluation.scores import services as scores
from evaluation.services import evaluation_qualification_complete, evaluation_start
from notices.models import Notice
from notices.questions import services as questions
from tests.bids.test_opening import pass_deadline, send, setup_tender, submit
from tests.conftest import make_org, make_user
from tests.evaluation.scores.conftest import SUPPLIERS, Lot, add_criteria
from tests.evaluation.scores.helpers import agree, prices, score_all


@dataclass
class Procedure:
    notice: Notice
    officer: User
    members: list[User]
    bids: list[Submission]
    rejected: Submission
    evaluation: LotEvaluation
    bidders: list[User]
    late_bidder: User
    decision: AwardDecision | None = None
    contract: Contract | None = None
    award_notice: Notice | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _start_late(notice: Notice, org: Organization, user: User) -> tuple[Submission, Any]:
    sub = submission_services.submission_start(notice=notice, supplier=org, by=user)
    out = io.BytesIO()
    sealed = seal_entries([TarEntry("tilbud.pdf", 5, 1767225600, io.BytesIO(b"%PDF "))],
                          manifest=sub.manifest.manifest, context=sub.context, out=out,
                          expected_manifest_hash=sub.manifest.manifest_hash)
    blob = out.getvalue()
    submission_services.submission_part_put(submission=sub, index=0, stream=io.BytesIO(blob),
                                            sha256=hashlib.sha256(blob).hexdigest(), by=user,
                                            content_length=len(blob))
    submission_services.submission_shares_put(submission=sub, by=user,
                                              document=sealed.shares_document())
    return sub, sealed


@pytest.fixture
def procedure(make_notice: Callable[..., Notice], officer: User, authority: Organization,
              django_capture_on_commit_callbacks: Any) -> Callable[..., Procedure]:
    def build(*, award: str | bool = "contract") -> Procedure:
        tender = setup_tender(make_notice, officer, authority, n=3, k=2)
        notice = tender.notice
        criteria = add_criteria(notice, officer)
        orgs, users = [], []
        for i in range(4):
            orgs.append(make_org("supplier", SUPPLIERS[i]))
            users.append(make_user(f"bidder{i}@supplier{i}.example", orgs[-1],
                                   Role.SUPPLIER_ADMIN))
        asked_at = timezone.now() - timedelta(days=19)
        question = questions.question_ask(notice=notice, by=users[0], now=asked_at,
                                          text="Hvor mange timer gjelder rammeavtalen?")
        questions.question_answer(question=question, by=officer, public=True,
                                  text="Omtrent 2 000 timer i året.",
                                  now=asked_at + timedelta(hours=2))
        for i in range(3):
            submit(tender, orgs[i], users[i], {"tilbud.pdf": b"%PDF-1.4 " + orgs[i].name.encode(),
                                               "prisskjema.pdf": b"%PDF-1.4 pris"})
        late, sealed = _start_late(notice, orgs[3], users[3])
        pass_deadline(tender)
        with pytest.raises(DeadlinePassed):
            submission_services.submission_finalize(submission=late, by=users[3],
                                                    claimed=sealed.digest.as_json())
        session = opening.opening_start(notice=notice, by=officer)
        send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
        send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
        notice.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            evaluation_start(notice=notice, by=officer)
            for user in [officer, *tender.members]:
                impartiality_declare(notice=notice, by=user, has_conflict=False)
            bids = [Submission.objects.select_related("supplier").get(pk=s.pk)
                    for s in tender.bids]
            bid_reject(submission=bids[2], ground="not_qualified",
                       reasons="Mangler sentral godkjenning for tiltaksklasse 2.", by=officer)
            evaluation = LotEvaluation.objects.get(notice=notice, lot_number=0)
            evaluation_qualification_complete(evaluation=evaluation, by=officer)
        evaluation.refresh_from_db()
        lot = Lot(notice=notice, evaluation=evaluation, officer=officer,
                  members=tender.members, offers=bids[:2], tender=tender, **criteria)
        prices(lot, ["1000000", "1100000"])
        score_all(lot)
        agree(lot, {(0, 0): 8, (1, 0): 5})
        scores.evaluation_rank(evaluation=evaluation, by=officer)
        result = Procedure(notice=notice, officer=officer, members=tender.members,
                           bids=bids, rejected=bids[2], evaluation=evaluation,
                           bidders=users[:3], late_bidder=users[3])
        if not award:
            return result
        now = timezone.now()
        decision = AwardDecision.objects.create(notice=notice, evaluation=evaluation,
                                                created_at=now, created_by=officer,
                                                letter_text="Fjordbygg AS er tildelt.")
        AwardWinner.objects.create(decision=decision, submission=bids[0],
                                   supplier=bids[0].supplier, rank=1, value=Decimal("1000000"))
        AwardEvent.objects.create(notice=notice, decision=decision, kind=AwardEventKind.DRAFTED,
                                  by=officer, at=now, data={"lot": 0})
        end = now - timedelta(days=1)
        award_flip(decision, AwardStatus.DRAFT, AwardStatus.SENT, by=officer, at=now,
                   data={"standstill_end": end.isoformat()}, sent_at=now, sent_by=officer,
                   standstill_days=10, standstill_end=end)
        result.decision = decision
        if award == "sent":
            return result
        suspension = Suspension.objects.create(
            notice=notice, kind="complaint", complainant="Nordlys Bygg AS",
            description="Klage på evalueringen av kvalitet.", received_on=date.today(),
            recorded_at=now, recorded_by=officer)
        AwardEvent.objects.create(notice=notice, decision=decision,
                                  kind=AwardEventKind.SUSPENDED, by=officer, at=now,
                                  data={"lot": 0, "complainant": suspension.complainant,
                                        "reason": suspension.description})
        AwardEvent.objects.create(notice=notice, decision=decision,
                                  kind=AwardEventKind.SUSPENSION_LIFTED, by=officer, at=now,
                                  data={"lot": 0, "reason": "Klagen er ikke tatt til følge."})
        contract = Contract.objects.create(
            notice=notice, decision=decision, supplier=bids[0].supplier,
            title="Rammeavtale vedlikehold", value=Decimal("1000000"),
            signed_on=timezone.localdate(), starts_on=timezone.localdate(),
            recorded_at=now, recorded_by=officer)
        AwardEvent.objects.create(notice=notice, decision=decision,
                                  kind=AwardEventKind.CONTRACT_SIGNED, by=officer, at=now,
                                  data={"lot": 0, "supplier": bids[0].supplier.name,
                                        "value": "1000000"})
        award_notice = make_notice(publish=True, title="Kunngjøring av kontraktstildeling")
        Notice.objects.filter(pk=award_notice.pk).update(award_for=notice)
        AwardEvent.objects.create(notice=notice, kind=AwardEventKind.AWARD_NOTICE_PUBLISHED,
                                  by=officer, at=now, data={"award_notice": award_notice.pk})
        result.contract, result.award_notice = contract, award_notice
        return result

    return build


from tests.evaluation.scores.conftest import make_lot  # noqa: E402,F401 (fixture)

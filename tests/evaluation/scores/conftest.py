"""A lot evaluation at the scoring step: a tender with three committee members, three opened
bids (one with a structured price form), published award criteria (price 40 % linear,
quality 40 %, climate 20 %), and the committee and the officer cleared by declaration.

Starting the evaluation, the declarations and the end of qualification belong to the
qualification side (evaluation/ services of helper-qualify); until those are merged, the setup
writes the rows here and moves the status with `evaluation_flip`, as that service does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organization, Role, User
from bids.models import Submission
from bids.opening import services as opening
from evaluation.criteria.models import AwardCriterion
from evaluation.models import EvaluationStatus, ImpartialityDeclaration, LotEvaluation
from evaluation.transitions import evaluation_flip
from notices.models import Notice
from tests.bids.test_opening import Tender, pass_deadline, send, setup_tender, submit
from tests.conftest import make_org, make_user

PRICES_JSON = json.dumps({"format": "anbud-price-form", "version": 1, "prices": [
    {"criterion": 1, "amount": "1 250 000,00", "currency": "NOK"}]}).encode()


SUPPLIERS = ["Fjordbygg AS", "Nordlys Bygg AS", "Vestkyst Entreprenør AS", "Bratt og Berg AS"]


@dataclass
class Lot:
    notice: Notice
    evaluation: LotEvaluation
    officer: User
    members: list[User]
    offers: list[Submission]
    price: AwardCriterion
    quality: AwardCriterion
    climate: AwardCriterion
    tender: Tender
    suppliers: list[User] = field(default_factory=list)

    @property
    def points(self) -> list[AwardCriterion]:
        return [self.quality, self.climate]


def add_criteria(notice: Notice, by: User, lot_number: int = 0, *,
                 model: tuple[str, list[dict[str, Any]]] | None = None,
                 ) -> dict[str, AwardCriterion]:
    """The lot's model through the criteria services: set on a draft (frozen at publication),
    or by a change notice before the deadline. Climate is declared as requirements in the
    specification, so its weight (20 %) is free."""
    from evaluation.criteria import services as criteria

    basis, custom = model or ("best_ratio", None)
    terms = {"basis": basis, "climate_option": "quality-nor-env-spec",
             "climate_justification": "Kravspesifikasjonen stiller klimakrav som gir bedre "
                                      "effekt enn tildelingskriterier."}
    rows = [("Pris", "price", 40, "price_linear"),
            ("Kvalitet i gjennomføringen", "quality", 40, "points"),
            ("Klima og miljø", "climate", 20, "points")]
    given = [{"kind": kind, "name": name, "weight": weight, "method": method,
              "scale": "0: ikke besvart, 5: middels, 10: svært godt"}
             for name, kind, weight, method in rows] if custom is None else custom
    if notice.status == "draft":
        criteria.evaluation_model_set(notice=notice, by=by, lot_number=lot_number,
                                      terms=terms, criteria=given)
    else:
        criteria.evaluation_model_change_publish(
            notice=notice, by=by, reason="Tildelingskriteriene er fastsatt.",
            lots=[{"lot_number": lot_number, **terms, "criteria": given}])
    stored = AwardCriterion.objects.filter(notice=notice, lot_number=lot_number)
    by_kind = {row.kind: row for row in stored.order_by("-position")}
    # Models without a climate (or quality) criterion: the Lot's fields point at the next one.
    by_kind.setdefault("quality", by_kind.get("climate") or by_kind["price"])
    by_kind.setdefault("climate", by_kind["quality"])
    return {kind: by_kind[kind] for kind in ("price", "quality", "climate")}


def declare(notice: Notice, user: User, *, conflict: bool = False) -> None:
    ImpartialityDeclaration.objects.create(notice=notice, user=user, has_conflict=conflict,
                                           explanation="Jeg er i slekt." if conflict else "",
                                           declared_at=timezone.now())


def start_scoring(notice: Notice, officer: User, lot_number: int = 0) -> LotEvaluation:
    """Evaluation started and qualification done (stands in for helper-qualify's services)."""
    evaluation = LotEvaluation.objects.create(notice=notice, lot_number=lot_number,
                                              started_at=timezone.now(), started_by=officer)
    evaluation_flip(evaluation, EvaluationStatus.QUALIFICATION, EvaluationStatus.SCORING,
                    by=officer, at=timezone.now())
    return evaluation


@pytest.fixture
def make_lot(make_notice: Callable[..., Notice], officer: User, authority: Organization,
             django_capture_on_commit_callbacks: Any) -> Callable[..., Lot]:
    def factory(*, n: int = 3, declare_all: bool = True, bids: int = 3,
                model: tuple[str, list[dict[str, Any]]] | None = None) -> Lot:
        tender = setup_tender(make_notice, officer, authority, n=n, k=2)
        criteria = add_criteria(tender.notice, officer, model=model)
        users = []
        for i in range(bids):
            org = make_org("supplier", SUPPLIERS[i])
            users.append(make_user(f"bidder{i}@supplier{i}.example", org, Role.SUPPLIER_ADMIN))
            files = {"tilbud.pdf": b"%PDF-1.4 tilbud " + org.name.encode()}
            if i == 0:
                files["prices.json"] = PRICES_JSON
            else:
                files["prisskjema.pdf"] = b"%PDF-1.4 pris"
            submit(tender, org, users[-1], files)
        pass_deadline(tender)
        session = opening.opening_start(notice=tender.notice, by=officer)
        send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
        send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
        if declare_all:
            for user in [officer, *tender.members]:
                declare(tender.notice, user)
        evaluation = start_scoring(tender.notice, officer)
        offers = [Submission.objects.select_related("supplier").get(pk=s.pk)
                  for s in tender.bids]
        return Lot(notice=tender.notice, evaluation=evaluation, officer=officer,
                   members=tender.members, offers=offers, tender=tender, suppliers=users,
                   **criteria)

    return factory


@pytest.fixture
def lot(make_lot: Callable[..., Lot]) -> Lot:
    return make_lot()

"""The demo data set: every demo competition is published with a realistic evaluation model
(price 40 % linear, quality 30 %, climate and environment 30 %) and requirements."""

from __future__ import annotations

from typing import Any

from evaluation.criteria.models import AwardCriterion
from evaluation.criteria.selectors import frozen_model_of, lot_numbers_of
from notices.demo import load_demo
from notices.models import Notice, NoticeKind


def test_it_publishes_the_demo_competitions_with_their_models(db: Any, settings: Any,
                                                              tmp_path: Any) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    load_demo()
    competitions = Notice.objects.filter(kind__in=[NoticeKind.CONTRACT, NoticeKind.NATIONAL,
                                                   NoticeKind.VOLUNTARY]).exclude(status="draft")
    assert competitions.count() > 10
    for notice in competitions:
        frozen = frozen_model_of(notice)
        assert frozen is not None and frozen.intact
        for number in lot_numbers_of(notice):
            lot = frozen.lot(number)
            assert lot is not None, (notice.title, number)
            assert [(c["kind"], c["method"], c["weight"]) for c in lot["criteria"]] == [
                ("price", "price_linear", "40.00"), ("quality", "points", "30.00"),
                ("climate", "points", "30.00")]
            assert lot["climate_option"] == "quality-nor-env-criteria"
        assert len(frozen.model["requirements"]) == 4
    pin = Notice.objects.filter(kind=NoticeKind.PIN).first()
    assert pin is not None and not AwardCriterion.objects.filter(notice=pin).exists()

"""The records of a procurement are kept: nothing of a published procurement is deleted
until three years after its (latest) contract (FOA § 7-2, after directive 2014/24/EU
art. 84 (2); archive law may ask longer: state bodies keep procurement files for at least
ten years, which the platform's own deletion policy never shortens).

One rule (`retained_until`) and one guard (`refuse_delete`), wired to pre_delete of the
procurement's records (RETAINED_MODELS). The guard is the floor: PROTECT foreign keys and
the append-only event tables refuse more, for longer. See docs/protocol.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Model, ProtectedError
from django.db.models.signals import pre_delete
from django.utils import timezone

from notices.models import Notice

# Kept "until further notice": published, no contract and not cancelled yet.
OPEN_ENDED = date.max


def retention_years() -> int:
    return int(getattr(settings, "PROCUREMENT_RETENTION_YEARS", 3))


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retained_until(notice: Notice) -> date | None:
    """The first day the records of `notice` may be deleted; None: not retained (a draft
    never published). An award notice is kept as long as the procurement it belongs to."""
    from evaluation.award.models import Contract

    if notice.award_for_id is not None:
        parent = Notice.objects.filter(pk=notice.award_for_id).first()
        if parent is not None:
            return retained_until(parent)
    if notice.published_at is None:
        return None
    signed = Contract.objects.filter(notice=notice).aggregate(last=Max("signed_on"))["last"]
    if signed is not None:
        return _plus_years(signed, retention_years())
    if notice.cancelled_at is not None:
        return _plus_years(timezone.localdate(notice.cancelled_at), retention_years())
    return OPEN_ENDED


class RetentionProtected(ProtectedError):
    """Deleting a record of a procurement within its retention period."""


def _notice_of(instance: Model) -> Notice | None:
    if isinstance(instance, Notice):
        return instance
    for path in ("notice", "document__notice", "submission__notice", "question__notice",
                 "decision__notice"):
        obj: Any = instance
        for part in path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                break
        if isinstance(obj, Notice):
            return obj
    return None


def _is_draft_winner(instance: Model) -> bool:
    from evaluation.award.models import AwardDecision, AwardStatus, AwardWinner

    return isinstance(instance, AwardWinner) and AwardDecision.objects.filter(
        pk=instance.decision_id, status=AwardStatus.DRAFT).exists()


def refuse_delete(instance: Model, *, today: date | None = None) -> None:
    """Raise RetentionProtected if `instance` belongs to a procurement still retained."""
    if _is_draft_winner(instance):
        # The winners of a draft decision are a working list the officer edits
        # (evaluation.award.services.award_update_draft); once sent they are the record.
        return
    notice = _notice_of(instance)
    if notice is None:
        return
    # The row as stored now: a draft deleted by notice_delete_draft is not retained.
    fresh = Notice.objects.filter(pk=notice.pk).first() or notice
    until = retained_until(fresh)
    today = today or timezone.localdate()
    if until is not None and today < until:
        when = "until a contract is signed, then 3 years" if until == OPEN_ENDED else str(until)
        raise RetentionProtected(
            f"Records of procurement {fresh.reference} are retained ({when}); "
            f"{type(instance).__name__} {instance.pk} cannot be deleted.", {instance})


def _receiver(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    refuse_delete(instance)


def retained_models() -> list[type[Model]]:
    from bids.models import Submission
    from evaluation.award.models import (
        AwardDecision,
        AwardLetter,
        AwardWinner,
        Contract,
        Suspension,
    )
    from evaluation.qualification.models import Rejection
    from notices.models import DocumentVersion, NoticeVersion, TenderDocument
    from notices.questions.models import Answer, Question

    return [Notice, NoticeVersion, TenderDocument, DocumentVersion, Question, Answer,
            Submission, Rejection, AwardDecision, AwardWinner, AwardLetter, Suspension,
            Contract]


def connect() -> None:
    """Called once from EvaluationConfig.ready()."""
    for model in retained_models():
        pre_delete.connect(_receiver, sender=model, dispatch_uid=f"retention-{model.__name__}")


def is_deletable(notice: Notice, *, now: datetime | None = None) -> bool:
    until = retained_until(notice)
    return until is None or timezone.localdate(now) >= until

"""After a sent award decision: suspensions, the contract and the award notice.

- `suspension_record` / `suspension_lift`: a complaint (to the authority or KOFA) or a court
  injunction suspends signing for a lot until it is lifted.
- `contract_sign`: refused before the standstill end, decided by the database clock read in
  the writing transaction with the decision row locked; then the contract is recorded with the
  signed document's SHA-256 (computed here while it is stored in the private storage), and the
  award notice is published in the same transaction.
- `award_notice_publish`: the award notice (kind "can") is a notice of its own on the public
  board, linked to the contract notice; its results per lot are frozen in its snapshot. When
  another lot is concluded later, a change (a new version) of the same award notice is
  published instead of a second notice.

Every state change writes exactly one AwardEvent.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound, TooLarge
from backend.formatting import format_oslo, format_size
from backend.text import check_text
from evaluation import permissions
from evaluation.award.models import (
    AwardDecision,
    AwardEvent,
    AwardEventKind,
    AwardOutcome,
    AwardStatus,
    Contract,
    Suspension,
    SuspensionKind,
)
from notices.models import Notice, NoticeKind, NoticeStatus, NoticeVersion

MAX_TEXT = 20000
# The signed document: at most this many bytes (settings.CONTRACT_DOCUMENT_MAX_BYTES).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def max_document_bytes() -> int:
    return int(getattr(settings, "CONTRACT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _require_manager(notice: Notice, by: User) -> None:
    if not permissions.may_manage_contract(by, notice):
        raise Forbidden(_("Only the procurement officers of the buyer record complaints, "
                          "contracts and the award notice."))


def _event(notice: Notice, kind: AwardEventKind, *, by: User | None, at: datetime,
           decision: AwardDecision | None = None, **data: Any) -> AwardEvent:
    return AwardEvent.objects.create(notice=notice, decision=decision, kind=kind, by=by, at=at,
                                     data=data)


def _lot_numbers(notice: Notice) -> list[int]:
    return list(notice.lots.values_list("number", flat=True)) or [0]


def _lot_label(number: int) -> str:
    return _("Lot %(n)d") % {"n": number} if number else _("The contract")


def _text(value: Any) -> str:
    return str(value or "").strip()


# --- suspensions -------------------------------------------------------------------------------


@transaction.atomic
def suspension_record(*, notice: Notice, lot_number: int, kind: str, complainant: str,
                      description: str, received_on: date | str | None, by: User,
                      now: datetime | None = None) -> Suspension:
    """Record a complaint or an injunction: signing the lot's contract waits until it is
    lifted. Complaints can arrive any time after the letters, so a lot without a sent decision
    takes one too."""
    _require_manager(notice, by)
    now = now or timezone.now()
    if lot_number not in _lot_numbers(notice):
        raise NotFound(_("This procurement has no such lot."))
    fields: dict[str, list[str]] = {}
    if kind not in SuspensionKind.values:
        fields["kind"] = [_("Choose a complaint or an injunction.")]
    complainant, description = _text(complainant), _text(description)
    if not complainant:
        fields["complainant"] = [_("Required.")]
    if not description:
        fields["description"] = [_("Required.")]
    received = _date(received_on, "received_on", fields, required=True)
    if received is not None and received > timezone.localdate(now):
        fields.setdefault("received_on", []).append(_("Cannot be in the future."))
    if fields:
        raise ApplicationError(_("The complaint or injunction is not complete."),
                               fields=fields)
    check_text({"complainant": complainant, "description": description},
               max_lengths={"complainant": 200, "description": MAX_TEXT})
    assert received is not None
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    suspension = Suspension.objects.create(
        notice=locked, lot_number=lot_number, kind=kind, complainant=complainant,
        description=description, received_on=received, recorded_at=now, recorded_by=by)
    decision = _live_decision(locked, lot_number)
    _event(locked, AwardEventKind.SUSPENDED, by=by, at=now, decision=decision,
           lot=lot_number, suspension=suspension.pk, suspension_kind=kind,
           complainant=complainant, received_on=received.isoformat())
    return suspension


@transaction.atomic
def suspension_lift(*, suspension: Suspension, by: User, reason: str,
                    now: datetime | None = None) -> Suspension:
    """Lift a suspension with how it was resolved (complaint rejected, injunction refused or
    lifted by the court, ...)."""
    _require_manager(suspension.notice, by)
    now = now or timezone.now()
    reason = _text(reason)
    if not reason:
        raise ApplicationError(_("Say how the complaint or injunction was resolved."),
                               fields={"reason": [_("Required.")]})
    check_text({"reason": reason}, max_lengths={"reason": MAX_TEXT})
    changed = Suspension.objects.filter(pk=suspension.pk, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=by, lift_reason=reason)
    if changed != 1:
        raise Conflict(_("This suspension was already lifted."), code="lifted")
    suspension.refresh_from_db()
    notice = suspension.notice
    _event(notice, AwardEventKind.SUSPENSION_LIFTED, by=by, at=now,
           decision=_live_decision(notice, suspension.lot_number),
           lot=suspension.lot_number, suspension=suspension.pk, reason=reason)
    return suspension


def _live_decision(notice: Notice, lot_number: int) -> AwardDecision | None:
    return (AwardDecision.objects.filter(notice=notice, lot_number=lot_number)
            .exclude(status=AwardStatus.WITHDRAWN).first())


def open_suspensions(notice: Notice, lot_number: int) -> list[Suspension]:
    return list(Suspension.objects.filter(notice=notice, lot_number=lot_number,
                                          lifted_at__isnull=True))


# --- the contract ---------------------------------------------------------------------------


def _date(value: Any, name: str, fields: dict[str, list[str]], *,
          required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            fields.setdefault(name, []).append(_("Required."))
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        fields.setdefault(name, []).append(_("A date such as 2026-12-31."))
        return None


def _value(value: Any, fields: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        fields.setdefault("value", []).append(_("Required."))
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        fields.setdefault("value", []).append(_("A number of kroner, e.g. 1250000.50."))
        return None
    if not amount.is_finite() or amount <= 0:
        fields.setdefault("value", []).append(_("Must be more than 0."))
        return None
    if amount >= Decimal("1e12") or amount != amount.quantize(Decimal("0.01")):
        fields.setdefault("value", []).append(
            _("At most 999 999 999 999.99, with at most two decimals."))
        return None
    return amount


def _months(value: Any, fields: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        months = int(str(value).strip())
    except ValueError:
        fields.setdefault("duration_months", []).append(_("A whole number of months."))
        return None
    if not 1 <= months <= 1200:
        fields.setdefault("duration_months", []).append(_("Between 1 and 1200 months."))
        return None
    return months


@dataclass(frozen=True)
class StoredDocument:
    name: str          # the file name as uploaded (made safe)
    storage_name: str  # where it lives in the private storage
    size: int
    sha256: str


def _store_document(notice: Notice, lot_number: int, document: Any,
                    written: list[str]) -> StoredDocument:
    """Stream the document into the private storage, hashing it as it goes."""
    from bids.opening.services import private_storage

    limit = max_document_bytes()
    too_large = (_("The signed document is larger than the limit of %(size)s.")
                 % {"size": format_size(limit)})
    size = int(getattr(document, "size", 0) or 0)
    if size > limit:
        raise TooLarge(too_large, fields={"document": [too_large]})
    name = get_valid_filename(os.path.basename(str(getattr(document, "name", "") or ""))) \
        or "contract.pdf"
    name = name[-200:]
    check_text({"document": name}, max_lengths={"document": 200})
    digest = hashlib.sha256()
    read = 0
    chunks = document.chunks() if hasattr(document, "chunks") else [document.read()]
    for chunk in chunks:
        read += len(chunk)
        if read > limit:
            raise TooLarge(too_large, fields={"document": [too_large]})
        digest.update(chunk)
    if read == 0:
        raise ApplicationError(_("The signed document is empty."),
                               fields={"document": [_("The file is empty.")]})
    document.seek(0)
    stored = private_storage().save(f"contracts/{notice.pk}/{lot_number}/{name}", File(document))
    written.append(stored)  # deleted again by contract_sign if the transaction fails
    return StoredDocument(name=name, storage_name=stored, size=read, sha256=digest.hexdigest())


def refusal(decision: AwardDecision, supplier_id: int | None, clock: datetime) -> Conflict | None:
    """Why the contract with this supplier cannot be signed at `clock`, or None. The same
    answer the officer's page shows before the form is sent."""
    if decision.status != AwardStatus.SENT:
        return Conflict(_("The award decision is %(status)s, not sent: a contract is signed "
                          "only after the award letters went out.")
                        % {"status": AwardStatus(decision.status).label.lower()},
                        code="not_sent")
    if decision.outcome == AwardOutcome.NO_AWARD:
        return Conflict(_("The award decision is not to award a contract for this lot; there "
                          "is nothing to sign."), code="no_award")
    if supplier_id is not None and not decision.winners.filter(supplier_id=supplier_id).exists():
        return Conflict(_("This supplier is not a winner of the award decision."),
                        code="not_winner", fields={"supplier": [_("Not a winner.")]})
    end = decision.standstill_end
    if end is None:
        return Conflict(_("The award decision has no standstill end; it cannot be signed."),
                        code="no_standstill_end")
    if clock < end:
        return Conflict(_("The standstill period has not ended: the contract may be signed "
                          "from %(end)s.") % {"end": format_oslo(end, "datetime")},
                        code="standstill")
    suspensions = open_suspensions(decision.notice, decision.lot_number)
    if suspensions:
        first = suspensions[0]
        return Conflict(_("Signing is suspended: %(kind)s from %(who)s, received %(date)s, is "
                          "not lifted.") % {
            "kind": SuspensionKind(first.kind).label.lower(), "who": first.complainant,
            "date": format_oslo(datetime.combine(first.received_on, datetime.min.time(),
                                                 tzinfo=timezone.get_current_timezone()),
                                "date")},
            code="suspended")
    if supplier_id is not None and Contract.objects.filter(
            decision=decision, supplier_id=supplier_id).exists():
        return Conflict(_("The contract with this supplier is already recorded."),
                        code="contract_exists")
    return None


def contract_sign(*, decision: AwardDecision, supplier: Organization | int | str, title: str,
                  value: Any, signed_on: Any, starts_on: Any, ends_on: Any = None,
                  duration_months: Any = None, options: str = "", document: Any = None,
                  by: User, now: datetime | None = None) -> Contract:
    """Record the signed contract with one winner of a sent decision, after the standstill
    end (the database clock, or `now` in tests, compared with the decision row locked), when
    no suspension of the lot is open; then publish the award notice (or its new version)."""
    written: list[str] = []
    try:
        return _contract_sign(decision=decision, supplier=supplier, title=title, value=value,
                              signed_on=signed_on, starts_on=starts_on, ends_on=ends_on,
                              duration_months=duration_months, options=options,
                              document=document, by=by, now=now, written=written)
    except BaseException:
        from bids.opening.services import private_storage

        for stored in written:
            try:
                private_storage().delete(stored)
            except OSError:
                pass
        raise


@transaction.atomic
def _contract_sign(*, decision: AwardDecision, supplier: Organization | int | str, title: str,
                   value: Any, signed_on: Any, starts_on: Any, ends_on: Any,
                   duration_months: Any, options: str, document: Any, by: User,
                   now: datetime | None, written: list[str]) -> Contract:
    _require_manager(decision.notice, by)
    supplier_id = _supplier_id(supplier)
    # Bad values first (400, nothing read or written), then the state (409).
    fields: dict[str, list[str]] = {}
    title, options = _text(title), _text(options)
    if not title:
        fields["title"] = [_("Required.")]
    amount = _value(value, fields)
    signed = _date(signed_on, "signed_on", fields, required=True)
    starts = _date(starts_on, "starts_on", fields, required=True)
    ends = _date(ends_on, "ends_on", fields)
    months = _months(duration_months, fields)
    if starts and ends and ends < starts:
        fields.setdefault("ends_on", []).append(_("Must not be before the start."))
    if signed and starts and starts < signed:
        fields.setdefault("starts_on", []).append(_("Must not be before the signing date."))
    if document is None:
        fields["document"] = [_("Upload the signed contract.")]
    if supplier_id is None:
        fields["supplier"] = [_("Choose the supplier.")]
    if fields:
        raise ApplicationError(_("The contract is not complete; see the fields marked."),
                               fields=fields)
    check_text({"title": title, "options": options},
               max_lengths={"title": 300, "options": MAX_TEXT})
    # The notice row first (lock order everywhere), then the decision, then the clock.
    notice = Notice.objects.select_for_update().get(pk=decision.notice_id)
    locked = (AwardDecision.objects.select_for_update(of=("self",))
              .select_related("notice").get(pk=decision.pk))
    clock = now if now is not None else db_now()
    if notice.status == NoticeStatus.CANCELLED:
        raise Conflict(_("The procurement is cancelled; no contract can be recorded."),
                       code="cancelled")
    refused = refusal(locked, supplier_id, clock)
    if refused is not None:
        raise refused
    assert signed is not None and starts is not None and amount is not None
    assert supplier_id is not None
    if signed > timezone.localdate(clock):
        raise ApplicationError(_("The signing date cannot be in the future."),
                               fields={"signed_on": [_("Cannot be in the future.")]})
    stored = _store_document(notice, locked.lot_number, document, written)
    contract = Contract.objects.create(
        notice=notice, decision=locked, lot_number=locked.lot_number, supplier_id=supplier_id,
        title=title, value=amount, signed_on=signed, starts_on=starts, ends_on=ends,
        duration_months=months, options=options, document=stored.storage_name,
        document_name=stored.name, document_sha256=stored.sha256, recorded_at=clock,
        recorded_by=by)
    _event(notice, AwardEventKind.CONTRACT_SIGNED, by=by, at=clock, decision=locked,
           lot=locked.lot_number, contract=contract.pk, supplier=supplier_id,
           value=str(amount), signed_on=signed.isoformat(), document=stored.name,
           size=stored.size, sha256=stored.sha256,
           standstill_end=locked.standstill_end.isoformat() if locked.standstill_end else None)
    # A notice that carries the ethical-trade terms: the follow-up plan starts with the
    # contract, in this transaction (evaluation/ethics/services.py).
    from evaluation.ethics.services import follow_up_plan_create

    follow_up_plan_create(contract=contract, by=by, at=clock)
    _award_notice_sync(notice, by=by, now=clock)
    return contract


def _supplier_id(supplier: Organization | int | str) -> int | None:
    if isinstance(supplier, Organization):
        return supplier.pk
    try:
        return int(str(supplier).strip())
    except ValueError:
        return None


# --- the award notice -------------------------------------------------------------------------


AWARD_COPIED_FIELDS = ("title", "description", "contract_type", "procedure_type", "cpv_main",
                       "cpv_additional", "nuts", "estimated_value", "title_en",
                       "description_en", "duration_months")


def award_notice_of(notice: Notice) -> Notice | None:
    """The published award notice of a contract notice, if any."""
    return (Notice.objects.filter(award_for=notice, kind=NoticeKind.AWARD)
            .exclude(status=NoticeStatus.DRAFT).order_by("pk").first())


def _concluded_numbers(results: list[dict[str, Any]] | None) -> list[int]:
    return [lot["lot_number"] for lot in results or []]


@transaction.atomic
def award_notice_publish(*, notice: Notice, by: User, now: datetime | None = None) -> Notice:
    """Publish the award notice of a contract notice (the officer's action, e.g. when every
    lot ended with "no award"), or a new version of it when more lots are concluded.
    Refused (409) when no lot is concluded, or when the published one already lists them."""
    _require_manager(notice, by)
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    clock = now if now is not None else db_now()
    published = _award_notice_sync(locked, by=by, now=clock)
    if published is None:
        from evaluation.contract.selectors import concluded_results

        if not concluded_results(locked):
            raise Conflict(_("No lot is concluded yet: a lot is concluded when every winner's "
                             "contract is recorded, or when its sent decision is not to "
                             "award."), code="nothing_concluded")
        raise Conflict(_("The award notice already lists every concluded lot."),
                       code="up_to_date")
    return published


def _award_notice_sync(notice: Notice, *, by: User, now: datetime) -> Notice | None:
    """Create and publish the award notice, or publish a change with the lots concluded
    since; None when there is nothing (new) to publish."""
    from evaluation.contract.selectors import AWARD_RESULTS_KEY, concluded_results
    from notices import services as notice_services

    results = concluded_results(notice)
    if not results:
        return None
    existing = award_notice_of(notice)
    if existing is None:
        fields = {name: getattr(notice, name) for name in AWARD_COPIED_FIELDS}
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        lots = [{"title": lot.title, "description": lot.description, "cpv": lot.cpv,
                 "estimated_value": lot.estimated_value, "title_en": lot.title_en,
                 "description_en": lot.description_en, "duration_months": lot.duration_months}
                for lot in notice.lots.all()]
        award = notice_services.notice_create(buyer=notice.buyer, by=by, kind=NoticeKind.AWARD,
                                              fields=fields, lots=lots or None, now=now)
        Notice.objects.filter(pk=award.pk).update(award_for=notice)
        award.award_for = notice
        award = notice_services.notice_publish(notice=award, by=by, now=now)
        version = award.version
        change = False
    else:
        last = existing.versions.order_by("-number").first()
        before = (last.snapshot if last else {}).get(AWARD_RESULTS_KEY) or []
        if before == results:
            return None
        new_lots = [n for n in _concluded_numbers(results)
                    if n not in _concluded_numbers(before)]
        reason = (_("Results published for: %(lots)s.")
                  % {"lots": ", ".join(_lot_label(n) for n in new_lots)} if new_lots
                  else _("The published results are updated."))
        before_snapshot = dict(last.snapshot) if last else None
        published: NoticeVersion = notice_services.notice_change_publish(
            notice=existing, by=by, reason=reason, fields={}, before=before_snapshot, now=now)
        award = existing
        award.refresh_from_db()
        version = published.number
        change = True
    _event(notice, AwardEventKind.AWARD_NOTICE_PUBLISHED, by=by, at=now,
           award_notice=award.pk, reference=award.reference, version=version, change=change,
           lots=_concluded_numbers(results))
    return award


"""The notice fields a person edits, how they are validated, frozen and compared."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import ApplicationError
from backend.formatting import format_oslo
from notices.codelists.services import cpv_exists, nuts_exists
from notices.models import ContractType, Notice, ProcedureType

# Fields of the notice a person sets; kind and buyer are fixed at creation.
EDITABLE_FIELDS = (
    "title", "description", "contract_type", "procedure_type", "cpv_main", "cpv_additional",
    "nuts", "estimated_value", "submission_deadline", "question_deadline", "accelerated",
    "accelerated_reason", "request_deadline",
    # eForms: English texts for TED, and the contract terms a contract notice states.
    "title_en", "description_en", "accelerated_reason_en", "duration_months",
    "tender_validity_days", "max_lots_submitted", "max_lots_awarded", "candidates_min",
    "planned_notice_date",
)
LOT_FIELDS = ("title", "description", "cpv", "estimated_value", "title_en", "description_en",
              "duration_months")
TEXT_FIELDS = ("title", "description", "accelerated_reason", "title_en", "description_en",
               "accelerated_reason_en")
# Whole numbers a person sets, each with its largest sensible value.
COUNT_FIELDS = {"duration_months": 1200, "tender_validity_days": 3650,
                "max_lots_submitted": 999, "max_lots_awarded": 999, "candidates_min": 999}

FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "contract_type": gettext_lazy("Contract type"),
    "procedure_type": gettext_lazy("Procedure"),
    "cpv_main": gettext_lazy("Main CPV code"),
    "cpv_additional": gettext_lazy("Additional CPV codes"),
    "nuts": gettext_lazy("Place of performance"),
    "estimated_value": gettext_lazy("Estimated value"),
    "submission_deadline": gettext_lazy("Deadline for tenders"),
    "question_deadline": gettext_lazy("Deadline for questions"),
    "request_deadline": gettext_lazy("Deadline for requests to participate"),
    "accelerated": gettext_lazy("Shortened deadline"),
    "accelerated_reason": gettext_lazy("Reason for the shortened deadline"),
    "lots": gettext_lazy("Lots"),
    "title_en": gettext_lazy("Title in English"),
    "description_en": gettext_lazy("Description in English"),
    "accelerated_reason_en": gettext_lazy("Reason for the shortened deadline in English"),
    "duration_months": gettext_lazy("Planned duration (months)"),
    "tender_validity_days": gettext_lazy("Tender validity (days)"),
    "max_lots_submitted": gettext_lazy("Most lots one supplier may tender for"),
    "max_lots_awarded": gettext_lazy("Most lots one supplier may win"),
    "candidates_min": gettext_lazy("Minimum number of candidates"),
    "planned_notice_date": gettext_lazy("Planned date of the contract notice"),
}

CPV_RE = re.compile(r"^(\d{8})(?:-\d)?$")
NUTS_RE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


def clean_cpv(value: str, field: str = "cpv_main") -> str:
    match = CPV_RE.match(str(value).strip())
    if not match:
        raise ApplicationError(
            _("“%(value)s” is not a CPV code. A CPV code has 8 digits, e.g. 45000000 or "
              "45000000-7.") % {"value": value}, fields={field: [_("8 digits.")]})
    code = match.group(1)
    if not cpv_exists(code):
        raise ApplicationError(
            _("“%(value)s” is not in the CPV 2008 list. Look the code up by name in the CPV "
              "picker.") % {"value": value}, fields={field: [_("Unknown CPV code.")]})
    return code


def clean_nuts(value: str) -> str:
    code = str(value).strip().upper()
    if not NUTS_RE.match(code):
        raise ApplicationError(
            _("“%(value)s” is not a NUTS code. Use a code like NO081 (Oslo) or NO0A2.")
            % {"value": value}, fields={"nuts": [_("A NUTS code such as NO081.")]})
    if not nuts_exists(code):
        raise ApplicationError(
            _("“%(value)s” is not in the NUTS 2024 list. Look the region up by name in the "
              "NUTS picker (Oslo is NO081).") % {"value": value},
            fields={"nuts": [_("Unknown NUTS code.")]})
    return code


def clean_money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise ApplicationError(_("“%(value)s” is not an amount in NOK.") % {"value": value},
                               fields={field: [_("A number, e.g. 1500000.")]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ApplicationError(_("The amount must be between 0 and 999,999,999,999 NOK."),
                               fields={field: [_("Out of range.")]})
    return amount.quantize(Decimal("0.01"))


def clean_count(value: Any, field: str) -> int | None:
    """A whole number of at least 1 (months, days, lots, candidates), or None for blank."""
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ApplicationError(_("“%(value)s” is not a whole number.") % {"value": value},
                               fields={field: [_("A whole number, e.g. 12.")]}) from None
    limit = COUNT_FIELDS[field]
    if not 1 <= number <= limit:
        raise ApplicationError(_("The number must be between 1 and %(max)s.") % {"max": limit},
                               fields={field: [_("Out of range.")]})
    return number


def clean_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    parsed = parse_date(str(value).strip()[:10]) if str(value).strip() else None
    if parsed is None:
        raise ApplicationError(_("“%(value)s” is not a date.") % {"value": value},
                               fields={field: [_("Use the form 2027-03-01.")]})
    return parsed


def clean_datetime(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        try:
            parsed = parse_datetime(str(value))
        except ValueError:
            parsed = None
    if parsed is None:
        raise ApplicationError(_("“%(value)s” is not a date and time.") % {"value": value},
                               fields={field: [_("Use the form 2026-12-01T12:00.")]})
    if timezone.is_naive(parsed):
        # A time without an offset is read as Norwegian time, as the form shows it.
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable fields present in `data`; unknown keys are refused."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(names)s.")
                               % {"names": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in TEXT_FIELDS:
            text = str(value or "").strip()
            if name in ("title", "title_en") and len(text) > 300:
                raise ApplicationError(_("The title can be at most 300 characters."),
                                       fields={name: [_("Too long.")]})
            out[name] = text
        elif name in COUNT_FIELDS:
            out[name] = clean_count(value, name)
        elif name == "planned_notice_date":
            out[name] = clean_date(value, name)
        elif name == "contract_type":
            if value not in ContractType.values:
                raise ApplicationError(_("Choose goods, services, works or social services."),
                                       fields={name: [_("Choose one of the listed types.")]})
            out[name] = value
        elif name == "procedure_type":
            if value not in ("", None, *ProcedureType.values):
                raise ApplicationError(_("Choose one of the listed procedures."),
                                       fields={name: [_("Unknown procedure.")]})
            out[name] = value or ""
        elif name == "cpv_main":
            out[name] = clean_cpv(value)
        elif name == "cpv_additional":
            items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
            out[name] = sorted({clean_cpv(item, name) for item in items})
        elif name == "nuts":
            out[name] = clean_nuts(value)
        elif name == "estimated_value":
            out[name] = clean_money(value, name)
        elif name in ("submission_deadline", "question_deadline", "request_deadline"):
            out[name] = clean_datetime(value, name)
        elif name == "accelerated":
            out[name] = bool(value) and str(value).lower() not in ("false", "0", "off")
    return out


def clean_lots(lots: Any) -> list[dict[str, Any]]:
    if not isinstance(lots, list):
        raise ApplicationError(_("Lots must be a list."), fields={"lots": [_("A list.")]})
    cleaned = []
    for index, lot in enumerate(lots, start=1):
        if not isinstance(lot, dict) or not str(lot.get("title", "")).strip():
            raise ApplicationError(_("Lot %(n)s needs a title.") % {"n": index},
                                   fields={"lots": [_("Each lot needs a title.")]})
        cleaned.append({
            "number": index,
            "title": str(lot["title"]).strip()[:300],
            "description": str(lot.get("description", "") or "").strip(),
            "cpv": clean_cpv(lot.get("cpv", ""), "lots"),
            "estimated_value": clean_money(lot.get("estimated_value"), "lots"),
            "title_en": str(lot.get("title_en", "") or "").strip()[:300],
            "description_en": str(lot.get("description_en", "") or "").strip(),
            "duration_months": clean_count(lot.get("duration_months"), "duration_months"),
        })
    return cleaned


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class SnapshotPart:
    """A part of every snapshot that another app owns (evaluation: the evaluation model).

    `build` returns the part as JSON for a notice; `display` turns a stored value into text
    for the change history. Registered in the owning app's AppConfig.ready(), so notices
    never imports it; the part is frozen, compared and shown like the notice's own fields.
    """

    name: str
    label: Any
    build: Callable[[Notice], Any]
    display: Callable[[Any], str]


SNAPSHOT_PARTS: dict[str, SnapshotPart] = {}


def register_snapshot_part(part: SnapshotPart) -> SnapshotPart:
    SNAPSHOT_PARTS[part.name] = part
    FIELD_LABELS[part.name] = part.label
    return part


def snapshot(notice: Notice) -> dict[str, Any]:
    """The notice as published, frozen into JSON."""
    data = {name: _json_value(getattr(notice, name)) for name in EDITABLE_FIELDS}
    data.update(kind=notice.kind, reference=notice.reference, buyer=notice.buyer.name,
                buyer_id=notice.buyer.identifier, regime=notice.regime)
    data["lots"] = [
        {name: _json_value(getattr(lot, name)) for name in ("number", *LOT_FIELDS)}
        for lot in notice.lots.all()
    ]
    for part in SNAPSHOT_PARTS.values():
        data[part.name] = part.build(notice)
    return data


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots, field by field (lots and each registered part as
    one field)."""
    changes = []
    for name in (*EDITABLE_FIELDS, "lots", *SNAPSHOT_PARTS):
        if old.get(name) != new.get(name):
            changes.append({"field": name, "old": old.get(name), "new": new.get(name)})
    return changes


def display_value(field: str, value: Any) -> str:
    """A diff value as a person reads it: Oslo time, NOK, labels."""
    if value in (None, "", []):
        return "—"
    if field in ("submission_deadline", "question_deadline", "request_deadline"):
        parsed = parse_datetime(value)
        return format_oslo(parsed, "locale") if parsed else str(value)
    if field == "estimated_value":
        from notices.rules.checks import nok

        return nok(Decimal(value))
    if field == "contract_type":
        return str(ContractType(value).label)
    if field == "procedure_type":
        return str(ProcedureType(value).label)
    if field == "cpv_additional":
        return ", ".join(value)
    if field == "accelerated":
        return _("yes") if value else _("no")
    if field == "lots":
        return "; ".join(f"{lot['number']}. {lot['title']} ({lot['cpv']})" for lot in value)
    if field in SNAPSHOT_PARTS:
        return SNAPSHOT_PARTS[field].display(value)
    return str(value)

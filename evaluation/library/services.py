"""Every write of the criteria library: an authority's own templates, new versions, and
copying a template into a notice.

`template_apply` copies, it never links: the text goes into the notice's evaluation model
(an award criterion or a qualification requirement, through evaluation.criteria.services)
or into a SustainabilityClause (a specification requirement or a contract condition), with
the template's key and version written into the copy and a TemplateApplication row. Later
versions of the template change nothing in the notice. Drafts only: a published notice
changes through `template_apply_by_change` (a change notice with a reason, before the
deadline), see docs/criteria-library.md.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Organization, User
from accounts.permissions import is_platform_staff
from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.criteria import services as model_services
from evaluation.criteria.models import CriterionKind, RequirementCategory, ScoringMethod
from evaluation.criteria.selectors import climate_codes, lot_numbers_of, lot_of, model_of
from evaluation.library.models import (
    Ambition,
    Area,
    ClauseKind,
    CriterionTemplate,
    SustainabilityClause,
    TemplateApplication,
    Use,
)
from evaluation.library.selectors import SNAPSHOT_KEY, clauses_of
from evaluation.permissions import may_apply_template, may_manage_own_templates
from notices.deadlines import notice_lock
from notices.models import (
    Notice,
    NoticeEvent,
    NoticeEventKind,
    NoticeStatus,
    NoticeVersion,
)
from notices.services import notice_change_publish

CPV_PREFIX_RE = re.compile(r"^[0-9]{2,8}$")
TEXT_FIELDS = ("title_nb", "title_en", "text_nb", "text_en", "documentation_nb",
               "documentation_en", "verification_nb", "verification_en", "source")
REQUIRED = ("title_nb", "title_en", "text_nb", "text_en", "source")
LIMITS = {"title_nb": 200, "title_en": 200, "source": 2000}
MAX_TEXT = 5000
MAX_CLAUSES = 60


# --- templates -------------------------------------------------------------------------------


def _clean(data: Any, *, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check a template's fields; raises ApplicationError naming each bad field."""
    if not isinstance(data, dict):
        raise ApplicationError(_("The template is an object of fields."), code="invalid")
    merged = {**(base or {}), **data}
    fields: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = merged.get(name, "")
        if not isinstance(value, str):
            fields[name] = [_("Text expected.")]
            continue
        value = value.strip()
        if name in REQUIRED and not value:
            fields[name] = [_("Required.")]
        elif len(value) > LIMITS.get(name, MAX_TEXT):
            fields[name] = [_("At most %(n)s characters.") % {"n": LIMITS.get(name, MAX_TEXT)}]
        out[name] = value
    for name, choices in (("area", Area), ("use", Use), ("ambition", Ambition)):
        value = merged.get(name)
        if value not in choices.values:
            fields[name] = [_("Choose one of: %(choices)s.")
                            % {"choices": ", ".join(choices.values)}]
        out[name] = value
    raw = merged.get("cpv_prefixes", [])
    if isinstance(raw, str):
        raw = [p for p in re.split(r"[\s,;]+", raw) if p]
    if not isinstance(raw, list) or not all(isinstance(p, str) and CPV_PREFIX_RE.match(p)
                                            for p in raw) or len(raw) > 30:
        fields["cpv_prefixes"] = [_("CPV prefixes: 2 to 8 digits each, at most 30.")]
        raw = []
    out["cpv_prefixes"] = list(dict.fromkeys(raw))
    counts = merged.get("counts_for_climate", False)
    if not isinstance(counts, bool):
        fields["counts_for_climate"] = [_("True or false.")]
        counts = False
    out["counts_for_climate"] = counts
    code = merged.get("climate_code", "") or ""
    if code and (not isinstance(code, str) or code not in climate_codes()):
        fields["climate_code"] = [_("Not a climate and environment declaration of the "
                                    "Norwegian code list (quality-nor-env-…).")]
        code = ""
    if code and not counts:
        fields["climate_code"] = [_("Only for a template that counts towards FOA § 7-9.")]
    out["climate_code"] = code
    weight = merged.get("suggested_weight")
    if weight in ("", None):
        weight = None
    else:
        try:
            if isinstance(weight, bool):
                raise ValueError
            weight = int(str(weight))
            if not 1 <= weight <= 99:
                raise ValueError
        except ValueError:
            fields["suggested_weight"] = [_("A whole percentage from 1 to 99.")]
            weight = None
    if weight is not None and out.get("use") != Use.AWARD:
        fields["suggested_weight"] = [_("Only award criteria carry a weight.")]
    out["suggested_weight"] = weight
    url = merged.get("source_url", "") or ""
    if not isinstance(url, str) or (url and not re.match(r"^https?://\S{3,490}$", url)):
        fields["source_url"] = [_("An address beginning with https://.")]
        url = ""
    out["source_url"] = url
    espd = merged.get("espd_code", "") or ""
    if not isinstance(espd, str) or not re.match(r"^[A-Za-z0-9._:-]{0,64}$", espd):
        fields["espd_code"] = [_("Letters, digits, dots, dashes and colons.")]
        espd = ""
    out["espd_code"] = espd
    if fields:
        raise ApplicationError(_("The template has errors: %(fields)s.")
                               % {"fields": ", ".join(sorted(fields))}, fields=fields)
    return out


def _new_key(title_en: str, owner: Organization | None) -> str:
    stem = slugify(title_en)[:60] or "template"
    if owner is not None:
        stem = f"org{owner.pk}-{stem}"
    key, n = stem, 1
    while CriterionTemplate.objects.filter(key=key).exists():
        n += 1
        key = f"{stem}-{n}"
    return key


@transaction.atomic
def template_create(*, organization: Organization, by: User, data: Any,
                    now: datetime | None = None) -> CriterionTemplate:
    """An authority's own template, version 1 (its administrators and procurement
    officers). The national library's templates are platform staff's, in the admin."""
    if not organization.is_authority or not may_manage_own_templates(by, organization.pk):
        raise Forbidden(_("Only administrators and procurement officers of %(org)s can add "
                          "its templates.") % {"org": organization.name})
    clean = _clean(data)
    return CriterionTemplate.objects.create(
        key=_new_key(clean["title_en"], organization), version=1, owner=organization,
        created_at=now or timezone.now(), created_by=by, **clean)


@transaction.atomic
def template_new_version(*, template: CriterionTemplate, by: User, changes: Any,
                         now: datetime | None = None) -> CriterionTemplate:
    """A new version of a template: a new row with the changes, the older rows kept as they
    were (notices that copied them keep saying so). An authority's template: its editors;
    a national one: platform staff. `changes` may set `active` to retire the key."""
    if template.owner_id is None:
        if not is_platform_staff(by):
            raise Forbidden(_("Only platform staff maintain the national criteria library."))
    elif not may_manage_own_templates(by, template.owner_id):
        raise Forbidden(_("Only administrators and procurement officers of %(org)s can "
                          "change its templates.") % {"org": template.owner})
    newest = (CriterionTemplate.objects.select_for_update().filter(key=template.key)
              .order_by("-version").first())
    assert newest is not None
    if newest.version != template.version:
        raise Conflict(_("Version %(n)s is no longer the newest; start from version "
                         "%(m)s.") % {"n": template.version, "m": newest.version},
                       code="stale_version")
    base = {name: getattr(newest, name) for name in (
        *TEXT_FIELDS, "area", "use", "ambition", "cpv_prefixes", "counts_for_climate",
        "climate_code", "suggested_weight", "source_url", "espd_code")}
    if not isinstance(changes, dict):
        raise ApplicationError(_("The changes are an object of fields."), code="invalid")
    active = changes.get("active", True)
    if not isinstance(active, bool):
        raise ApplicationError(_("True or false."), fields={"active": [_("True or false.")]})
    clean = _clean({k: v for k, v in changes.items() if k != "active"}, base=base)
    return CriterionTemplate.objects.create(
        key=newest.key, version=newest.version + 1, owner_id=newest.owner_id, active=active,
        created_at=now or timezone.now(), created_by=by, **clean)


# --- copying into a notice ------------------------------------------------------------------


def _lock_draft(notice: Notice, now: datetime | None) -> tuple[Notice, datetime]:
    locked, clock = notice_lock(notice.pk, now=now, with_buyer=True)
    if locked.status != NoticeStatus.DRAFT:
        raise Conflict(_("Templates are added to drafts. The notice is published: change "
                         "its evaluation model by a change notice instead."),
                       code="published")
    return locked, clock


def _tag(template: CriterionTemplate) -> str:
    return _("From the criteria library: %(key)s, version %(version)s") % {
        "key": template.key, "version": template.version}


def _details(template: CriterionTemplate, language: str) -> str:
    parts = []
    if template.documentation(language):
        parts.append(_("Documentation: %(text)s") % {"text": template.documentation(language)})
    if template.verification(language):
        parts.append(_("Verification: %(text)s") % {"text": template.verification(language)})
    parts.append(_tag(template))
    return "\n".join(parts)


def _award_lot(notice: Notice, lot_number: int, template: CriterionTemplate,
               language: str) -> dict[str, Any]:
    """The lot's award terms and criteria with the template's criterion added."""
    current = lot_of(model_of(notice), lot_number)
    weight = Decimal(template.suggested_weight or 30)
    criterion: dict[str, Any] = {
        "kind": CriterionKind.CLIMATE if template.counts_for_climate else CriterionKind.QUALITY,
        "name": template.title(language)[:200], "description": _details(template, language),
        "method": ScoringMethod.POINTS, "scale": template.text(language)}
    if current is None or not current.get("criteria"):
        return {"basis": "best_ratio", "by_priority": False,
                "climate_option": template.climate_code if template.counts_for_climate else "",
                "climate_justification": "",
                "criteria": [{"kind": CriterionKind.PRICE, "name": _("Price"),
                              "method": ScoringMethod.PRICE_LINEAR,
                              "weight": str(100 - weight)},
                             {**criterion, "weight": str(weight)}]}
    if current["basis"] != "best_ratio":
        raise ApplicationError(_("This lot is awarded on the lowest price or cost alone. "
                                 "Choose the best price-quality ratio before adding an award "
                                 "criterion."), fields={"lot_number": [_("Lowest price.")]},
                               code="basis")
    rows = [dict(row) for row in current["criteria"]]
    if any(row.get("method") == ScoringMethod.PRICED_QUALITY for row in rows):
        raise ApplicationError(_("This lot uses priced quality: add the criterion in the form, "
                                 "with its NOK value per point."),
                               fields={"lot_number": [_("Priced quality.")]}, code="basis")
    by_priority = current.get("ranking") == "priority"
    if by_priority:
        criterion["priority"] = len(rows) + 1
    else:
        donors = [row for row in rows if row.get("kind") in ("price", "cost")
                  and Decimal(row.get("weight") or 0) - weight >= 10]
        if not donors:
            raise ApplicationError(
                _("No price or cost criterion of this lot can give %(w)s %% of its weight "
                  "(it would keep less than 10 %%). Adjust the weights in the form instead.")
                % {"w": weight}, fields={"lot_number": [_("No room for the weight.")]},
                code="weights")
        donors[0]["weight"] = str(Decimal(donors[0]["weight"]) - weight)
        criterion["weight"] = str(weight)
    rows.append(criterion)
    option = current.get("climate_option") or (
        template.climate_code if template.counts_for_climate else "")
    return {"basis": current["basis"], "by_priority": by_priority, "climate_option": option,
            "climate_justification": current.get("climate_justification", ""),
            "criteria": rows}


def _record(notice: Notice, template: CriterionTemplate, *, by: User, at: datetime,
            lot_number: int | None, position: int) -> TemplateApplication:
    return TemplateApplication.objects.create(
        notice=notice, template=template, template_key=template.key,
        template_version=template.version, lot_number=lot_number, use=template.use,
        position=position, at=at, by=by)


def _check_template(notice: Notice, template: CriterionTemplate, by: User) -> None:
    if not may_apply_template(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can change the notice.")
                        % {"buyer": notice.buyer.name})
    if template.owner_id not in (None, notice.buyer_id):
        raise Forbidden(_("This template belongs to another authority."))
    if not template.active or CriterionTemplate.objects.filter(
            key=template.key, version__gt=template.version).exists():
        raise Conflict(_("This template version is retired or no longer the newest."),
                       code="stale_version")


def _check_lot(notice: Notice, lot_number: int) -> None:
    if lot_number not in lot_numbers_of(notice):
        raise ApplicationError(_("The notice has no lot %(n)s.") % {"n": lot_number},
                               fields={"lot_number": [_("No such lot.")]})


def _requirements_with(notice: Notice, template: CriterionTemplate, lot_number: int,
                       language: str) -> list[dict[str, Any]]:
    """The notice's requirements with the template's appended (for the lot, or every lot)."""
    requirements = [{k: v for k, v in {**req, "lot_number": req.get("lot_number")}.items()
                     if k != "position"} for req in model_of(notice)["requirements"]]
    requirements.append({
        "lot_number": lot_number or None, "category": RequirementCategory.TECHNICAL,
        "espd_code": template.espd_code, "title": template.title(language)[:300],
        "description": f"{template.text(language)}\n{_tag(template)}",
        "documentation": template.documentation(language)})
    return requirements


def _write_clause(notice: Notice, template: CriterionTemplate, lot_number: int,
                  language: str) -> int:
    clauses = clauses_of(notice)
    if clauses.count() >= MAX_CLAUSES:
        raise ApplicationError(_("At most %(n)s clauses on a notice.") % {"n": MAX_CLAUSES},
                               fields={"template": [_("Too many clauses.")]})
    position = (clauses.order_by("-position").values_list("position", flat=True).first()
                or 0) + 1
    SustainabilityClause.objects.create(
        notice=notice, lot_number=lot_number or None, position=position,
        kind=(ClauseKind.SPECIFICATION if template.use == Use.SPECIFICATION
              else ClauseKind.CONTRACT),
        title=template.title(language), text=template.text(language),
        documentation=template.documentation(language),
        verification=template.verification(language),
        counts_for_climate=template.counts_for_climate, template_key=template.key,
        template_version=template.version)
    return position


def _terms(lot: dict[str, Any]) -> dict[str, Any]:
    return {k: lot[k] for k in ("basis", "by_priority", "climate_option",
                                "climate_justification")}


@transaction.atomic
def template_apply(*, notice: Notice, lot_number: int, template: CriterionTemplate, by: User,
                   language: str = "nb", now: datetime | None = None) -> TemplateApplication:
    """Copy a template into a draft notice, for one lot (0: a notice without lots).

    - award criterion: added to the lot's criteria (a new lot model gets price + this
      criterion); weighted lots take the weight from a price or cost criterion, ranked lots
      put it last; a lot without a climate declaration gets the template's;
    - qualification requirement: appended to the requirements (for the lot, or every lot);
    - specification requirement / contract condition: a SustainabilityClause.
    The template's key and version go into the copy; nothing links back to the template.
    A published notice: `template_apply_by_change`."""
    _check_template(notice, template, by)
    notice, _clock = _lock_draft(notice, now)
    at = now or timezone.now()
    _check_lot(notice, lot_number)
    language = "en" if str(language)[:2] == "en" else "nb"
    with override(language):
        if template.use == Use.AWARD:
            lot = _award_lot(notice, lot_number, template, language)
            model_services.evaluation_model_set(notice=notice, by=by, lot_number=lot_number,
                                                terms=_terms(lot), criteria=lot["criteria"],
                                                now=now)
            return _record(notice, template, by=by, at=at, lot_number=lot_number,
                           position=len(lot["criteria"]))
        if template.use == Use.QUALIFICATION:
            requirements = _requirements_with(notice, template, lot_number, language)
            model_services.evaluation_model_requirements_set(
                notice=notice, by=by, requirements=requirements, now=now)
            return _record(notice, template, by=by, at=at, lot_number=lot_number or None,
                           position=len(requirements))
        position = _write_clause(notice, template, lot_number, language)
        NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.DRAFT_UPDATED, by=by,
                                   at=at, data={"fields": [SNAPSHOT_KEY],
                                                "template": template.key,
                                                "version": template.version})
        return _record(notice, template, by=by, at=at, lot_number=lot_number or None,
                       position=position)


@transaction.atomic
def template_apply_by_change(*, notice: Notice, lot_number: int, template: CriterionTemplate,
                             by: User, reason: str, language: str = "nb",
                             now: datetime | None = None,
                             ) -> tuple[NoticeVersion, TemplateApplication]:
    """Copy a template into a published notice by a change notice with a reason, before the
    deadline for tenders (the criteria services and notices.services decide that, with the
    row locked and the database clock). The change notice's snapshot, diff and reason carry
    the copy; bidders are told as for any change notice."""
    _check_template(notice, template, by)
    if not str(reason or "").strip():
        raise ApplicationError(_("Say why the notice changes; bidders read the reason."),
                               fields={"reason": [_("Required.")]})
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("Only a published notice whose deadline has not passed can be "
                         "changed; add templates to a draft directly."), code="not_published")
    _check_lot(notice, lot_number)
    language = "en" if str(language)[:2] == "en" else "nb"
    with override(language):
        if template.use == Use.AWARD:
            lot = _award_lot(notice, lot_number, template, language)
            version = model_services.evaluation_model_change_publish(
                notice=notice, by=by, reason=reason,
                lots=[{"lot_number": lot_number, **_terms(lot), "criteria": lot["criteria"]}],
                now=now)
            position = len(lot["criteria"])
        elif template.use == Use.QUALIFICATION:
            requirements = _requirements_with(notice, template, lot_number, language)
            version = model_services.evaluation_model_change_publish(
                notice=notice, by=by, reason=reason, requirements=requirements, now=now)
            position = len(requirements)
        else:
            written: list[int] = []

            def apply(locked: Notice, clock: datetime) -> None:
                written.append(_write_clause(locked, template, lot_number, language))

            version = notice_change_publish(notice=notice, by=by, reason=reason, fields={},
                                            apply=apply, now=now)
            position = written[0]
    application = _record(notice, template, by=by, at=version.published_at,
                          lot_number=(lot_number if template.use == Use.AWARD
                                      else lot_number or None), position=position)
    return version, application


@transaction.atomic
def clause_remove(*, notice: Notice, position: int, by: User,
                  now: datetime | None = None) -> None:
    """Remove a specification requirement or contract condition from a draft."""
    if not may_apply_template(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can change the notice.")
                        % {"buyer": notice.buyer.name})
    notice, _clock = _lock_draft(notice, now)
    removed, _rows = SustainabilityClause.objects.filter(notice=notice,
                                                         position=position).delete()
    if not removed:
        raise ApplicationError(_("No such clause."), fields={"position": [_("No such clause.")]})
    NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.DRAFT_UPDATED, by=by,
                               at=now or timezone.now(),
                               data={"fields": [SNAPSHOT_KEY], "removed": position})

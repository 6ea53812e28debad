from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from backend.events import Event
from notices.rules.models import ContractCategory, DeadlinePhase, DeadlineRule, Regime, Threshold

__all__ = [
    "ContractCategory",
    "ContractType",
    "CpvCode",
    "DeadlinePhase",
    "DeadlineRule",
    "DocumentVersion",
    "Lot",
    "Notice",
    "NoticeEvent",
    "NoticeEventKind",
    "NoticeKind",
    "NoticeSource",
    "NoticeStatus",
    "NoticeVersion",
    "NutsCode",
    "ProcedureType",
    "Regime",
    "TenderDocument",
    "Threshold",
    "VersionKind",
]


class NoticeKind(models.TextChoices):
    PIN = "pin", _("Prior information notice")
    CONTRACT = "cn", _("Contract notice (EEA)")
    NATIONAL = "national", _("National notice (Part II)")
    VOLUNTARY = "voluntary", _("Voluntary notice (Part I)")
    AWARD = "can", _("Contract award notice")
    VEAT = "veat", _("Voluntary ex-ante transparency notice")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Deadline passed")
    CANCELLED = "cancelled", _("Cancelled")


class ContractType(models.TextChoices):
    """eForms contract nature, plus the social and specific services that have own thresholds."""

    SUPPLIES = "supplies", _("Goods")
    SERVICES = "services", _("Services")
    WORKS = "works", _("Building and construction works")
    SOCIAL = "social", _("Health, social and other specific services")

    @property
    def category(self) -> str:
        return {
            "supplies": ContractCategory.GOODS_SERVICES,
            "services": ContractCategory.GOODS_SERVICES,
            "works": ContractCategory.WORKS,
            "social": ContractCategory.SOCIAL,
        }[self.value]


class ProcedureType(models.TextChoices):
    """eForms procurement-procedure-type codes."""

    OPEN = "open", _("Open procedure")
    RESTRICTED = "restricted", _("Restricted procedure")
    NEGOTIATED = "neg-w-call", _("Competitive procedure with negotiation")
    DIALOGUE = "comp-dial", _("Competitive dialogue")
    INNOVATION = "innovation", _("Innovation partnership")
    NEGOTIATED_NO_CALL = "neg-wo-call", _("Negotiated procedure without prior publication")
    OTHER_SINGLE = "oth-single", _("Other single-stage procedure")
    OTHER_MULTI = "oth-mult", _("Other multiple-stage procedure")

    @property
    def deadline_phase(self) -> str:
        single_stage = {"open", "oth-single", "neg-wo-call"}
        return DeadlinePhase.TENDER if self.value in single_stage else DeadlinePhase.REQUEST


class NoticeSource(models.TextChoices):
    """Where a notice comes from: written on the platform, or imported from an eForms file."""

    ANBUD = "anbud", _("Written on this platform")
    EFORMS_IMPORT = "eforms", _("Imported from an eForms notice")


class Notice(models.Model):
    """A procurement as announced: its current content and lifecycle.

    A published notice is never edited in place; each publication, change notice and
    cancellation is frozen as a NoticeVersion and this row mirrors the latest version.
    """

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="notices",
                              verbose_name=_("buyer"))
    kind = models.CharField(_("notice type"), max_length=16, choices=NoticeKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=NoticeStatus.choices,
                              default=NoticeStatus.DRAFT)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    contract_type = models.CharField(_("contract type"), max_length=16,
                                     choices=ContractType.choices)
    procedure_type = models.CharField(_("procedure"), max_length=16,
                                      choices=ProcedureType.choices, blank=True)
    cpv_main = models.CharField(_("main CPV code"), max_length=8)
    cpv_additional = models.JSONField(_("additional CPV codes"), default=list, blank=True)
    nuts = models.CharField(_("place of performance (NUTS)"), max_length=5)
    estimated_value = models.DecimalField(_("estimated value (NOK, excl. VAT)"), max_digits=14,
                                          decimal_places=2, null=True, blank=True)
    submission_deadline = models.DateTimeField(_("deadline for tenders"), null=True, blank=True)
    # Two-stage procedures (restricted, negotiated, dialogue, innovation) first take requests
    # to participate, then tenders from those invited; each deadline has its own minimum.
    request_deadline = models.DateTimeField(_("deadline for requests to participate"),
                                            null=True, blank=True)
    question_deadline = models.DateTimeField(_("deadline for questions"), null=True, blank=True)
    accelerated = models.BooleanField(
        _("shortened deadline (after a prior information notice or in urgency)"), default=False)
    accelerated_reason = models.TextField(_("reason for the shortened deadline"), blank=True)
    regime = models.CharField(_("regime"), max_length=8, choices=Regime.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # eForms procedure identifier (BT-04, ContractFolderID): a UUID version 4 drawn once, so
    # every notice and version of the procedure carries the same one.
    procedure_uuid = models.UUIDField(_("procedure identifier"), default=uuid.uuid4,
                                      editable=False, db_index=True)
    # Texts in English for notices published on TED (Part III): TED takes an official EU
    # language, and Norwegian is not one.
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    accelerated_reason_en = models.TextField(_("reason for the shortened deadline in English"),
                                             blank=True)
    # Contract terms every eForms contract notice states.
    duration_months = models.PositiveSmallIntegerField(
        _("planned duration of the contract (months)"), null=True, blank=True)
    tender_validity_days = models.PositiveSmallIntegerField(
        _("tenders valid for (days after the deadline)"), null=True, blank=True)
    max_lots_submitted = models.PositiveSmallIntegerField(
        _("most lots one supplier may tender for"), null=True, blank=True)
    max_lots_awarded = models.PositiveSmallIntegerField(
        _("most lots one supplier may win"), null=True, blank=True)
    candidates_min = models.PositiveSmallIntegerField(
        _("minimum number of candidates invited to tender"), null=True, blank=True)
    # A prior information notice: when the contract notice is expected (eForms BT-127).
    planned_notice_date = models.DateField(_("planned date of the contract notice"),
                                           null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=NoticeSource.choices,
                              default=NoticeSource.ANBUD)
    # For an imported notice: the file (or upload) it came from.
    source_name = models.CharField(_("imported from"), max_length=300, blank=True)
    # An award notice (kind "can") is a notice of its own on the board, linked to the
    # contract notice whose results it publishes (evaluation.award).
    award_for = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="award_notices",
                                  verbose_name=_("award notice for"))

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "submission_deadline"]),
            models.Index(fields=["cpv_main"]),
            models.Index(fields=["nuts"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.status != NoticeStatus.DRAFT


class Lot(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    cpv = models.CharField(_("CPV code"), max_length=8)
    estimated_value = models.DecimalField(_("estimated value (NOK)"), max_digits=14,
                                          decimal_places=2, null=True, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # Empty: the notice's planned duration.
    duration_months = models.PositiveSmallIntegerField(
        _("planned duration (months)"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"],
                                               name="lot_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class VersionKind(models.TextChoices):
    ORIGINAL = "original", _("Original notice")
    CHANGE = "change", _("Change notice")
    CANCELLATION = "cancellation", _("Cancellation")


class NoticeVersion(models.Model):
    """An immutable published version: what the public saw, and why it changed."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(max_length=16, choices=VersionKind.choices)
    snapshot = models.JSONField()
    diff = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    # eForms notice identifier (BT-701): each published version is its own eForms notice; a
    # UUID version 4 drawn once when the version is published and never changed.
    notice_uuid = models.UUIDField(_("notice identifier"), default=uuid.uuid4, unique=True,
                                   editable=False)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"],
                                               name="notice_version_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} v{self.number} ({self.kind})"


class NoticeEventKind(models.TextChoices):
    """What happened to a notice. The values are stored and public: never rename one."""

    CREATED = "notice.created", _("Draft created")
    DRAFT_UPDATED = "notice.draft_updated", _("Draft edited")
    KIND_CHANGED = "notice.kind_changed", _("Notice type of the draft changed")
    PUBLISHED = "status.published", _("Notice published")
    CHANGED = "notice.changed", _("Change notice published")
    CLOSED = "status.closed", _("Deadline for tenders passed")
    CANCELLED = "status.cancelled", _("Competition cancelled")
    DOCUMENT_VERSION_ADDED = "document.version_added", _("Tender document version published")
    ANSWER_PUBLISHED = "question.answer_published", _("Answer to a question published")
    ANSWERED_PRIVATELY = "question.answered_privately", _("Question answered to the asker")


def cascade_while_draft(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """on_delete for event rows that hang off a notice.

    A draft was never public and may be deleted (notice_delete_draft); its trail (created,
    edited, committee set up) goes with it. Once a notice has been published its events are
    part of the public record, and deleting the notice is refused (ProtectedError).
    """
    notice_ids = {getattr(event, field.attname) for event in sub_objs}
    public = (Notice._base_manager.using(using).filter(pk__in=notice_ids)
              .exclude(status=NoticeStatus.DRAFT))
    if public.exists():
        models.PROTECT(collector, field, sub_objs, using)  # raises ProtectedError
    else:
        models.CASCADE(collector, field, sub_objs, using)


class NoticeEvent(Event):
    """Append-only record of every state change of a notice (who, when, old -> new, why)."""

    notice = models.ForeignKey(Notice, on_delete=cascade_while_draft, related_name="events")
    kind = models.CharField(max_length=64, choices=NoticeEventKind.choices)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class TenderDocument(models.Model):
    """One document of the konkurransegrunnlag; its files are DocumentVersions."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions.order_by("-number").first()


def document_upload_to(instance: DocumentVersion, filename: str) -> str:
    # The stored name carries the content hash so a version can never be overwritten.
    return (f"documents/{instance.document.notice.reference}/{instance.document_id}/"
            f"v{instance.number}-{instance.sha256[:16]}/{filename}")


class DocumentVersion(models.Model):
    document = models.ForeignKey(TenderDocument, on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=document_upload_to, max_length=400)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(max_length=100)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"],
                                               name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.filename} v{self.number}"


from notices.codelists.models import CpvCode, NutsCode  # noqa: E402
from notices.exports.models import ExportFormat, OpenDataExport  # noqa: E402,F401
from notices.following.models import DigestDelivery, Follow, InboxMessage, SavedSearch  # noqa: E402,F401
from notices.questions.models import Answer, Question, QuestionEvent  # noqa: E402,F401
from notices.search.models import SearchOutbox  # noqa: E402,F401

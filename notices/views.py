"""Thin web views: the public notice board and the authority workspace.

Every read goes through notices.selectors and every write through notices.services or
notices.documents.services; views only translate between HTTP and those calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import apply_application_error, error_summary
from accounts.selectors import authorities_editable_by
from backend.auth import request_user
from backend.errors import ApplicationError, NotFound
from notices import services
from notices.documents import services as documents
from notices.fields import FIELD_LABELS, display_value
from notices.forms import (
    ChangeNoticeForm,
    DocumentUploadForm,
    LotFormSet,
    NoticeForm,
    NoticeSearchForm,
    lot_initial,
    lots_from_formset,
    notice_initial,
)
from notices.models import Notice, NoticeKind, NoticeStatus, TenderDocument
from notices.permissions import is_buyer_editor
from notices.rules import checks as rules
from notices.rules import publish_checks
from notices.selectors import (
    NoticeFilters,
    notice_change_preview,
    notice_get_editable,
    notice_get_visible,
    notice_list_workspace,
    notice_search_public,
)
from notices.templatetags.anbud import oslo

PAGE_SIZE = 20


# --- Presentation helpers --------------------------------------------------------------


@dataclass
class RegimeInfo:
    label: str
    explanation: str


@dataclass
class DocumentRow:
    document: TenderDocument
    current: Any
    earlier: list[Any] = field(default_factory=list)


def _regime_info(notice: Notice, *, at: datetime) -> RegimeInfo | None:
    """Part I/II/III with the plain explanation, from the rules valid on the publication day."""
    if notice.estimated_value is None or not notice.buyer.buyer_type or not notice.contract_type:
        return None
    on = timezone.localdate(notice.published_at or at)
    try:
        result = rules.regime_for(value=notice.estimated_value,
                                  buyer_type=notice.buyer.buyer_type,
                                  contract_type=notice.contract_type, on=on)
    except (rules.RulesMissing, ValueError):
        return None
    return RegimeInfo(label=str(result.regime.label),
                      explanation=result.explain(notice.estimated_value))


def _document_rows(notice: Notice) -> list[DocumentRow]:
    rows = []
    for document in notice.documents.all():
        versions = sorted(document.versions.all(), key=lambda v: v.number)
        if versions:
            rows.append(DocumentRow(document=document, current=versions[-1],
                                    earlier=list(reversed(versions[:-1]))))
    return rows


def _history(notice: Notice) -> list[dict[str, Any]]:
    return [{"version": version, "changes": _diff_rows(version.diff)}
            for version in notice.versions.all().order_by("-number")]


def _shown(field_name: str, value: Any) -> str:
    """A diff value for people; deadlines in Norwegian time with the zone marked."""
    if field_name in ("submission_deadline", "question_deadline") and value:
        parsed = parse_datetime(str(value))
        if parsed is not None:
            return oslo(parsed)
    return display_value(field_name, value)


def _diff_rows(changes: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"field": change["field"],
             "label": str(FIELD_LABELS.get(change["field"], change["field"])),
             "old": _shown(change["field"], change.get("old")),
             "new": _shown(change["field"], change.get("new"))}
            for change in changes]


def _notice_context(notice: Notice, user: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "notice": notice,
        "regime": _regime_info(notice, at=now),
        "documents": _document_rows(notice),
        "history": _history(notice),
        "lots": list(notice.lots.all()),
        "deadline_passed": bool(notice.submission_deadline and notice.submission_deadline <= now),
        "is_draft": notice.status == NoticeStatus.DRAFT,
        "is_cancelled": notice.status == NoticeStatus.CANCELLED,
        "cancellation": (notice.versions.filter(kind="cancellation").order_by("-number").first()
                         if notice.status == NoticeStatus.CANCELLED else None),
        "can_edit": is_buyer_editor(user, notice),
    }


# --- Public pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultPage:
    """One page of search hits, with the attributes the template's pager reads."""

    object_list: list[Notice]
    number: int
    num_pages: int

    @property
    def paginator(self) -> ResultPage:
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


# Which query parameters a "remove this filter" suggestion drops.
SUGGESTION_PARAMS = {
    "deadline": ("deadline_after", "deadline_before"),
    "published": ("published_after", "published_before"),
    "value": ("value_min", "value_max"),
}


def notice_list(request: HttpRequest) -> HttpResponse:
    """The public notice board: search words, filters and sort are GET parameters, so every
    search is a shareable URL."""
    form = NoticeSearchForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else NoticeFilters()
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    result = notice_search_public(filters=filters, offset=(number - 1) * PAGE_SIZE,
                                  limit=PAGE_SIZE)
    num_pages = max(1, -(-result.count // PAGE_SIZE))
    suggestions = []
    for suggestion in result.suggestions:
        query = request.GET.copy()
        for name in (*SUGGESTION_PARAMS.get(suggestion["remove"], (suggestion["remove"],)),
                     "page"):
            query.pop(name, None)
        suggestions.append({**suggestion, "url": f"?{query.urlencode()}"})
    # The feed of this search: the same parameters, but not the page or the order.
    feed_query = urlencode({name: [v for v in values if v] for name, values in request.GET.lists()
                            if name not in ("page", "sort") and any(values)}, doseq=True)
    feed_url = reverse("feeds:notices") + (f"?{feed_query}" if feed_query else "")
    did_you_mean = None
    if result.did_you_mean:
        query = request.GET.copy()
        query.pop("page", None)
        query["q"] = result.did_you_mean["q"]
        did_you_mean = {**result.did_you_mean, "url": f"?{query.urlencode()}"}
    return render(request, "notices/list.html", {
        "feed_url": feed_url, "feed_all_url": reverse("feeds:notices"),
        "form": form if form.is_bound else NoticeSearchForm(),
        "page": ResultPage(result.notices, min(number, num_pages), num_pages),
        "count": result.count, "suggestions": suggestions, "did_you_mean": did_you_mean,
        "searched": filters != NoticeFilters(),
    })


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = notice_get_visible(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(_("No such notice.")) from exc
    context = _notice_context(notice, request.user)
    if notice.status != NoticeStatus.DRAFT:
        # Following and questions and answers (notices/question_views.py) own that section.
        from notices.questions.views import notice_section_context

        context.update(notice_section_context(request, notice), questions_section=True)
    return render(request, "notices/detail.html", context)


# --- Workspace -------------------------------------------------------------------------


def _editable(request: HttpRequest, pk: int) -> Notice:
    # 404 for a notice the user cannot see, 403 for one they see but may not edit.
    return notice_get_editable(pk=pk, user=request.user)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    notices = list(notice_list_workspace(user=request.user))
    return render(request, "notices/workspace.html", {
        "notices": notices,
        "authorities": authorities_editable_by(user=request.user),
    })


def _apply_error(form: NoticeForm, exc: ApplicationError) -> list[str]:
    """Put a service error on the notice form; returns the messages for the lots fieldset."""
    apply_application_error(form, exc)
    lot_errors = exc.fields.get("lots", [])
    if lot_errors:
        for message in exc.messages:
            form.summary_anchors[message] = "lots"  # type: ignore[attr-defined]
    return lot_errors


def _render_notice_form(request: HttpRequest, *, form: NoticeForm, formset: Any,
                        notice: Notice | None, lot_errors: list[str],
                        http_status: int = 200) -> HttpResponse:
    summary = error_summary(form)
    return render(request, "notices/notice_form.html", {
        "form": form, "formset": formset, "notice": notice, "lot_errors": lot_errors,
        "summary": summary,
    }, status=http_status if not summary or request.method != "POST" else 400)


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    buyers = authorities_editable_by(user=request.user)
    if not buyers.exists():
        raise PermissionDenied(_("Only procurement officers of a contracting authority can "
                                 "create notices."))
    form = NoticeForm(request.POST or None, buyers=buyers)
    formset = LotFormSet(request.POST or None, prefix="lots")
    lot_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            notice = services.notice_create(
                buyer=form.cleaned_data["buyer"], by=request_user(request),
                kind=form.cleaned_data["kind"], fields=form.service_fields(),
                lots=lots_from_formset(formset))
        except ApplicationError as exc:
            lot_errors = _apply_error(form, exc)
        else:
            messages.success(request, _("The draft is saved. Nobody outside your authority can "
                                        "see it until you publish it."))
            return _after_save(request, notice)
    return _render_notice_form(request, form=form, formset=formset, notice=None,
                               lot_errors=lot_errors)


def _after_save(request: HttpRequest, notice: Notice) -> HttpResponse:
    if request.POST.get("next") == "preview":
        return redirect("notices:workspace-notice-preview", pk=notice.pk)
    if request.POST.get("next") == "documents":
        return redirect("notices:workspace-notice-documents", pk=notice.pk)
    return redirect("notices:workspace-notice-edit", pk=notice.pk)


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    if notice.status != NoticeStatus.DRAFT:
        messages.info(request, _("A published notice changes through a change notice."))
        return redirect("notices:workspace-notice-change", pk=notice.pk)
    form = NoticeForm(request.POST or None, notice=notice, initial=notice_initial(notice))
    formset = LotFormSet(request.POST or None, prefix="lots", initial=lot_initial(notice))
    lot_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                if form.cleaned_data.get("kind"):
                    notice = services.notice_kind_change(
                        notice=notice, by=request_user(request), kind=form.cleaned_data["kind"])
                notice = services.notice_update_draft(notice=notice, by=request_user(request),
                                                      fields=form.service_fields(),
                                                      lots=lots_from_formset(formset))
        except ApplicationError as exc:
            lot_errors = _apply_error(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return _after_save(request, notice)
    return _render_notice_form(request, form=form, formset=formset, notice=notice,
                               lot_errors=lot_errors)


@login_required
def notice_preview(request: HttpRequest, pk: int, *, errors: list[str] | None = None,
                   http_status: int = 200) -> HttpResponse:
    notice = _editable(request, pk)
    context = _notice_context(notice, request.user)
    problems: list[str] = []
    warnings: list[str] = []
    convert_to = None
    if notice.status == NoticeStatus.DRAFT:
        problems = rules.notice_publish_problems(notice, at=timezone.now())
        warnings = publish_checks.warnings(notice, timezone.now())
        suggested = rules.kind_suggestion(notice, at=timezone.now())
        convert_to = (suggested, NoticeKind(suggested).label) if suggested else None
    context.update(preview=True, problems=problems, warnings=warnings, convert_to=convert_to,
                   summary=[{"anchor": "", "message": m} for m in errors or []])
    return render(request, "notices/preview.html", context, status=http_status)


@login_required
@require_POST
def notice_kind_change(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview's "publish it as … instead": change the draft's type, keep the rest."""
    notice = _editable(request, pk)
    try:
        notice = services.notice_kind_change(notice=notice, by=request_user(request),
                                             kind=request.POST.get("kind", ""))
    except ApplicationError as exc:
        return notice_preview(request, pk, errors=exc.messages, http_status=exc.status_code)
    messages.success(request, _("The notice type is now “%(kind)s”. Everything else in the "
                                "draft is kept.") % {"kind": notice.get_kind_display()})
    return redirect("notices:workspace-notice-preview", pk=notice.pk)


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    try:
        notice = services.notice_publish(notice=notice, by=request_user(request))
    except ApplicationError as exc:
        return notice_preview(request, pk, errors=exc.messages, http_status=exc.status_code)
    messages.success(request, _("The notice is published. Everyone can now find it."))
    return redirect("notices:detail", pk=notice.pk)


@login_required
@require_http_methods(["GET", "POST"])
def notice_documents(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    is_xhr = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    form = DocumentUploadForm(request.POST or None, request.FILES or None, notice=notice)
    http_status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version, warnings = documents.document_upload(
                    notice=notice, by=request_user(request), stream=upload, filename=upload.name,
                    size=upload.size, title=form.cleaned_data["title"],
                    document=form.selected_document(), note=form.cleaned_data["note"])
            except ApplicationError as exc:
                apply_application_error(form, exc)
                http_status = exc.status_code
            else:
                messages.success(request, _("“%(name)s” is uploaded as version %(n)s.")
                                 % {"name": version.filename, "n": version.number})
                for warning in warnings:
                    messages.warning(request, warning)
                url = reverse("notices:workspace-notice-documents", kwargs={"pk": notice.pk})
                if is_xhr:
                    return JsonResponse({"ok": True, "redirect": url, "warnings": warnings,
                                         "sha256": version.sha256})
                return redirect(url)
        else:
            http_status = 400
        if is_xhr:
            return JsonResponse({"ok": False, "errors": [i["message"] for i in
                                                         error_summary(form)]}, status=http_status)
    context = _notice_context(notice, request.user)
    context.update(form=form, summary=error_summary(form))
    return render(request, "notices/documents.html", context, status=http_status)


@login_required
@require_http_methods(["GET", "POST"])
def notice_change(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    if notice.status != NoticeStatus.PUBLISHED:
        messages.error(request, _("Only a published notice whose deadline has not passed can "
                                  "be changed."))
        return redirect("notices:workspace-notice-preview", pk=notice.pk)
    post = request.POST if request.method == "POST" else None
    form = ChangeNoticeForm(post, notice=notice, initial=notice_initial(notice))
    formset = LotFormSet(post, prefix="lots", initial=lot_initial(notice))
    lot_errors: list[str] = []
    changes: list[dict[str, str]] = []
    confirm = False
    if post is not None and form.is_valid() and formset.is_valid():
        # Only what the person changed: an untouched deadline keeps its exact time, even
        # though the datetime-local input shows it to the minute.
        fields = {name: value for name, value in form.service_fields().items()
                  if name in form.changed_data}
        lots = lots_from_formset(formset) if formset.has_changed() else None
        try:
            if "confirm" in post:
                services.notice_change_publish(notice=notice, by=request_user(request),
                                               reason=form.cleaned_data["reason"],
                                               fields=fields, lots=lots)
                messages.success(request, _("The change notice is published."))
                return redirect("notices:detail", pk=notice.pk)
            diff = notice_change_preview(notice=notice, fields=fields, lots=lots)
            if not diff:
                raise ApplicationError(_("Nothing changed, so there is no change notice to "
                                         "publish."))
            if "edit" not in post:
                changes, confirm = _diff_rows(diff), True
        except ApplicationError as exc:
            lot_errors = _apply_error(form, exc)
    summary = error_summary(form)
    return render(request, "notices/change_form.html", {
        "notice": notice, "form": form, "formset": formset, "lot_errors": lot_errors,
        "summary": summary, "changes": changes, "confirm": confirm,
    }, status=400 if summary else 200)


@login_required
@require_http_methods(["GET", "POST"])
def notice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.notice_delete_draft(notice=notice, by=request_user(request))
        except ApplicationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The draft “%(title)s” is deleted.")
                             % {"title": notice.title})
            return redirect("notices:workspace")
    return render(request, "notices/delete.html", {
        "notice": notice, "summary": [{"anchor": "", "message": m} for m in errors]},
        status=400 if errors else 200)

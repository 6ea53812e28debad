"""Thin web views of the evaluation core: the overview of a notice's evaluation (lots,
status, declarations, advisers, bids), the qualification matrix of a lot, one bid's page
(files, requirements with ESPD answers and verdicts, clarifications, rejection), the
abnormally-low flags, the rejection letter, and the supplier's clarification page.

The same rules as the API (evaluation/apis.py): 404 for people outside the evaluation, 403
and a recorded refusal for an evaluator who is not cleared to see bid content.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.auth import request_user
from backend.errors import ApplicationError, Forbidden, NotFound
from bids.models import Submission
from bids.opening.downloads import streaming_download
from bids.opening.services import opened_file_read, opening_get
from evaluation import permissions, selectors
from evaluation import services as evaluation_services
from evaluation.criteria.models import QualificationRequirement
from evaluation.impartiality import services as impartiality
from evaluation.models import EvaluationStatus, LotEvaluation
from evaluation.qualification import services as qualification
from evaluation.qualification.downloads import attachment_download
from evaluation.qualification.grounds import grounds_with_paragraphs
from evaluation.qualification.models import ClarificationKind, ClarificationRequest, Verdict
from notices.following.views import apply_error
from notices.models import Notice
from notices.selectors import notice_get_visible

# Templates other parts of the evaluation provide; included when they exist.
SCORING_LINKS_TEMPLATE = "scores/_lot_links.html"
ESPD_ANSWER_TEMPLATE = "evaluation/espd/_answer.html"


def _exists(name: str) -> str:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return ""
    return name


# --- forms -----------------------------------------------------------------------------------


class DeclareForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=gettext_lazy("Your declaration"), coerce=lambda v: v == "conflict",
        choices=[("none", gettext_lazy("I have no conflict of interest in this procurement")),
                 ("conflict", gettext_lazy("I have a conflict of interest"))],
        widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy(
            "Required with a conflict: whom or what it concerns, and why (the Public "
            "Administration Act §§ 6-10)."))


class AdviserForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The adviser's e-mail address"),
                             help_text=gettext_lazy("The adviser registers an account first."))
    role = forms.CharField(label=gettext_lazy("What the adviser does"), max_length=300)


class AdviserRemoveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000)


class AssessForm(forms.Form):
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=Verdict.choices,
                                widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.ChoiceField(label=gettext_lazy("Document in the bid"), required=False,
                                 choices=[])

    def __init__(self, *args: Any, files: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [  # type: ignore[attr-defined]
            ("", _("— none —")), *[(name, name) for name in files]]


class ClarifyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What you ask for"), choices=[
        (ClarificationKind.CLARIFICATION.value, ClarificationKind.CLARIFICATION.label),
        (ClarificationKind.MISSING_DOCUMENT.value, ClarificationKind.MISSING_DOCUMENT.label)])
    requirement = forms.TypedChoiceField(label=gettext_lazy("About the requirement"),
                                         required=False, coerce=int, empty_value=None,
                                         choices=[])
    question = forms.CharField(label=gettext_lazy("Question to the supplier"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateTimeField(label=gettext_lazy("Answer by"), help_text=gettext_lazy(
        "Norwegian time, e.g. 2026-12-01 12:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args: Any, requirements: list[QualificationRequirement],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [  # type: ignore[attr-defined]
            ("", _("— none —")), *[(r.pk, r.title) for r in requirements]]


class RejectForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("Legal ground"), choices=[])
    reasons = forms.CharField(label=gettext_lazy("Reasons (sent to the supplier)"),
                              max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, regime: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [  # type: ignore[attr-defined]
            (value, f"{label} ({paragraph})")
            for value, label, paragraph in grounds_with_paragraphs(regime)]


class AskForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question to the supplier"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}), initial=gettext_lazy(
                                   "Your price is considerably lower than the other offers. "
                                   "Explain how it is made up (FOA § 24-9)."))
    deadline = forms.DateTimeField(label=gettext_lazy("Answer by"), help_text=gettext_lazy(
        "Norwegian time, e.g. 2026-12-01 12:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class AcceptForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why the price is accepted"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Your answer"), required=False,
                             max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=gettext_lazy("Document (optional)"), required=False)


# --- helpers ---------------------------------------------------------------------------------


def _notice(request: HttpRequest, pk: int) -> Notice:
    return selectors.notice_for_evaluation(user=request.user, notice_id=pk)


def _content(request: HttpRequest, pk: int, what: str) -> Notice:
    notice = _notice(request, pk)
    selectors.require_bid_content(user=request.user, notice=notice, what=what)
    return notice


def _bid(request: HttpRequest, pk: int, submission_id: Any) -> tuple[Notice, Submission]:
    notice = _content(request, pk, f"bid {submission_id}")
    return notice, selectors.opened_bid_of(notice=notice, submission_id=submission_id)


def _lot(notice: Notice, lot: int) -> LotEvaluation:
    return selectors.evaluation_get(notice=notice, lot_number=lot)


def _overview_url(notice: Notice) -> str:
    from django.urls import reverse

    return reverse("evaluation:overview", kwargs={"pk": notice.pk})


def _bid_url(notice: Notice, bid: Submission) -> str:
    from django.urls import reverse

    return reverse("evaluation:bid", kwargs={"pk": notice.pk, "submission_id": bid.pk})


# --- the overview ----------------------------------------------------------------------------


def _overview(request: HttpRequest, notice: Notice, *, declare_form: DeclareForm | None = None,
              adviser_form: AdviserForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    declarations = selectors.declarations_of(notice)
    declared = {d.user_id for d in declarations}
    evaluations = selectors.evaluation_list(notice)
    bids = list(selectors.opened_bids(notice))
    return render(request, "evaluation/overview.html", {
        "notice": notice, "evaluations": evaluations,
        "opened": selectors.opening_finished(notice),
        "evaluator": permissions.is_evaluator(user, notice),
        "declaration": impartiality.declaration_of(notice=notice, user=user),  # type: ignore[arg-type]
        "cleared": permissions.may_work_on_evaluation(user, notice),
        "may_start": permissions.may_start_evaluation(user, notice),
        "editor": permissions.may_name_advisers(user, notice),
        "declarations": declarations,
        "undeclared": [u for u in selectors.evaluators_of(notice) if u.pk not in declared],
        "advisers": selectors.advisers_of(notice),
        "bids": bids,
        "declare_form": declare_form or DeclareForm(),
        "adviser_form": adviser_form or AdviserForm(),
        "scoring_links_template": _exists(SCORING_LINKS_TEMPLATE),
    }, status=status)


@login_required
@require_http_methods(["GET"])
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    return _overview(request, _notice(request, pk))


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        evaluation_services.evaluation_start(notice=notice, by=request_user(request))
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The evaluation has started. Every evaluator declares "
                                    "impartiality before seeing the bids."))
    return redirect(_overview_url(notice))


@login_required
@require_POST
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    if not permissions.may_declare(request.user, notice):
        raise Forbidden(_("Only the evaluators of this procurement declare impartiality."))
    form = DeclareForm(request.POST)
    if form.is_valid():
        try:
            impartiality.impartiality_declare(
                notice=notice, by=request_user(request),
                has_conflict=form.cleaned_data["has_conflict"],
                explanation=form.cleaned_data["explanation"])
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect(_overview_url(notice))
    return _overview(request, notice, declare_form=form, status=400)


@login_required
@require_POST
def adviser_add(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    if not permissions.may_name_advisers(request.user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s name external advisers.")
                        % {"buyer": notice.buyer.name})
    form = AdviserForm(request.POST)
    if form.is_valid():
        try:
            impartiality.adviser_add(notice=notice, by=request_user(request),
                                     email=form.cleaned_data["email"],
                                     role=form.cleaned_data["role"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The adviser is named and declares impartiality "
                                        "before seeing the bids."))
            return redirect(_overview_url(notice))
    return _overview(request, notice, adviser_form=form, status=400)


@login_required
@require_POST
def adviser_remove(request: HttpRequest, pk: int, adviser_id: int) -> HttpResponse:
    notice = _notice(request, pk)
    if not permissions.may_name_advisers(request.user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s remove external advisers.")
                        % {"buyer": notice.buyer.name})
    adviser = impartiality.adviser_get(notice=notice, adviser_id=adviser_id)
    form = AdviserRemoveForm(request.POST)
    form.is_valid()
    try:
        impartiality.adviser_remove(adviser=adviser, by=request_user(request),
                                    reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The adviser is removed."))
    return redirect(_overview_url(notice))


# --- qualification ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def qualification_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    notice = _content(request, pk, f"qualification of lot {lot}")
    evaluation = _lot(notice, lot)
    return render(request, "evaluation/qualification.html", {
        "notice": notice, "evaluation": evaluation,
        "matrix": selectors.qualification_matrix(evaluation),
        "may_decide": permissions.may_decide(request.user, notice),
        "open": evaluation.status == EvaluationStatus.QUALIFICATION, "cleared": True,
        "scoring_links_template": _exists(SCORING_LINKS_TEMPLATE),
    })


@login_required
@require_POST
def complete(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    notice = _content(request, pk, f"qualification of lot {lot}")
    evaluation = _lot(notice, lot)
    if not permissions.may_decide(request.user, notice):
        raise Forbidden(_("Only a procurement officer completes the qualification."))
    try:
        evaluation_services.evaluation_qualification_complete(evaluation=evaluation,
                                                              by=request_user(request))
    except ApplicationError as exc:
        for line in exc.messages:
            messages.error(request, line)
    else:
        messages.success(request, _("The qualification is complete; scoring begins."))
    from django.urls import reverse

    return redirect(reverse("evaluation:qualification", kwargs={"pk": notice.pk, "lot": lot}))


def _bid_page(request: HttpRequest, notice: Notice, bid: Submission, *,
              bound: dict[Any, forms.Form] | None = None, status: int = 200) -> HttpResponse:
    bound = bound or {}
    files = selectors.file_names(bid)
    assessments = selectors.assessments_of(bid)
    requirements = selectors.requirements_for_bid(notice)
    open_lots = {e.lot_number for e in selectors.evaluation_list(notice)
                 if e.status == EvaluationStatus.QUALIFICATION}
    espd = selectors.espd_answers(bid, user=request.user)
    rows = []
    for req in requirements:
        assessment = assessments.get(req.pk)
        form = bound.get(("assess", req.pk)) or AssessForm(prefix=f"r{req.pk}", files=files,
                                                           initial={
            "verdict": assessment.verdict if assessment else None,
            "reason": assessment.reason if assessment else "",
            "document": assessment.document if assessment else ""})
        changeable = (req.lot_number in open_lots) if req.lot_number is not None else (
            bool(open_lots) and len(open_lots) == len(selectors.evaluation_list(notice)))
        rows.append({"requirement": req, "assessment": assessment, "form": form,
                     "changeable": changeable, "espd": espd.get(req.pk)})
    rejection = getattr(bid, "rejection", None) if selectors.is_rejected(bid) else None
    session = opening_get(notice=notice)
    return render(request, "evaluation/bid.html", {
        "notice": notice, "bid": bid, "rows": rows, "rejection": rejection,
        "files": list(enumerate(bid.opened.files or [])),
        "session": session,
        "clarifications": list(selectors.clarifications_of(bid)),
        "clarify_form": bound.get("clarify") or ClarifyForm(requirements=requirements),
        "reject_form": bound.get("reject") or RejectForm(regime=notice.regime),
        "may_assess": permissions.may_assess(request.user, notice),
        "may_decide": permissions.may_decide(request.user, notice),
        "started": bool(selectors.evaluation_list(notice)),
        "espd_template": _exists(ESPD_ANSWER_TEMPLATE),
        "requirements": requirements,
    }, status=status)


@login_required
@require_http_methods(["GET"])
def bid_page(request: HttpRequest, pk: int, submission_id: Any) -> HttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    return _bid_page(request, notice, bid)


@login_required
@require_POST
def assess(request: HttpRequest, pk: int, submission_id: Any) -> HttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    try:
        requirement_id = int(request.POST.get("requirement", ""))
    except ValueError:
        requirement_id = 0
    requirement = QualificationRequirement.objects.filter(notice=notice,
                                                          pk=requirement_id).first()
    if requirement is None:
        messages.error(request, _("Choose a requirement to assess."))
        return _bid_page(request, notice, bid, status=400)
    form = AssessForm(request.POST, prefix=f"r{requirement.pk}", files=selectors.file_names(bid))
    if form.is_valid():
        try:
            qualification.requirement_assess(
                submission=bid, requirement=requirement, verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"], document=form.cleaned_data["document"],
                by=request_user(request))
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The verdict on “%(requirement)s” is recorded.")
                             % {"requirement": requirement.title})
            return redirect(_bid_url(notice, bid) + f"#requirement-{requirement.pk}")
    return _bid_page(request, notice, bid, bound={("assess", requirement.pk): form}, status=400)


@login_required
@require_POST
def clarify(request: HttpRequest, pk: int, submission_id: Any) -> HttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    requirements = selectors.requirements_for_bid(notice)
    form = ClarifyForm(request.POST, requirements=requirements)
    if form.is_valid():
        requirement = next((r for r in requirements
                            if r.pk == form.cleaned_data["requirement"]), None)
        try:
            qualification.clarification_request(
                submission=bid, kind=form.cleaned_data["kind"],
                question=form.cleaned_data["question"], deadline=form.cleaned_data["deadline"],
                requirement=requirement, by=request_user(request))
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The request is sent to %(supplier)s (inbox and "
                                        "e-mail).") % {"supplier": bid.supplier.name})
            return redirect(_bid_url(notice, bid) + "#clarifications")
    return _bid_page(request, notice, bid, bound={"clarify": form}, status=400)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int, submission_id: Any) -> HttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    if not permissions.may_decide(request.user, notice):
        raise Forbidden(_("Only a procurement officer rejects a bid."))
    form = RejectForm(request.POST, regime=notice.regime)
    if form.is_valid():
        try:
            qualification.bid_reject(submission=bid, ground=form.cleaned_data["ground"],
                                     reasons=form.cleaned_data["reasons"],
                                     by=request_user(request))
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The bid is rejected and the letter sent to "
                                        "%(supplier)s.") % {"supplier": bid.supplier.name})
            return redirect(_bid_url(notice, bid) + "#rejection")
    return _bid_page(request, notice, bid, bound={"reject": form}, status=400)


@login_required
@require_http_methods(["GET"])
def bid_file(request: HttpRequest, pk: int, submission_id: Any,
             index: int) -> StreamingHttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    session = opening_get(notice=notice)
    if session is None:
        raise NotFound(_("No such bid."))
    return streaming_download(opened_file_read(session=session, submission_id=bid.pk,
                                               user=request_user(request), file_index=index))


# --- abnormally low --------------------------------------------------------------------------


def _low_page(request: HttpRequest, notice: Notice, evaluation: LotEvaluation, *,
              bound: dict[Any, forms.Form] | None = None, status: int = 200) -> HttpResponse:
    bound = bound or {}
    prices = selectors.offer_prices(evaluation)
    flags = qualification.abnormally_low_flags(evaluation=evaluation, prices=prices)
    bids = {str(s.pk): s for s in selectors.opened_bids(notice)}
    now = timezone.now()
    rows = []
    for flag in flags:
        bid = bids[flag.submission_id]
        rows.append({
            "flag": flag, "bid": bid,
            "explained": selectors.abnormally_low_explained(bid, clock=now),
            "asked": bid.clarifications.filter(kind=ClarificationKind.ABNORMALLY_LOW).exists(),
            "acceptance": selectors.abnormally_low_acceptance(evaluation, bid),
            "ask_form": bound.get(("ask", flag.submission_id)) or AskForm(
                prefix=f"a{flag.submission_id[:8]}"),
            "accept_form": bound.get(("accept", flag.submission_id)) or AcceptForm(
                prefix=f"c{flag.submission_id[:8]}"),
        })
    from django.conf import settings

    return render(request, "evaluation/abnormally_low.html", {
        "notice": notice, "evaluation": evaluation, "rows": rows, "prices": len(prices),
        "below_average": settings.EVALUATION_ABNORMALLY_LOW_BELOW_AVERAGE * 100,
        "below_next": settings.EVALUATION_ABNORMALLY_LOW_BELOW_NEXT * 100,
        "may_assess": permissions.may_assess(request.user, notice),
        "may_decide": permissions.may_decide(request.user, notice),
    }, status=status)


@login_required
@require_http_methods(["GET"])
def abnormally_low(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    notice = _content(request, pk, f"abnormally low offers of lot {lot}")
    return _low_page(request, notice, _lot(notice, lot))


@login_required
@require_POST
def abnormally_low_ask(request: HttpRequest, pk: int, lot: int,
                       submission_id: Any) -> HttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    evaluation = _lot(notice, lot)
    form = AskForm(request.POST, prefix=f"a{str(bid.pk)[:8]}")
    if form.is_valid():
        try:
            qualification.abnormally_low_ask(
                evaluation=evaluation, submission=bid, question=form.cleaned_data["question"],
                deadline=form.cleaned_data["deadline"], by=request_user(request))
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("%(supplier)s is asked to explain the price.")
                             % {"supplier": bid.supplier.name})
            from django.urls import reverse

            return redirect(reverse("evaluation:abnormally-low",
                                    kwargs={"pk": notice.pk, "lot": lot}))
    return _low_page(request, notice, evaluation, bound={("ask", str(bid.pk)): form},
                     status=400)


@login_required
@require_POST
def abnormally_low_accept(request: HttpRequest, pk: int, lot: int,
                          submission_id: Any) -> HttpResponse:
    notice, bid = _bid(request, pk, submission_id)
    evaluation = _lot(notice, lot)
    if not permissions.may_decide(request.user, notice):
        raise Forbidden(_("Only a procurement officer decides on an abnormally low offer."))
    form = AcceptForm(request.POST, prefix=f"c{str(bid.pk)[:8]}")
    if form.is_valid():
        try:
            qualification.abnormally_low_accept(evaluation=evaluation, submission=bid,
                                                reason=form.cleaned_data["reason"],
                                                by=request_user(request))
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The price of %(supplier)s is accepted.")
                             % {"supplier": bid.supplier.name})
            from django.urls import reverse

            return redirect(reverse("evaluation:abnormally-low",
                                    kwargs={"pk": notice.pk, "lot": lot}))
    return _low_page(request, notice, evaluation, bound={("accept", str(bid.pk)): form},
                     status=400)


# --- letters and the supplier's side ---------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def letter(request: HttpRequest, pk: int, submission_id: Any) -> HttpResponse:
    notice = notice_get_visible(pk=pk, user=request.user)
    rejection = selectors.rejection_get(user=request.user, notice=notice,
                                        submission_id=submission_id)
    if not permissions.is_bid_supplier(request.user, rejection.submission.supplier_id):
        selectors.require_bid_content(user=request.user, notice=notice,
                                      what=f"rejection of {submission_id}")
    return render(request, "evaluation/letter.html", {"notice": notice,
                                                      "rejection": rejection})


def _clarification(request: HttpRequest, clarification_id: int) -> ClarificationRequest:
    found = selectors.clarification_get(user=request.user, clarification_id=clarification_id)
    if not permissions.is_bid_supplier(request.user, found.submission.supplier_id):
        selectors.require_bid_content(user=request.user, notice=found.notice,
                                      what=f"clarification {found.pk}")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def clarification_page(request: HttpRequest, clarification_id: int) -> HttpResponse:
    found = _clarification(request, clarification_id)
    supplier = permissions.is_bid_supplier(request.user, found.submission.supplier_id)
    form = AnswerForm()
    status = 200
    if request.method == "POST":
        if not supplier:
            raise Forbidden(_("Only the supplier answers its clarification requests."))
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                qualification.clarification_answer(
                    request=found, by=request_user(request),
                    answer=form.cleaned_data["answer"],
                    attachment=qualification.Attachment(upload.name, upload) if upload else None)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Your answer is sent to %(buyer)s.")
                                 % {"buyer": found.notice.buyer.name})
                return redirect("evaluation:clarification", clarification_id=found.pk)
        status = 400
    open_ = found.answered_at is None and found.deadline > timezone.now()
    return render(request, "evaluation/clarification.html", {
        "clarification": found, "notice": found.notice, "supplier": supplier,
        "form": form, "open": open_,
    }, status=status)


@login_required
@require_http_methods(["GET"])
def clarification_attachment(request: HttpRequest, clarification_id: int) -> FileResponse:
    return attachment_download(_clarification(request, clarification_id))

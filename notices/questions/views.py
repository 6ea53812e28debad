"""Thin web views: asking questions, the buyer's question queue, answering, merging,
extending the deadline, and the notice page's questions-and-follow section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.auth import request_user
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.formatting import format_oslo
from notices import services as notice_services
from notices.following import services as following
from notices.following.services import notice_path
from notices.following.views import apply_error
from notices.models import Notice, NoticeStatus
from notices.permissions import is_buyer_editor, is_buyer_member, may_ask_questions, may_follow
from notices.questions import services as questions
from notices.questions.models import Question, QuestionStatus
from notices.selectors import notice_get_visible


def _visible(request: HttpRequest, pk: int) -> Notice:
    try:
        return notice_get_visible(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


class AskForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your question"), max_length=questions.MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 5}), help_text=gettext_lazy(
                               "Only your organisation and the contracting authority see the "
                               "question. If the answer is published, your name and company "
                               "are never shown."))


class AnswerForm(forms.Form):
    question_text = forms.CharField(
        label=gettext_lazy("Question as published"), max_length=questions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy(
            "Edit the wording so it does not reveal who asked."))
    text = forms.CharField(label=gettext_lazy("Answer"), max_length=questions.MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 5}))
    public = forms.TypedChoiceField(
        label=gettext_lazy("Who sees the answer"), coerce=lambda v: v == "public",
        choices=[("public", gettext_lazy("Everyone (published anonymised, sent to followers)")),
                 ("private", gettext_lazy("Only the supplier who asked"))],
        initial="public", widget=forms.RadioSelect)


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label=gettext_lazy("Duplicate of"), coerce=int, choices=[])

    def __init__(self, *args: Any, candidates: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [  # type: ignore[attr-defined]
            (q.pk, _("Question %(n)s: %(text)s") % {"n": q.pk, "text": q.text[:80]})
            for q in candidates]


class ExtendDeadlineForm(forms.Form):
    submission_deadline = forms.DateTimeField(
        label=gettext_lazy("New deadline for tenders"), help_text=gettext_lazy(
            "Norwegian time, e.g. 2026-12-01 12:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    question_deadline = forms.DateTimeField(
        label=gettext_lazy("New deadline for questions"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=gettext_lazy("Reason (published)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- the notice page's section -----------------------------------------------------------

def notice_section_context(request: HttpRequest, notice: Notice,
                           ask_form: AskForm | None = None) -> dict[str, Any]:
    """Everything notices/questions/_notice_section.html needs, from the request and notice."""
    user = request.user
    is_supplier = may_ask_questions(user)
    is_buyer = is_buyer_member(user, notice)
    own = [] if is_buyer else [
        {"question": q, "answer": questions.question_answer_for(q)}
        for q in questions.question_list_visible(notice=notice, user=user)]
    open_ = questions.questions_open(notice=notice)
    return {
        "notice": notice,
        "answers": list(questions.answer_list_public(notice=notice)),
        "own_questions": own,
        "questions_open": open_,
        "question_deadline": questions.question_deadline_of(notice),
        "can_ask": bool(is_supplier and open_),
        "ask_form": ask_form or AskForm(),
        "is_buyer": is_buyer,
        "open_question_count": (notice.questions.filter(status=QuestionStatus.OPEN).count()
                                if is_buyer else 0),
        "can_follow": bool(may_follow(user) and notice.status in (NoticeStatus.PUBLISHED,
                                                             NoticeStatus.CLOSED)),
        "following": following.follow_exists(user=user, notice=notice),
        "notice_url": notice_path(notice),
        "user": user,
    }


@login_required
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """POST asks; a GET (or a refused question) shows the form on its own page."""
    notice = _visible(request, pk)
    if not may_ask_questions(request.user):
        raise Forbidden(_("Only suppliers can ask questions. Register your company first."))
    form = AskForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                questions.question_ask(notice=notice, by=request_user(request),
                                       text=form.cleaned_data["text"])
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Your question has been sent to %(buyer)s. You "
                                            "will find the answer here and in your inbox.")
                                 % {"buyer": notice.buyer.name})
                return redirect(notice_path(notice) + "#questions")
        status = 400
    context = notice_section_context(request, notice, ask_form=form)
    return render(request, "notices/questions/ask.html", context, status=status)


# --- the buyer's queue -------------------------------------------------------------------

def _buyer_notice(request: HttpRequest, pk: int) -> Notice:
    # The queue lists private questions and who asked them: 404 for all but the buyer.
    notice = _visible(request, pk)
    if not is_buyer_member(request.user, notice):
        raise Http404(_("No such notice."))
    return notice


def _render_queue(request: HttpRequest, notice: Notice, *, bound: dict[Any, Any] | None = None,
                  status: int = 200) -> HttpResponse:
    bound = bound or {}
    queue = list(questions.question_queue(notice=notice, user=request.user))
    mergeable = [q for q in queue if q.status != QuestionStatus.MERGED]
    rows = []
    for q in queue:
        row: dict[str, Any] = {"question": q, "answer": questions.question_answer_for(q)}
        if q.status == QuestionStatus.OPEN:
            row["answer_form"] = bound.get(("answer", q.pk)) or AnswerForm(
                prefix=f"a{q.pk}", initial={"question_text": q.text, "public": "public"})
            candidates = [c for c in mergeable if c.pk != q.pk]
            if candidates:
                row["merge_form"] = bound.get(("merge", q.pk)) or MergeForm(
                    prefix=f"m{q.pk}", candidates=candidates)
        rows.append(row)
    deadline = notice.submission_deadline
    extend_form = bound.get("extend") or ExtendDeadlineForm(initial={
        "submission_deadline": format_oslo(deadline, "input", empty=""),
        "question_deadline": format_oslo(notice.question_deadline, "input", empty="")})
    return render(request, "notices/questions/queue.html", {
        "notice": notice, "rows": rows, "extend_form": extend_form,
        "can_extend": notice.status == NoticeStatus.PUBLISHED,
        "notice_url": notice_path(notice),
        "open_count": sum(1 for q in queue if q.status == QuestionStatus.OPEN),
        # The deadline in force, as the notice page shows it (the tender deadline if the
        # notice sets none for questions).
        "question_deadline": questions.question_deadline_of(notice),
    }, status=status)


@login_required
def question_queue(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_queue(request, _buyer_notice(request, pk))


def _require_editor(notice: Notice, request: HttpRequest) -> None:
    if not is_buyer_editor(request.user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can answer questions.")
                        % {"buyer": notice.buyer.name})


def _buyer_question(request: HttpRequest, question_id: int) -> Question:
    """A question to answer or merge: 404 to all but the buyer, 403 to non-editors."""
    try:
        question = questions.question_get_for_buyer(pk=question_id, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    _require_editor(question.notice, request)
    return question


@login_required
@require_POST
def question_answer(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _buyer_question(request, question_id)
    form = AnswerForm(request.POST, prefix=f"a{question.pk}")
    if form.is_valid():
        try:
            _answer, warnings = questions.question_answer(
                question=question, by=request_user(request), text=form.cleaned_data["text"],
                public=form.cleaned_data["public"],
                question_text=form.cleaned_data["question_text"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The answer is published.") if _answer.public
                             else _("The answer was sent to the supplier who asked."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("questions:question-queue", pk=question.notice_id)
    return _render_queue(request, question.notice, bound={("answer", question.pk): form},
                         status=400)


@login_required
@require_POST
def question_merge(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _buyer_question(request, question_id)
    candidates = list(Question.objects.filter(notice_id=question.notice_id).exclude(
        pk=question.pk).exclude(status=QuestionStatus.MERGED))
    form = MergeForm(request.POST, prefix=f"m{question.pk}", candidates=candidates)
    if form.is_valid():
        into = next(c for c in candidates if c.pk == form.cleaned_data["into"])
        try:
            questions.question_merge(question=question, into=into, by=request_user(request))
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Merged. Answering question %(n)s answers both.")
                             % {"n": into.pk})
            return redirect("questions:question-queue", pk=question.notice_id)
    return _render_queue(request, question.notice, bound={("merge", question.pk): form},
                         status=400)


@login_required
@require_POST
def deadline_extend(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _buyer_notice(request, pk)
    _require_editor(notice, request)
    form = ExtendDeadlineForm(request.POST)
    if form.is_valid():
        try:
            version = notice_services.notice_deadline_extend(
                notice=notice, by=request_user(request),
                submission_deadline=form.cleaned_data["submission_deadline"],
                question_deadline=form.cleaned_data.get("question_deadline"),
                reason=form.cleaned_data.get("reason", ""))
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The deadline is extended: change notice version "
                                        "%(n)s is published and every follower is told.")
                             % {"n": version.number})
            return redirect("questions:question-queue", pk=notice.pk)
    return _render_queue(request, notice, bound={"extend": form}, status=400)

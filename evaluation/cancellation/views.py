"""The officer's cancellation page (linked as "Cancel the procurement" from the notice's
workspace actions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import apply_application_error, error_summary
from backend.auth import request_user
from backend.errors import ApplicationError
from evaluation.cancellation.forms import CancelForm
from evaluation.cancellation.selectors import cancellable_notice
from evaluation.cancellation.services import procurement_cancel


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    notice = cancellable_notice(user=request.user, notice_id=pk)
    form = CancelForm(request.POST or None, regime=notice.regime)
    if request.method == "POST" and form.is_valid():
        try:
            procurement_cancel(notice=notice, by=request_user(request),
                               ground=form.cleaned_data["ground"],
                               reasons=form.cleaned_data["reasons"])
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                raise
            apply_application_error(form, exc)
        else:
            messages.success(request, _("The procurement is cancelled. The ground and the "
                                        "reasons are published, and everyone who took part "
                                        "is told."))
            return redirect("notices:detail", pk=notice.pk)
    summary = error_summary(form)
    return render(request, "evaluation/cancellation/cancel.html", {
        "notice": notice, "form": form, "summary": summary},
        status=400 if summary else 200)

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.errors import Forbidden
from evaluation.dashboard.selectors import dashboard_for, may_see_dashboard


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not may_see_dashboard(request.user):
        raise Forbidden(_("The procurement dashboard is for procurement officers."))
    return render(request, "evaluation/dashboard/dashboard.html",
                  {"rows": dashboard_for(user=request.user)})

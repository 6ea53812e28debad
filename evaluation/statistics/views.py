"""The public statistics page: charts, each with a table of the same figures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Organization, OrganizationKind
from backend.errors import ApplicationError
from evaluation.statistics.selectors import Filters, filters_parse, statistics_get, years_available


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    status = 200
    problems: dict[str, list[str]] = {}
    try:
        filters = filters_parse(request.GET)
    except ApplicationError as error:
        filters, problems, status = Filters(), error.fields, 400
    figures = statistics_get(filters)
    authorities = Organization.objects.filter(kind=OrganizationKind.AUTHORITY).order_by(
        "name").values_list("pk", "name")[:2000]
    return render(request, "evaluation/statistics.html", {
        "figures": figures, "filters": filters, "problems": problems,
        "years": years_available(), "authorities": authorities,
        "query": request.GET.urlencode() if not problems else "",
        "raw": {k: request.GET.get(k, "") for k in ("year", "authority", "region", "cpv")},
    }, status=status)

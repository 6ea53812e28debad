"""The procurement protocol's web page and PDF. Read only: GET is the only method."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evaluation.protocol.builder import procurement_protocol
from evaluation.protocol.pdf import check_instructions, protocol_pdf
from evaluation.protocol.selectors import protocol_notice


@login_required
@require_GET
def protocol_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = protocol_notice(user=request.user, notice_id=pk)
    return render(request, "evaluation/protocol/protocol.html", {
        "notice": notice, "p": procurement_protocol(notice), "check": check_instructions()})


def pdf_response(notice_pk: int, data: bytes, reference: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protocol-{reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def protocol_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = protocol_notice(user=request.user, notice_id=pk)
    return pdf_response(notice.pk, protocol_pdf(procurement_protocol(notice)), notice.reference)

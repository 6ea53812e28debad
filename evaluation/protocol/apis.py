"""The protocol's API: JSON and PDF. Read only."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.schema import errors
from evaluation.protocol.builder import procurement_protocol, protocol_json
from evaluation.protocol.pdf import protocol_pdf
from evaluation.protocol.selectors import protocol_notice
from evaluation.protocol.views import pdf_response

PDF = "application/pdf"


class PdfRenderer(BaseRenderer):
    """Lets a client ask for the PDF (Accept: application/pdf)."""

    media_type = PDF
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class ProtocolApi(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, **errors(404)},
                   summary="The procurement protocol: header and every event, in order")
    def get(self, request: Request, notice_id: int) -> Response:
        notice = protocol_notice(user=request_user(request), notice_id=notice_id)
        return Response(protocol_json(procurement_protocol(notice)))


class ProtocolPdfApi(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        # An error is JSON, whatever the client asked for (as the schema says).
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(responses={(200, PDF): OpenApiTypes.BINARY, **errors(404)},
                   summary="The procurement protocol as PDF, with the latest signed tree head")
    def get(self, request: Request, notice_id: int) -> HttpResponse:
        notice = protocol_notice(user=request_user(request), notice_id=notice_id)
        return pdf_response(notice.pk, protocol_pdf(procurement_protocol(notice)),
                            notice.reference)

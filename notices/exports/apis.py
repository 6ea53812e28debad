"""Open-data exports of a published notice: OCDS JSON and eForms XML (thin views)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.schema import described
from notices.exports import eforms, ocds
from notices.selectors import notice_get_visible


class XMLRenderer(BaseRenderer):
    """Passes already-serialised XML through; lets the schema name the media type."""

    media_type = "application/xml"
    format = "xml"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if isinstance(data, bytes):
            return data
        # Errors from the exception handler arrive as dicts; keep them readable.
        return JSONRenderer().render(data)


class ExportQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text=(
        "A published version number; default: every version (OCDS) or the latest (eForms)."))


class OcdsPublisherSerializer(serializers.Serializer):
    name = serializers.CharField()


class OcdsBuyerSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class OcdsReleaseSerializer(serializers.Serializer):
    """The fields every release carries; the rest follows the OCDS 1.1.5 release schema."""

    ocid = serializers.CharField()
    id = serializers.CharField()
    date = serializers.CharField(help_text="RFC 3339 date-time.")
    tag = serializers.ListField(child=serializers.CharField())
    initiationType = serializers.CharField()
    language = serializers.CharField()
    parties = serializers.ListField(child=serializers.DictField())
    buyer = OcdsBuyerSerializer()
    tender = serializers.DictField(help_text="OCDS tender, with the lots extension.")
    planning = serializers.DictField(required=False, help_text="Prior information notices.")
    awards = serializers.ListField(child=serializers.DictField(), required=False,
                                   help_text="Award notices.")


class OcdsReleasePackageSerializer(serializers.Serializer):
    uri = serializers.URLField()
    version = serializers.CharField(help_text="The OCDS version, 1.1.")
    extensions = serializers.ListField(child=serializers.URLField())
    publishedDate = serializers.CharField(help_text="RFC 3339 date-time.")
    publisher = OcdsPublisherSerializer()
    releases = OcdsReleaseSerializer(many=True, help_text=(
        "One release per published version, oldest first."))


VERSION_PARAMETER = OpenApiParameter("version", int, required=False, description=(
    "Published version number. OCDS: only that release; eForms: that version's notice."))
ERRORS = {
    **described(404, "No such notice (drafts are private to their buyer), or no published "
                     "version of that number."),
    **described(409, "The notice is a draft or has no export of this kind."),
}


def _version(request: Request) -> int | None:
    query = ExportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("version")


class NoticeOcdsApi(APIView):
    # Open data: anyone, without an account (drafts are 404, by the selector).
    permission_classes = [AllowAny]

    @extend_schema(parameters=[VERSION_PARAMETER],
                   responses={(200, "application/json"): OpenApiResponse(
                       response=OcdsReleasePackageSerializer, description=(
                           "OCDS 1.1.5 release package, one release per published version.")),
                       **ERRORS},
                   summary="OCDS release package of a published notice")
    def get(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        version = _version(request)
        uri = request.build_absolute_uri(reverse("api-notice-ocds", kwargs={"pk": notice.pk}))
        return Response(ocds.release_package(notice, uri=uri, version=version),
                        content_type="application/json")


class NoticeEformsApi(APIView):
    # Open data: anyone, without an account (drafts are 404, by the selector).
    permission_classes = [AllowAny]
    # The XML itself is returned as a plain HttpResponse; the renderer names the media type
    # in the schema, and errors are rendered as JSON (handle_exception).
    renderer_classes = [XMLRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # Errors are JSON like everywhere else in the API, whatever the client accepts.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(parameters=[VERSION_PARAMETER],
                   responses={(200, "application/xml"): OpenApiResponse(
                       response=OpenApiTypes.STR,
                       description="eForms XML (SDK 1.15): subtype 16/4 above the EEA "
                                   "threshold, Norwegian national E3/E2 below it."),
                       **ERRORS},
                   summary="eForms XML of a published notice")
    def get(self, request: Request, pk: int) -> HttpResponse:
        notice = notice_get_visible(pk=pk, user=request.user)
        version = _version(request)
        xml = eforms.notice_xml(notice, base_url=request.build_absolute_uri("/"),
                                version=version)
        response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{notice.reference}.xml"'
        return response


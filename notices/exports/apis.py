"""Open-data exports of a published notice: OCDS JSON and eForms XML (thin views)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.errors import NotFound
from backend.schema import described
from notices.exports import eforms, ocds
from notices.exports.ocds_releases import public_notices, releases_page
from notices.models import NoticeStatus
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
    license = serializers.URLField(required=False, help_text="The open-data licence.")
    publicationPolicy = serializers.URLField(required=False)
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
                                   "threshold, Norwegian national E3/E2 below it; an award "
                                   "notice as result notice 29 / E4 once an award decision "
                                   "of its contract notice is sent (409 before)."),
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



class OcdsReleasesQuerySerializer(serializers.Serializer):
    since = serializers.CharField(required=False, help_text=(
        "Only releases dated at or after this date (2026-03-01, read as midnight Oslo time) "
        "or moment (RFC 3339)."))
    cursor = serializers.CharField(required=False, max_length=200, help_text=(
        "The `cursor` of the next page, from the previous page's Link header."))
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)

    def validate_since(self, value: str) -> datetime:
        from django.utils.dateparse import parse_date, parse_datetime

        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise serializers.ValidationError(
                    _("Use a date (2026-03-01) or a moment (2026-03-01T12:00:00+01:00)."))
            moment = datetime.combine(day, time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment


class OcdsRecordSerializer(serializers.Serializer):
    ocid = serializers.CharField()
    releases = OcdsReleaseSerializer(many=True)
    compiledRelease = OcdsReleaseSerializer(help_text="The procedure's latest state.")


class OcdsRecordPackageSerializer(serializers.Serializer):
    uri = serializers.URLField()
    version = serializers.CharField()
    extensions = serializers.ListField(child=serializers.URLField())
    publishedDate = serializers.CharField()
    publisher = OcdsPublisherSerializer()
    records = OcdsRecordSerializer(many=True)


class OcdsReleasesApi(APIView):
    # Open data: every published release, to anyone without an account.
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OcdsReleasesQuerySerializer],
        responses={(200, "application/json"): OpenApiResponse(
            response=OcdsReleasePackageSerializer, description=(
                "An OCDS 1.1.5 release package with up to `limit` releases, oldest first. "
                "When there are more, the `Link` header (rel=\"next\") gives the next page; "
                "an empty page has no releases.")),
            **described(400, "`since`, `cursor` or `limit` is not valid.")},
        summary="All OCDS releases, paginated")
    def get(self, request: Request) -> Response:
        query = OcdsReleasesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        page = releases_page(since=data.get("since"), cursor=data.get("cursor"),
                             limit=data["limit"])
        uri = request.build_absolute_uri()
        published = (ocds.parse_moment(page.releases[-1]["date"]) if page.releases
                     else timezone.now())
        package = ocds.package_metadata(uri=uri, published=published)
        package["releases"] = page.releases
        response = Response(package, content_type="application/json")
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
            response["Link"] = f'<{next_url}>; rel="next"'
        return response


class OcdsRecordApi(APIView):
    # Open data: the record of a published procedure, to anyone.
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/json"): OpenApiResponse(
        response=OcdsRecordPackageSerializer,
        description="An OCDS 1.1.5 record package: the procedure's releases and its compiled "
                    "release."), **described(404, "No published procedure with this ocid.")},
        summary="The OCDS record of one procedure")
    def get(self, request: Request, ocid: str) -> Response:
        prefix = f"{ocds.ocid_prefix()}-"
        if not ocid.startswith(prefix):
            raise NotFound(_("No procedure with this ocid."))
        notice = public_notices().filter(reference=ocid[len(prefix):]).first()
        if notice is None or notice.status == NoticeStatus.DRAFT:
            raise NotFound(_("No procedure with this ocid."))
        return Response(ocds.record_package([notice], uri=request.build_absolute_uri()),
                        content_type="application/json")

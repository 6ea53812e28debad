"""Thin DRF views over the notice services and selectors."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.selectors import authorities_editable_by
from backend.auth import ReadPublicWriteAuthenticated, request_user
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.parsers import DepthLimitedJSONParser
from backend.schema import errors
from notices import services
from notices.documents import services as documents
from notices.models import Notice, TenderDocument
from notices.selectors import (
    NoticeFilters,
    notice_get_editable,
    notice_get_visible,
    notice_search_public,
)
from notices.serializers import (
    ChangeNoticeSerializer,
    DocumentSerializer,
    DocumentUploadedSerializer,
    DocumentUploadSerializer,
    DocumentVersionSerializer,
    NoticeCreateSerializer,
    NoticeFieldsSerializer,
    NoticeKindSerializer,
    NoticeListItemSerializer,
    NoticePageSerializer,
    NoticeQuerySerializer,
    NoticeSerializer,
    NoticeVersionSerializer,
)


def _notice(request: Request, pk: int) -> Notice:
    return notice_get_visible(pk=pk, user=request.user)


def _editable(request: Request, pk: int) -> Notice:
    """Before the body is read: 404 if the notice is not visible, 403 if not the buyer's."""
    return notice_get_editable(pk=pk, user=request.user)


def _buyer_for(request: Request, buyer_id: int | None) -> Organization:
    editable = authorities_editable_by(user=request.user)
    if buyer_id is not None:
        buyer = editable.filter(pk=buyer_id).first()
        if buyer is None:
            raise Forbidden(_("You cannot publish notices for that organisation."))
        return buyer
    choices = list(editable[:2])
    if not choices:
        raise Forbidden(_("Only procurement officers of a contracting authority can create "
                          "notices."))
    if len(choices) > 1:
        raise ApplicationError(_("You act for several authorities; say which one with “buyer”."),
                               fields={"buyer": [_("Required.")]})
    return choices[0]


def _notice_response(request: Request, notice: Notice,
                     code: int = status.HTTP_200_OK) -> Response:
    fresh = notice_get_visible(pk=notice.pk, user=request.user)
    return Response(NoticeSerializer(fresh).data, status=code)


class NoticeListCreateApi(APIView):
    # Public search; creating a draft needs an account (the service checks the role).
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(parameters=[NoticeQuerySerializer], responses=NoticePageSerializer,
                   summary="Search published notices")
    def get(self, request: Request) -> Response:
        query = NoticeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        page, page_size = params.pop("page"), params.pop("page_size")
        result = notice_search_public(filters=NoticeFilters(**params),
                                      offset=(page - 1) * page_size, limit=page_size)
        url = request.build_absolute_uri()
        last = max(1, -(-result.count // page_size))
        return Response({
            "count": result.count,
            "next": replace_query_param(url, "page", page + 1) if page < last else None,
            "previous": (None if page == 1 else remove_query_param(url, "page") if page == 2
                         else replace_query_param(url, "page", page - 1)),
            "results": NoticeListItemSerializer(result.notices, many=True).data,
            "suggestions": result.suggestions,
            "did_you_mean": result.did_you_mean,
        })

    @extend_schema(request=NoticeCreateSerializer,
                   responses={201: NoticeSerializer, **errors(403)},
                   summary="Create a draft notice")
    def post(self, request: Request) -> Response:
        if not authorities_editable_by(user=request.user).exists():
            raise Forbidden(_("Only procurement officers of a contracting authority can create "
                              "notices."))
        body = NoticeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields, lots = body.split()
        buyer = _buyer_for(request, body.validated_data.get("buyer"))
        notice = services.notice_create(buyer=buyer, by=request_user(request),
                                        kind=body.validated_data["kind"], fields=fields, lots=lots)
        return _notice_response(request, notice, status.HTTP_201_CREATED)


class NoticeDetailApi(APIView):
    # Published notices are public; drafts are 404 to all but their buyer (the selector).
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(responses=NoticeSerializer, summary="A notice (drafts only for their buyer)")
    def get(self, request: Request, pk: int) -> Response:
        return Response(NoticeSerializer(_notice(request, pk)).data)

    @extend_schema(request=NoticeFieldsSerializer,
                   responses={200: NoticeSerializer, **errors(403, 409)}, summary="Edit a draft")
    def patch(self, request: Request, pk: int) -> Response:
        notice = _editable(request, pk)
        body = NoticeFieldsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields, lots = body.split()
        notice = services.notice_update_draft(notice=notice, by=request_user(request),
                                              fields=fields, lots=lots)
        return _notice_response(request, notice)

    @extend_schema(responses={204: None, **errors(403, 409)}, summary="Delete a draft")
    def delete(self, request: Request, pk: int) -> Response:
        services.notice_delete_draft(notice=_editable(request, pk), by=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoticePublishApi(APIView):
    @extend_schema(request=None, responses={200: NoticeSerializer, **errors(403, 409)},
                   summary="Publish a draft")
    def post(self, request: Request, pk: int) -> Response:
        notice = services.notice_publish(notice=_editable(request, pk), by=request_user(request))
        return _notice_response(request, notice)


class NoticeKindApi(APIView):
    @extend_schema(request=NoticeKindSerializer,
                   responses={200: NoticeSerializer, **errors(403, 409)},
                   summary="Change the notice type of a draft (the rest is kept)")
    def post(self, request: Request, pk: int) -> Response:
        notice = _editable(request, pk)
        body = NoticeKindSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = services.notice_kind_change(notice=notice, by=request_user(request),
                                             kind=body.validated_data["kind"])
        return _notice_response(request, notice)


class NoticeChangeApi(APIView):
    @extend_schema(request=ChangeNoticeSerializer,
                   responses={201: NoticeVersionSerializer, **errors(403, 409)},
                   summary="Publish a change notice")
    def post(self, request: Request, pk: int) -> Response:
        notice = _editable(request, pk)
        body = ChangeNoticeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields, lots = body.split()
        version = services.notice_change_publish(
            notice=notice, by=request_user(request),
            reason=body.validated_data["reason"], fields=fields, lots=lots)
        return Response(NoticeVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class NoticeVersionListApi(APIView):
    # Public: the published versions with their reasons are part of the public record.
    permission_classes = [AllowAny]

    @extend_schema(responses=NoticeVersionSerializer(many=True),
                   summary="Published versions with reasons and diffs")
    def get(self, request: Request, pk: int) -> Response:
        notice = _notice(request, pk)
        return Response(NoticeVersionSerializer(notice.versions.all(), many=True).data)


class DocumentListCreateApi(APIView):
    # Tender documents are free to read without an account (DESIGN); uploads need the buyer.
    permission_classes = [ReadPublicWriteAuthenticated]
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]

    @extend_schema(responses=DocumentSerializer(many=True), summary="Tender documents")
    def get(self, request: Request, pk: int) -> Response:
        notice = _notice(request, pk)
        return Response(DocumentSerializer(notice.documents.all(), many=True).data)

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentUploadedSerializer, **errors(403, 409)},
                   summary="Upload a document or a new version of one")
    def post(self, request: Request, pk: int) -> Response:
        notice = _editable(request, pk)
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        document = None
        if body.validated_data.get("document") is not None:
            document = TenderDocument.objects.filter(
                pk=body.validated_data["document"], notice=notice).first()
            if document is None:
                raise NotFound(_("This notice has no such document."))
        version, warnings = documents.document_upload(
            notice=notice, by=request_user(request), stream=upload, filename=upload.name,
            size=upload.size, title=body.validated_data.get("title", ""), document=document,
            note=body.validated_data.get("note", ""))
        data = dict(DocumentVersionSerializer(version).data)
        data["warnings"] = warnings
        return Response(data, status=status.HTTP_201_CREATED)


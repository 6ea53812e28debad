"""Thin DRF views of the opening: start, status (polled by the page), a member's sealed shares,
sending shares, resume, renew the session key, opened files (every read logged)."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.errors import Forbidden
from backend.schema import errors
from bids import permissions
from bids.opening import services as opening
from bids.opening.downloads import OCTET_STREAM, TAR, streaming_download
from bids.opening.selectors import session_get, status_payload
from notices.selectors import notice_get_visible


class OpenedBidStatusSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    shares = serializers.IntegerField(help_text="Shares received for this bid so far.")
    k = serializers.IntegerField(help_text="Shares needed to open it.")
    error = serializers.CharField(allow_blank=True)
    files = serializers.IntegerField(help_text="Files opened from it.")


class OpeningStatusSerializer(serializers.Serializer):
    session = serializers.UUIDField()
    notice = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    deadline = serializers.DateTimeField()
    bids_total = serializers.IntegerField()
    bids_done = serializers.IntegerField()
    bids_failed = serializers.IntegerField()
    bytes_total = serializers.IntegerField()
    bytes_done = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    public_key = serializers.CharField()
    key_generation = serializers.IntegerField()
    key_available = serializers.BooleanField()
    finished_at = serializers.DateTimeField(allow_null=True)
    log_check = serializers.DictField(help_text="The tree head at the deadline and the check "
                                                "that the opened set is the received set.")
    bids = OpenedBidStatusSerializer(many=True)


class ReleasedShareSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    key_id = serializers.CharField()
    # A field named like a Field attribute (context); the stubs see a clash, DRF does not.
    context = serializers.DictField(  # type: ignore[assignment]
        help_text="The submission context (ETB-1 §3).")
    context_hash = serializers.CharField()
    sealed_share = serializers.CharField()
    sent = serializers.BooleanField(help_text="Already sent to this session key.")
    opened = serializers.BooleanField()


class MemberSharesSerializer(serializers.Serializer):
    session = serializers.UUIDField()
    public_key = serializers.CharField()
    key_generation = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    keys = serializers.ListField(child=serializers.DictField(), help_text=(
        "The member's wrapped keys (ETB-1 §7), one per seat."))
    shares = ReleasedShareSerializer(many=True)


class OpeningStartApi(APIView):
    @extend_schema(request=None, responses={201: OpeningStatusSerializer, **errors(403, 409)},
                   summary="Start the opening session of a tender (after the deadline)")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = notice_get_visible(pk=notice_id, user=request.user)
        session = opening.opening_start(notice=notice, by=request_user(request))
        return Response(status_payload(session), status=status.HTTP_201_CREATED)


class OpeningStatusApi(APIView):
    @extend_schema(responses=OpeningStatusSerializer,
                   summary="Progress of an opening session (bids done / total, bytes)")
    def get(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        return Response(status_payload(session))


class MemberSharesApi(APIView):
    @extend_schema(responses={200: MemberSharesSerializer, **errors(400, 403)},
                   summary="A committee member's sealed shares and wrapped key (after the "
                           "deadline; the release is logged)")
    def get(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        rows = opening.opening_shares_for_member(session=session, by=request_user(request))
        seats = opening.member_seats(request.user, session.notice)
        return Response({
            "session": str(session.pk), "public_key": session.public_key,
            "key_generation": session.key_generation, "deadline": session.deadline,
            "keys": [seat.wrapped_key for seat in seats if seat.wrapped_key],
            "shares": rows,
        })


class ShareInSerializer(serializers.Serializer):
    key_id = serializers.CharField(max_length=64)
    submission = serializers.CharField(max_length=64, required=False)
    resealed = serializers.CharField(max_length=228, required=False,
                                     help_text="The plain share HPKE-sealed to the session "
                                               "key (browser).")
    context_hash = serializers.CharField(max_length=64, required=False)
    share = serializers.CharField(max_length=66, required=False,
                                  help_text="A plain share as `anbud-etb open-shares` writes "
                                            "it; the server seals it to the session key at "
                                            "once.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        browser = "submission" in attrs and "resealed" in attrs
        cli = "context_hash" in attrs and "share" in attrs
        if browser == cli:
            raise serializers.ValidationError(
                _("Send either submission + resealed, or context_hash + share."))
        return attrs


class SharesInSerializer(serializers.Serializer):
    shares = ShareInSerializer(many=True, allow_empty=False)


class SendSharesApi(APIView):
    @extend_schema(request=SharesInSerializer,
                   responses={200: OpeningStatusSerializer, **errors(403, 409)},
                   summary="Send a member's opened shares to the opening session")
    def post(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        if not permissions.holds_committee_key(request.user, session.notice):
            raise Forbidden(_("Only members of the opening committee send shares."))
        data = SharesInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = opening.opening_add_shares(session=session, by=request_user(request),
                                             shares=data.validated_data["shares"])
        return Response(status_payload(session))


class ResumeApi(APIView):
    @extend_schema(request=None, responses={200: OpeningStatusSerializer, **errors(403, 409)},
                   summary="Resume an opening that stopped")
    def post(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        session = opening.opening_resume(session=session, by=request_user(request))
        return Response(status_payload(session))


class RenewKeyApi(APIView):
    @extend_schema(request=None, responses={200: OpeningStatusSerializer, **errors(403, 409)},
                   summary="Renew an expired session key (members send their shares again)")
    def post(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        session = opening.opening_renew_key(session=session, by=request_user(request))
        return Response(status_payload(session))


class OpenedTarApi(APIView):
    @extend_schema(responses={(200, TAR): OpenApiTypes.BINARY},
                   summary="Download an opened bid as the tar of its files (committee and "
                           "procurement officers; every read is logged)")
    def get(self, request: Request, session_id: str, submission_id: str) -> StreamingHttpResponse:
        session = session_get(session_id=session_id, user=request.user)
        return streaming_download(opening.opened_file_read(
            session=session, submission_id=submission_id, user=request_user(request)),
            content_type=TAR)


class OpenedFileApi(APIView):
    @extend_schema(responses={(200, OCTET_STREAM): OpenApiTypes.BINARY},
                   summary="Download one file of an opened bid, as opaque bytes (committee "
                           "and procurement officers; every read is logged)")
    def get(self, request: Request, session_id: str, submission_id: str,
            index: int) -> StreamingHttpResponse:
        session = session_get(session_id=session_id, user=request.user)
        return streaming_download(opening.opened_file_read(
            session=session, submission_id=submission_id, user=request_user(request),
            file_index=index))

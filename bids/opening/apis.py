"""Thin DRF views of the opening: start, status (polled by the page), a member's sealed shares,
sending shares, resume, renew the session key, opened files (every read logged)."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from backend.errors import NotFound
from bids.opening import services as opening
from bids.opening.models import OpeningSession
from notices.selectors import notice_get_visible


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def session_get(*, session_id: Any, user: Any) -> OpeningSession:
    """An opening session the user takes part in: authority editors, officers, committee."""
    session = OpeningSession.objects.select_related("notice__buyer", "tree_head").filter(
        pk=session_id).first()
    if session is None or not (opening.is_editor(user, session.notice)
                               or opening.may_read_opened(user, session.notice)
                               or opening.member_seats(user, session.notice)):
        raise NotFound("No such opening session.")
    return session


def status_payload(session: OpeningSession, user: Any) -> dict[str, Any]:
    session.refresh_from_db()
    counts = opening.share_counts(session)
    bids = []
    for bid in session.bids.select_related("submission__supplier").order_by(
            "submission__received_at", "pk"):
        sub = bid.submission
        bids.append({"submission": str(sub.pk), "supplier": sub.supplier.name,
                     "status": bid.status, "status_label": bid.get_status_display(),
                     "shares": counts.get(sub.pk, 0), "k": int(sub.context["k"]),
                     "error": bid.error, "files": len(bid.files or [])})
    return {
        "session": str(session.pk), "notice": session.notice_id, "status": session.status,
        "status_label": session.get_status_display(), "deadline": session.deadline,
        "bids_total": session.bids_total, "bids_done": session.bids_done,
        "bids_failed": session.bids_failed, "bytes_total": session.bytes_total,
        "bytes_done": session.bytes_done, "error": session.error,
        "public_key": session.public_key, "key_generation": session.key_generation,
        "key_available": opening.session_key_available(session),
        "finished_at": session.finished_at, "log_check": session.log_check or {},
        "bids": bids,
    }


class OpeningStatusSerializer(serializers.Serializer):
    session = serializers.UUIDField()
    status = serializers.CharField()
    bids_total = serializers.IntegerField()
    bids_done = serializers.IntegerField()
    bytes_total = serializers.IntegerField()
    bytes_done = serializers.IntegerField()
    public_key = serializers.CharField()
    bids = serializers.ListField(child=serializers.DictField())


class OpeningStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: OpeningStatusSerializer},
                   summary="Start the opening session of a tender (after the deadline)")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = notice_get_visible(pk=notice_id, user=request.user)
        session = opening.opening_start(notice=notice, by=_user(request))
        return Response(status_payload(session, request.user), status=status.HTTP_201_CREATED)


class OpeningStatusApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpeningStatusSerializer,
                   summary="Progress of an opening session (bids done / total, bytes)")
    def get(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        return Response(status_payload(session, request.user))


class MemberSharesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT},
                   summary="A committee member's sealed shares and wrapped key (after the "
                           "deadline; the release is logged)")
    def get(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        rows = opening.opening_shares_for_member(session=session, by=_user(request))
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
                "Send either submission + resealed, or context_hash + share.")
        return attrs


class SharesInSerializer(serializers.Serializer):
    shares = ShareInSerializer(many=True, allow_empty=False)


class SendSharesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SharesInSerializer, responses=OpeningStatusSerializer,
                   summary="Send a member's opened shares to the opening session")
    def post(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        data = SharesInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = opening.opening_add_shares(session=session, by=_user(request),
                                             shares=data.validated_data["shares"])
        return Response(status_payload(session, request.user))


class ResumeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OpeningStatusSerializer,
                   summary="Resume an opening that stopped")
    def post(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        session = opening.opening_resume(session=session, by=_user(request))
        return Response(status_payload(session, request.user))


class RenewKeyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OpeningStatusSerializer,
                   summary="Renew an expired session key (members send their shares again)")
    def post(self, request: Request, session_id: str) -> Response:
        session = session_get(session_id=session_id, user=request.user)
        session = opening.opening_renew_key(session=session, by=_user(request))
        return Response(status_payload(session, request.user))


class OpenedFileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): bytes},
                   summary="Download an opened file (committee and procurement officers; "
                           "logged)")
    def get(self, request: Request, session_id: str, submission_id: str,
            index: int | None = None) -> StreamingHttpResponse:
        session = session_get(session_id=session_id, user=request.user)
        return streaming_download(opening.opened_file_read(
            session=session, submission_id=submission_id, user=_user(request),
            file_index=index))


def streaming_download(read: opening.OpenedRead) -> StreamingHttpResponse:
    from django.utils.http import content_disposition_header

    response = StreamingHttpResponse(read.chunks, content_type="application/octet-stream")
    response["Content-Length"] = str(read.size)
    response["Content-Disposition"] = content_disposition_header(True, read.filename) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

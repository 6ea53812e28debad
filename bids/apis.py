"""Thin DRF views for sealed bids: committee, submission, receipts and the transparency log."""

from __future__ import annotations

import json
from typing import Any, TypeVar, cast

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization, User
from accounts.selectors import suppliers_of
from backend.auth import ReadPublicWriteAuthenticated, request_user
from backend.clock import db_now
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.formatting import to_oslo
from backend.schema import described, errors
from bids import committee as committee_services
from bids import conf, permissions, selectors, tlog
from bids import submission as services
from bids.keys import platform_public_key_hex
from bids.models import Receipt, Submission, UploadPart
from bids.serializers import (
    CommitteeConfiguredSerializer,
    CommitteeSerializer,
    ConsistencyProofSerializer,
    EnrolledKeySerializer,
    FinalizeSerializer,
    InclusionProofSerializer,
    KeysSerializer,
    LatestTreeHeadSerializer,
    ManifestPublishedSerializer,
    ManifestRefSerializer,
    ManifestRepublishSerializer,
    ManifestVersionSerializer,
    MemberRemoveSerializer,
    SealedBlobSerializer,
    SealedSharesSerializer,
    ServerSealedSerializer,
    SharesStoredSerializer,
    SignedReceiptSerializer,
    SubmissionDetailSerializer,
    SubmissionListSerializer,
    SubmissionSerializer,
    SubmissionStartedSerializer,
    SubmissionStartSerializer,
    UploadPartListSerializer,
    UploadPartSerializer,
    WrappedKeySerializer,
)
from bids.storage import require_hex_sha256
from crypto.constants import CHUNK_SIZE
from notices.models import Notice
from notices.selectors import notice_list_visible


def _notice(request: Request, notice_id: int) -> Notice:
    return get_object_or_404(notice_list_visible(user=request.user).prefetch_related(None),
                             pk=notice_id)


def _managed(request: Request, notice_id: int) -> Notice:
    """A notice whose committee the user manages; 403 before the body is read."""
    notice = _notice(request, notice_id)
    if not permissions.may_manage_committee(request.user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can change the opening "
                          "committee.") % {"buyer": notice.buyer.name})
    return notice


def _require_supplier(request: Request) -> User:
    user = request_user(request)
    if not permissions.may_submit(user):
        raise Forbidden(_("Only users of a supplier organisation submit bids."))
    return user


def _body(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; anything else is a clear 400, never a 500."""
    data = request.data
    if not isinstance(data, dict):
        raise ApplicationError(_("The request body must be a JSON object."), code="invalid_body")
    return cast(dict[str, Any], data)


S = TypeVar("S", bound=serializers.Serializer)


def _valid(serializer_class: type[S], request: Request) -> dict[str, Any]:
    """The body checked by its serializer: 400 naming the field, in the one error format."""
    body = serializer_class(data=_body(request))
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _own(request: Request, notice_id: int, submission_id: str) -> Submission:
    return selectors.submission_get_own(user=request_user(request), notice_id=notice_id,
                                        submission_id=str(submission_id))


def _submission_json(submission: Submission) -> dict[str, Any]:
    return {
        "id": str(submission.pk),
        "tender": submission.notice.reference,
        "supplier": submission.supplier.name,
        "status": submission.status,
        "sealing": submission.sealing,
        "context": submission.context,
        "context_hash": submission.context_hash,
        "manifest": submission.manifest.manifest,
        "manifest_hash": submission.manifest.manifest_hash,
        "manifest_version": submission.manifest.number,
        "size": submission.size,
        "chunks": submission.chunks,
        "root": submission.root or None,
        "header_hash": submission.header_hash or None,
        "received_at": submission.received_at.isoformat() if submission.received_at else None,
        "log_index": submission.log_index,
        "reseal_requested": submission.reseal_requested,
        "reseal_reason": submission.reseal_reason,
    }


def _deadline_json(notice: Notice) -> dict[str, Any]:
    return {"deadline": notice.submission_deadline.isoformat()
            if notice.submission_deadline else None,
            "server_time": db_now().isoformat()}


# --- committee -------------------------------------------------------------------------------

class CommitteeInputSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.EmailField(), min_length=0)
    k = serializers.IntegerField(min_value=0, max_value=255)
    electronic_bids = serializers.BooleanField(default=True)
    max_bid_bytes = serializers.IntegerField(required=False, allow_null=True, min_value=1)


def _committee_json(notice: Notice) -> dict[str, Any]:
    committee = selectors.committee_get(notice=notice)
    manifest = committee_services.manifest_current(notice)
    if committee is None:
        return {"electronic_bids": False, "members": [], "k": None,
                "manifest_hash": manifest.manifest_hash if manifest else ""}
    members = committee.members.filter(removed_at__isnull=True).select_related("user")
    return {
        "electronic_bids": committee.electronic_bids,
        "k": committee.k,
        "n": members.count(),
        "max_bid_bytes": services.max_bid_bytes(committee),
        "members": [{"id": m.pk, "name": m.user.get_full_name(), "key_id": m.key_id,
                     "public_key": m.public_key, "enrolled": m.has_key} for m in members],
        "problems": committee_services.committee_problems(notice, timezone.now()),
        "manifest_hash": manifest.manifest_hash if manifest else "",
        "manifest_version": manifest.number if manifest else None,
    }


class CommitteeApi(APIView):
    """GET: the committee (public: names, key ids, the manifest hash). PUT: name it (draft)."""

    # Public read: the committee is part of the published notice (ETB-1 §1).
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(
        summary="The committee of a tender (public)",
        request=None,
        responses=CommitteeSerializer,
    )
    def get(self, request: Request, notice_id: int) -> Response:
        return Response(_committee_json(_notice(request, notice_id)))

    @extend_schema(
        summary="Name the committee of a tender (draft)",
        request=CommitteeInputSerializer,
        responses={200: CommitteeConfiguredSerializer, **errors(403, 409)},
    )
    def put(self, request: Request, notice_id: int) -> Response:
        user = request_user(request)
        notice = _managed(request, notice_id)
        data = CommitteeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        emails = [e.lower() for e in data.validated_data["members"]]
        users = list(User.objects.filter(email__in=emails))
        unknown = sorted(set(emails) - {u.email for u in users})
        if unknown:
            raise ApplicationError(_("No user with the e-mail address %(emails)s.")
                                   % {"emails": ", ".join(unknown)},
                                   fields={"members": [_("Unknown user.")]})
        result = committee_services.committee_configure(
            notice=notice, by=user, members=users, k=data.validated_data["k"],
            electronic_bids=data.validated_data["electronic_bids"],
            max_bid_bytes=data.validated_data.get("max_bid_bytes"))
        return Response({**_committee_json(notice), "warnings": result.warnings})


class CommitteeKeyApi(APIView):
    """PUT: a member enrols the key wrapped on their side (ETB-1 §7); GET: their wrapped key."""

    @extend_schema(
        summary="A committee member's own wrapped key",
        request=None,
        responses=WrappedKeySerializer,
    )
    def get(self, request: Request, notice_id: int, member_id: int) -> Response:
        user = request_user(request)
        member = selectors.committee_member_get(notice=_notice(request, notice_id),
                                                member_id=member_id)
        if member.user_id != user.pk:
            raise NotFound(_("There is no such committee member."))
        if not member.wrapped_key:
            raise NotFound(_("You have not enrolled a key yet."))
        return Response(member.wrapped_key)

    @extend_schema(
        summary="Enrol a committee member's wrapped key",
        request=WrappedKeySerializer,
        responses={200: EnrolledKeySerializer, **errors(403, 409)},
    )
    def put(self, request: Request, notice_id: int, member_id: int) -> Response:
        user = request_user(request)
        member = selectors.committee_member_get(notice=_notice(request, notice_id),
                                                member_id=member_id)
        if member.user_id != user.pk:  # before the body: the seat is public, its key not
            raise Forbidden(_("Only the member can enrol their own key."))
        wrapped = _valid(WrappedKeySerializer, request)
        member = committee_services.committee_member_enrol_key(member=member, by=user,
                                                               wrapped_key=wrapped)
        return Response({"key_id": member.key_id, "public_key": member.public_key,
                         "enrolled_at": member.enrolled_at.isoformat()
                         if member.enrolled_at else None})


class CommitteeMemberRemoveApi(APIView):
    @extend_schema(
        summary="Remove a committee member",
        request=MemberRemoveSerializer,
        responses={200: ManifestRefSerializer, **errors(403, 409)},
    )
    def post(self, request: Request, notice_id: int, member_id: int) -> Response:
        user = request_user(request)
        member = selectors.committee_member_get(notice=_managed(request, notice_id),
                                                member_id=member_id)
        body = _valid(MemberRemoveSerializer, request)
        manifest = committee_services.committee_member_remove(
            member=member, by=user, reason=body["reason"], key_lost=body["key_lost"])
        return Response({"manifest_hash": manifest.manifest_hash if manifest else None,
                         "manifest_version": manifest.number if manifest else None})


class ManifestApi(APIView):
    """GET: every frozen manifest of the tender (public). POST: publish a new version."""

    # Public read: frozen manifests are part of the published notice.
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(
        summary="Every frozen manifest of a tender (public)",
        request=None,
        responses=ManifestVersionSerializer(many=True),
    )
    def get(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        return Response([{"version": m.number, "manifest": m.manifest,
                          "manifest_hash": m.manifest_hash, "reason": m.reason,
                          "published_at": m.published_at.isoformat(),
                          "superseded_at": m.superseded_at.isoformat()
                          if m.superseded_at else None, "log_index": m.log_index}
                         for m in selectors.manifest_list_public(notice=notice)])

    @extend_schema(
        summary="Publish a new manifest version",
        request=ManifestRepublishSerializer,
        responses={201: ManifestPublishedSerializer, **errors(403, 409)},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        user = request_user(request)
        notice = _managed(request, notice_id)
        body = _valid(ManifestRepublishSerializer, request)
        manifest = committee_services.manifest_republish(notice=notice, by=user,
                                                         reason=body["reason"])
        return Response({"version": manifest.number, "manifest_hash": manifest.manifest_hash},
                        status=201)


# --- submissions -----------------------------------------------------------------------------

def _supplier_for(user: User, supplier_id: int | None) -> Organization:
    own = suppliers_of(user=user)
    if supplier_id is not None:
        try:
            return own.get(pk=supplier_id)
        except Organization.DoesNotExist:
            raise Forbidden(_("You do not act for that supplier.")) from None
    choices = list(own[:2])
    if len(choices) != 1:
        raise ApplicationError(_("Say which supplier the bid is for (field 'supplier')."),
                               fields={"supplier": [_("Required.")]}) if choices else \
            Forbidden(_("Only users of a supplier organisation submit bids."))
    return choices[0]


def _upload_info(submission: Submission) -> dict[str, Any]:
    committee = services._bids_committee(submission.notice)
    return {"chunk_size": CHUNK_SIZE, "part_max_bytes": int(conf.get("BID_PART_MAX_BYTES")),
            "max_bid_bytes": services.max_bid_bytes(committee)}


class SubmissionListApi(APIView):
    """POST: start a submission (id + context issued before sealing). GET: your bids, or
    after the deadline the current bids for the authority and the committee."""

    @extend_schema(
        summary="Your bids, or the current bids after the deadline",
        request=None,
        responses={200: SubmissionListSerializer, **errors(403)},
    )
    def get(self, request: Request, notice_id: int) -> Response:
        user = request_user(request)
        notice = _notice(request, notice_id)
        if suppliers_of(user=user).exists():
            rows = selectors.submission_list_own(user=user, notice=notice)
            return Response({"results": [_submission_json(s) for s in rows],
                             **_deadline_json(notice)})
        rows = selectors.submission_list_for_authority(user=user, notice=notice)
        return Response({"results": [
            {"id": str(s.pk), "supplier": s.supplier.name, "status": s.status,
             "received_at": s.received_at.isoformat() if s.received_at else None,
             "size": s.size, "root": s.root, "header_hash": s.header_hash,
             "sealing": s.sealing, "log_index": s.log_index} for s in rows],
            **_deadline_json(notice)})

    @extend_schema(
        summary="Start a submission",
        request=SubmissionStartSerializer,
        responses={201: SubmissionStartedSerializer, **errors(403, 409)},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        user = _require_supplier(request)
        notice = _notice(request, notice_id)
        body = _valid(SubmissionStartSerializer, request)
        supplier = _supplier_for(user, body.get("supplier"))
        submission = services.submission_start(notice=notice, supplier=supplier, by=user,
                                               envelope=body["envelope"])
        return Response({**_submission_json(submission), "upload": _upload_info(submission),
                         **_deadline_json(notice)}, status=201)


class SubmissionDetailApi(APIView):
    @extend_schema(summary="One of your submissions", request=None,
                   responses=SubmissionDetailSerializer)
    def get(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        return Response({**_submission_json(submission), **_deadline_json(submission.notice)})


class SubmissionPartApi(APIView):
    """PUT the raw bytes of one part of the sealed blob; header X-Content-SHA256 (hex)."""

    @extend_schema(
        summary="Upload one part of the sealed blob (header X-Content-SHA256)",
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={201: UploadPartSerializer, **errors(409)},
    )
    def put(self, request: Request, notice_id: int, submission_id: str, index: int) -> Response:
        submission = _own(request, notice_id, submission_id)
        sha = require_hex_sha256(request.headers.get("X-Content-SHA256"))
        length = request.headers.get("Content-Length")
        part = services.submission_part_put(
            submission=submission, index=index, stream=request._request, sha256=sha,
            by=request_user(request), content_length=int(length) if length and length.isdigit()
            else None)
        return Response({"index": part.index, "size": part.size, "sha256": part.sha256},
                        status=201)


class SubmissionPartListApi(APIView):
    """Which parts do you have? (resume an interrupted upload)"""

    @extend_schema(summary="The parts uploaded so far", request=None,
                   responses=UploadPartListSerializer)
    def get(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        parts = UploadPart.objects.filter(submission=submission).order_by("index")
        total = parts.aggregate(total=Sum("size"))["total"] or 0
        return Response({"status": submission.status, "total_bytes": total,
                         "parts": [{"index": p.index, "size": p.size, "sha256": p.sha256}
                                   for p in parts], **_deadline_json(submission.notice)})


class SubmissionSharesApi(APIView):
    @extend_schema(
        summary="Store the sealed key shares of a submission",
        request=SealedSharesSerializer,
        responses={201: SharesStoredSerializer, **errors(409)},
    )
    def post(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        document = _valid(SealedSharesSerializer, request)
        document["sealed_shares"] = [dict(item) for item in document["sealed_shares"]]
        rows = services.submission_shares_put(submission=submission, by=request_user(request),
                                              document=document)
        return Response({"key_ids": [r.key_id for r in rows]}, status=201)


class SubmissionFinalizeApi(APIView):
    """POST the digest you computed (and the sealed shares); answers with the signed receipt."""

    @extend_schema(
        summary="Finalise a submission; answers with the signed receipt",
        description=(
            "Send the sealed shares in the same body (`sealed_shares`, optional "
            "`context_hash`/`manifest_hash` checks): they are stored in the transaction that "
            "issues the receipt. Without `sealed_shares`, the shares sent earlier to "
            "`sealed-shares` are used (400 `shares_missing` if there are none)."),
        request=FinalizeSerializer,
        responses={201: SignedReceiptSerializer, **errors(409)},
    )
    def post(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        claimed, shares = _claim_and_shares(_valid(FinalizeSerializer, request))
        done = services.submission_finalize(submission=submission, by=request_user(request),
                                            claimed=claimed, shares=shares)
        return Response(_signed(done.receipt), status=201)


def _claim_and_shares(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A checked finalise document as (the claimed digest, the shares document or None)."""
    shares = None
    if "sealed_shares" in body:
        shares = {"sealed_shares": [dict(item) for item in body.pop("sealed_shares")]}
        for name in ("context_hash", "manifest_hash"):
            if name in body:
                shares[name] = body[name]
    body.pop("manifest_hash", None)
    return body, shares


class BlobUploadHandler(FileUploadHandler):
    """Upload handler of the one-request route: the file part `blob` goes straight into the
    submission's BlobUpload (stored in parts, hashed and checked on the way); nothing is
    spooled to memory or a temporary file, and nothing is read twice."""

    chunk_size = 1024 * 1024

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.upload: services.BlobUpload | None = None

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if self.upload is None or field_name != "blob" or self.upload.received:
            raise ApplicationError(_("Send exactly one file, in the field 'blob'."),
                                   code="bad_blob", fields={"blob": [_("One file only.")]})

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.upload is not None
        self.upload.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> None:
        assert self.upload is not None
        self.upload.close()
        return None


def _finalize_document(raw: Any) -> dict[str, Any]:
    """The `finalize` part of the one-request body, checked like POST finalize's body."""
    if isinstance(raw, (bytes, str)):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    if not isinstance(raw, dict):
        raise ApplicationError(_("Send the finalise document as JSON in the field 'finalize'."),
                               code="invalid_body",
                               fields={"finalize": [_("A JSON object is required.")]})
    body = FinalizeSerializer(data=raw)
    if not body.is_valid():
        raise serializers.ValidationError({"finalize": body.errors})
    return dict(body.validated_data)


class SubmissionBlobApi(APIView):
    """PUT the whole sealed blob and the finalise document in one request; answers with the
    signed receipt (a bid in two requests: start, then this)."""

    parser_classes = [MultiPartParser]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # The blob streams into storage through BlobUploadHandler; nothing is spooled.
        request.upload_handlers = [BlobUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Upload the whole sealed blob and finalise in one request (header "
                "X-Content-SHA256); answers with the signed receipt",
        description=(
            "multipart/form-data with two parts: `finalize` (JSON, the body of POST "
            "finalize: digest and sealed shares) and `blob` (the whole sealed blob). The blob "
            "is stored and its SHA-256 and ETB-1 digest computed as it arrives; the receipt "
            "is issued in the same transaction that checks the deadline against the database "
            "clock with the tender row locked, exactly as finalize does. For bids of at most "
            "one part (`upload.part_max_bytes` of the start answer); larger bids use PUT "
            "parts, then POST finalize. Parts uploaded before are replaced. Any refusal (a "
            "wrong SHA-256 or digest: 400; too large: 413; after the deadline or no longer "
            "uploading: 409) stores nothing."),
        request={"multipart/form-data": SealedBlobSerializer},
        parameters=[OpenApiParameter(
            "X-Content-SHA256", str, OpenApiParameter.HEADER, required=True,
            description="SHA-256 of the whole sealed blob, 64 hex characters.")],
        responses={201: SignedReceiptSerializer, **errors(409, 413)},
    )
    def put(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        user = request_user(request)
        sha = require_hex_sha256(request.headers.get("X-Content-SHA256"))
        length = request.headers.get("Content-Length", "")
        upload = services.submission_blob_open(
            submission=submission, by=user,
            content_length=int(length) if length.isdigit() else None)
        handler = request._request.upload_handlers[0]
        assert isinstance(handler, BlobUploadHandler)
        handler.upload = upload
        try:
            claimed, shares = _claim_and_shares(_finalize_document(_body(request).get("finalize")))
        except BaseException:
            upload.discard()
            raise
        done = services.submission_blob_finalize(upload=upload, by=user, sha256=sha,
                                                 claimed=claimed, shares=shares)
        return Response(_signed(done.receipt), status=201)


class SubmissionWithdrawApi(APIView):
    @extend_schema(summary="Withdraw a submission", request=None,
                   responses={200: SubmissionSerializer, **errors(409)})
    def post(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        submission = services.submission_withdraw(submission=submission, by=request_user(request))
        return Response(_submission_json(submission))


class RefuseFilesHandler(FileUploadHandler):
    """Upload handler for the plaintext route: multipart file parts are never spooled."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


class SubmissionServerSealedApi(APIView):
    """POST the plaintext file as the raw body (Content-Type application/octet-stream, header
    X-Filename, Content-Length); the server seals it from the stream (receipt: sealing server).
    """

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # Nothing of the body may be spooled to a temporary file, whatever the content type.
        request.upload_handlers = [RefuseFilesHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Submit a plaintext file sealed by the server (headers X-Filename, X-Supplier)",
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={201: ServerSealedSerializer, **errors(403, 409)},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        user = _require_supplier(request)
        notice = _notice(request, notice_id)
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type.startswith("multipart/") or content_type == \
                "application/x-www-form-urlencoded":
            raise ApplicationError(_("Send the file itself as the request body "
                                   "(Content-Type: application/octet-stream) with its name in "
                                   "the X-Filename header."), code="unsupported_media_type")
        length = request.headers.get("Content-Length", "")
        if not length.isdigit():
            raise ApplicationError(_("Send a Content-Length."), code="length_required")
        supplier_id = request.headers.get("X-Supplier")
        own = suppliers_of(user=user)
        if supplier_id:
            supplier = own.filter(pk=supplier_id).first() if supplier_id.isdigit() else None
            if supplier is None:
                raise Forbidden(_("You do not act for that supplier."))
        else:
            supplier = own.first()
            if supplier is None:
                raise Forbidden(_("Only users of a supplier organisation submit bids."))
        filename = request.headers.get("X-Filename", "")
        done = services.submission_seal_on_server(
            notice=notice, supplier=supplier, by=user, stream=request._request,
            filename=filename, length=int(length))
        return Response({"submission": _submission_json(done.submission),
                         **_signed(done.receipt)}, status=201)


def _signed(receipt: Receipt) -> dict[str, Any]:
    return {"receipt": receipt.receipt, "signature": receipt.signature}


def _receipt_of(submission: Submission) -> Receipt:
    try:
        return submission.receipt
    except Receipt.DoesNotExist:
        raise NotFound(_("This submission has no receipt: it was never finalised.")) from None


class SubmissionReceiptApi(APIView):
    @extend_schema(
        summary="The signed receipt of a submission",
        request=None,
        responses=SignedReceiptSerializer,
    )
    def get(self, request: Request, notice_id: int, submission_id: str) -> Response:
        receipt = _receipt_of(_own(request, notice_id, submission_id))
        return Response(_signed(receipt))


class SubmissionReceiptHtmlApi(APIView):
    """The receipt as a page a person reads: what was received and when."""

    @extend_schema(
        summary="The receipt as an HTML page",
        request=None,
        responses={(200, "text/html"): OpenApiTypes.STR},
    )
    def get(self, request: Request, notice_id: int, submission_id: str) -> HttpResponse:
        submission = _own(request, notice_id, submission_id)
        receipt = _receipt_of(submission)
        received = submission.received_at
        assert received is not None
        html = render_to_string("bids/receipt.html", {
            "submission": submission, "notice": submission.notice, "receipt": receipt.receipt,
            "signature": receipt.signature, "public_key": receipt.public_key,
            "received_oslo": to_oslo(received),
            "received_utc": receipt.receipt["received_at"],
            "signed_json": json.dumps(_signed(receipt), indent=2, sort_keys=True),
        }, request=request._request)
        return HttpResponse(html, content_type="text/html; charset=utf-8")


class SubmissionInclusionProofApi(APIView):
    @extend_schema(
        summary="The log inclusion proof of a submission",
        request=None,
        responses={200: InclusionProofSerializer, **errors(409)},
    )
    def get(self, request: Request, notice_id: int, submission_id: str) -> Response:
        submission = _own(request, notice_id, submission_id)
        if submission.log_index is None:
            raise NotFound(_("This submission is not in the log: it was never finalised."))
        return Response(tlog.inclusion_proof(index=submission.log_index))


# --- keys and the log (public) ------------------------------------------------------------------

class KeysApi(APIView):
    # Public: anyone verifies receipts and tree heads with these keys.
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="The platform's public keys",
        request=None,
        responses=KeysSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response({"keys": [{"use": "receipts and signed tree heads",
                                   "algorithm": "Ed25519",
                                   "public_key": platform_public_key_hex()}],
                         "public_key": platform_public_key_hex()})


class LogSthApi(APIView):
    # Public: the transparency log is there to be checked by anyone.
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="The latest signed tree head of the transparency log",
        description=(
            "A read: it never signs a new head. Heads are signed right after the entries that "
            "need one at once (a committee manifest, a bid's receipt, a tender closing) and by "
            "the periodic job, so the latest head may lag the log by up to the tree-head "
            "interval (an hour by default). 404 with code `no_tree_head` before the first "
            "head exists."),
        request=None,
        responses={200: LatestTreeHeadSerializer,
                   **described(404, "No signed tree head yet (code `no_tree_head`).")},
    )
    def get(self, request: Request) -> Response:
        sth = tlog.sth_latest()
        if sth is None:
            raise NotFound(_("No signed tree head has been issued yet: the log is empty or its "
                           "first head is due with the next periodic job."),
                           code="no_tree_head")
        return Response({**tlog.sth_as_json(sth), "public_key": sth.public_key})


class LogConsistencyApi(APIView):
    # Public: the transparency log is there to be checked by anyone.
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="A consistency proof between two tree sizes",
        request=None,
        responses=ConsistencyProofSerializer,
        parameters=[OpenApiParameter("first", int, required=True),
                    OpenApiParameter("second", int, required=True)],
    )
    def get(self, request: Request) -> Response:
        try:
            first = int(request.query_params.get("first", ""))
            second = int(request.query_params.get("second", ""))
        except ValueError:
            raise ApplicationError(_("Give ?first=&second= as tree sizes."),
                                   code="bad_size") from None
        return Response(tlog.consistency_proof(first=first, second=second))


class LogEntryApi(APIView):
    # Public: the transparency log is there to be checked by anyone.
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="The inclusion proof of a log entry",
        request=None,
        responses={200: InclusionProofSerializer, **errors(409)},
    )
    def get(self, request: Request, index: int) -> Response:
        return Response(tlog.inclusion_proof(index=index))


# --- bench only ------------------------------------------------------------------------------

class BenchPlainUploadApi(APIView):
    """Stores the raw body as a file, nothing else (bench/rush.py's baseline). Off by default."""

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        if not conf.get("BIDS_BENCH_PLAIN_UPLOAD"):
            raise NotFound(_("Not found."))
        request_user(request)
        from bids.storage import store_stream

        name, size, digest = store_stream(
            f"bench/{timezone.now():%Y%m%d}/{request.headers.get('X-Name', 'blob')}",
            request._request, limit=1 << 31, too_large="too large")
        return Response({"name": name, "size": size, "sha256": digest}, status=201)

"""The ESPD API (thin views): the request of a notice, a response built from answers or
checked when made elsewhere (nothing stored: the supplier seals it into the bid), and, after
opening, a bid's answers requirement by requirement for the committee."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization, User
from accounts.selectors import suppliers_of
from backend.auth import request_user
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.schema import described, errors
from bids.apis import RefuseFilesHandler
from bids.opening.models import OpenedBid, OpenedBidStatus
from bids.permissions import may_submit
from evaluation.espd import request as espd_request
from evaluation.espd import response as espd_response
from evaluation.espd.selectors import espd_answers_for, espd_document_for
from evaluation.espd.serializers import (
    EspdBuildSerializer,
    EspdCheckSerializer,
    EspdSubmissionAnswersSerializer,
    answer_json,
)
from evaluation.permissions import may_see_evaluation, may_work_on_evaluation
from notices.exports.apis import XMLRenderer
from notices.models import Notice, NoticeStatus
from notices.selectors import notice_get_visible


class _XmlApi(APIView):
    """Answers XML on success and the usual JSON error body otherwise."""

    renderer_classes = [XMLRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


def _xml_response(xml: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _answering_notice(request: Request, pk: int) -> tuple[User, Notice]:
    """A supplier user and a published notice it may answer; 403 before the body is read."""
    user = request_user(request)
    notice = notice_get_visible(pk=pk, user=user)
    if not may_submit(user):
        raise Forbidden(_("Only users of a supplier organisation answer an ESPD request."))
    if notice.status == NoticeStatus.DRAFT:
        raise Conflict(_("This notice is not published."))
    return user, notice


def _supplier(user: User, supplier_id: int | None) -> Organization:
    own = suppliers_of(user=user)
    if supplier_id is not None:
        found = own.filter(pk=supplier_id).first()
        if found is None:
            raise ApplicationError(_("You do not act for that supplier."),
                                   fields={"supplier": [_("Not one of your suppliers.")]})
        return found
    choices = list(own[:2])
    if len(choices) != 1:
        raise ApplicationError(_("Say which supplier you answer for (field 'supplier')."),
                               fields={"supplier": [_("Required.")]})
    return choices[0]


class EspdRequestApi(_XmlApi):
    # Public, like the notice: the request is published with it (drafts: 404 by the selector).
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The ESPD request of a notice (ESPD-EDM v4.1.0 XML)",
        description="QualificationApplicationRequest made from the notice's exclusion grounds "
                    "and selection criteria; valid against the UBL 2.3 schema. Public for "
                    "published notices.",
        responses={(200, "application/xml"): OpenApiResponse(
            response=OpenApiTypes.STR, description="The ESPD request (XML)."),
            **described(404, "No such notice (drafts are private to their buyer).")})
    def get(self, request: Request, pk: int) -> HttpResponse:
        notice = notice_get_visible(pk=pk, user=request.user)
        return _xml_response(espd_request.request_xml(notice),
                             f"espd-request-{notice.reference}.xml")


class EspdResponseBuildApi(_XmlApi):
    @extend_schema(
        summary="Build an ESPD response from answers (nothing is stored)",
        description="Returns the QualificationApplicationResponse XML for the answers given. "
                    "Nothing is stored or logged: put the file into your sealed bid as "
                    "espd-response.xml (the bid page does this for you).",
        request=EspdBuildSerializer,
        responses={(200, "application/xml"): OpenApiResponse(
            response=OpenApiTypes.STR, description="The ESPD response (XML)."),
            **errors(403, 409)})
    def post(self, request: Request, pk: int) -> HttpResponse:
        user, notice = _answering_notice(request, pk)
        body = EspdBuildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        supplier = _supplier(user, data.get("supplier"))
        operator = espd_response.EconomicOperator.of(supplier, **dict(
            data.get("economic_operator") or {}))
        xml = espd_response.response_xml(notice, operator=operator,
                                         answers=data.get("answers") or {},
                                         criteria=data.get("criteria") or {},
                                         lots=data.get("lots") or None)
        return _xml_response(xml, espd_response.RESPONSE_FILENAME)


class RawXmlParser(BaseParser):
    """The body as bytes, for an ESPD document sent as itself."""

    media_type = "application/xml"

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Any = None) -> Any:  # bytes, which DRF passes through as data
        return stream.read() if stream is not None else b""


class RawTextXmlParser(RawXmlParser):
    media_type = "text/xml"


class EspdResponseCheckApi(APIView):
    parser_classes = [RawXmlParser, RawTextXmlParser]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # The response is bid content: never spooled to a temporary file.
        request.upload_handlers = [RefuseFilesHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Check an ESPD response made elsewhere (nothing is stored)",
        description="Send the XML as the body (Content-Type application/xml). A response that "
                    "is not well-formed, is not a QualificationApplicationResponse, lacks a "
                    "mandatory element, breaks the schema or misses a criterion of the request "
                    "is refused with 400 naming the element and the line. Nothing is stored.",
        request={"application/xml": OpenApiTypes.BINARY},
        responses={200: EspdCheckSerializer, **errors(403, 409)})
    def post(self, request: Request, pk: int) -> Response:
        _user, notice = _answering_notice(request, pk)
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type not in (RawXmlParser.media_type, RawTextXmlParser.media_type):
            raise ApplicationError(_("Send the ESPD response itself as the request body "
                                     "(Content-Type: application/xml)."),
                                   fields={"file": [_("Required.")]})
        # An empty body reaches here as an empty dict: parse_response says it is empty.
        data = request.data if isinstance(request.data, bytes) else b""
        result = espd_response.check_response(notice, data)
        return Response({
            "valid": True, "schema_checked": result.parsed.schema_checked,
            "contract_folder_id": result.parsed.contract_folder_id,
            "economic_operator": result.parsed.economic_operator,
            "warnings": result.warnings,
            "answers": [answer_json(a) for a in result.answers]})


LOT_PARAMETER = OpenApiParameter("lot", int, required=False, description=(
    "Only the requirements of this lot (and those for every lot)."))


class EspdSubmissionAnswersApi(APIView):
    @extend_schema(
        summary="A bid's ESPD answers, requirement by requirement (after opening)",
        description="For evaluators who declared no conflict of interest for the procurement "
                    "(evaluation.permissions.may_work_on_evaluation). Every read is recorded.",
        parameters=[LOT_PARAMETER],
        responses={200: EspdSubmissionAnswersSerializer, **described(
            403, "You take part in the evaluation but have not declared that you have no "
                 "conflict of interest, or you declared one."),
            **described(404, "No such opened bid, or not visible to you.")})
    def get(self, request: Request, pk: int, submission_id: Any) -> Response:
        user = request_user(request)
        notice = notice_get_visible(pk=pk, user=user)
        if not may_work_on_evaluation(user, notice):
            if may_see_evaluation(user, notice):
                raise Forbidden(_("Declare for this procurement that you have no conflict of "
                                  "interest before you read bid content; a person with a "
                                  "conflict reads none of it."))
            raise NotFound(_("No such bid."))
        lot = request.query_params.get("lot")
        if lot is not None and not lot.isdigit():
            raise ApplicationError(_("The lot is a number."),
                                   fields={"lot": [_("Give the lot number.")]})
        opened = (OpenedBid.objects.select_related("session__notice", "submission__supplier")
                  .filter(session__notice=notice, submission_id=str(submission_id),
                          status=OpenedBidStatus.OPENED).first())
        if opened is None:
            raise NotFound(_("No such opened bid."))
        document = espd_document_for(opened, user=user)
        answers = espd_answers_for(opened, lot_number=int(lot) if lot is not None else None,
                                   user=user, document=document)
        return Response({
            "submission": str(opened.submission_id),
            "supplier": opened.submission.supplier.name,
            "file": document.filename, "found": document.found,
            "economic_operator": document.parsed.economic_operator if document.parsed else "",
            "problems": document.problems,
            "answers": [answer_json(a) for a in answers]})

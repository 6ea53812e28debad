"""Thin DRF views of the evaluation core, under /api/notices/{id}/evaluation/: the overview,
starting, declarations, external advisers, the qualification matrix and a bid's page,
verdicts, clarification requests (and the supplier's answers), rejection and its letter, the
abnormally-low flags, and completing a lot's qualification.

Who gets what: the evaluation exists only for its evaluators and the buyer's editors (404 for
everyone else); bid content and assessments only for evaluators who declared no conflict of
interest (403, and the refusal recorded); a supplier sees its own clarification requests and
rejection letter.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import is_supplier_user
from backend.auth import request_user
from backend.errors import Forbidden, NotFound
from backend.parsers import DepthLimitedJSONParser
from backend.schema import errors
from bids.models import Submission
from bids.opening.downloads import OCTET_STREAM, streaming_download
from bids.opening.services import opened_file_read, opening_get
from evaluation import permissions, selectors
from evaluation import services as evaluation_services
from evaluation.criteria.models import QualificationRequirement
from evaluation.impartiality import services as impartiality
from evaluation.impartiality.services import declaration_of
from evaluation.models import LotEvaluation
from evaluation.qualification import services as qualification
from evaluation.qualification.downloads import attachment_download
from evaluation.qualification.grounds import grounds_with_paragraphs
from evaluation.qualification.models import (
    ClarificationKind,
    ClarificationRequest,
    Rejection,
    RejectionGround,
    RequirementAssessment,
    Verdict,
)
from notices.models import Notice

MAX_ID = 2**63 - 1


# --- serializers (bodies and answers) --------------------------------------------------------


class EvaluationLotSerializer(serializers.Serializer):
    lot = serializers.IntegerField(help_text="Lot number; 0 for a notice without lots.")
    status = serializers.CharField(help_text="qualification, scoring, consensus or ranked.")
    status_label = serializers.CharField()
    started_at = serializers.DateTimeField()


class EvaluationPersonSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()


class EvaluationDeclarationSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    has_conflict = serializers.BooleanField()
    explanation = serializers.CharField(
        allow_blank=True, help_text="Shown to the person and to the buyer's editors only.")
    declared_at = serializers.DateTimeField()


class EvaluationAdviserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()
    added_at = serializers.DateTimeField()
    removed_at = serializers.DateTimeField(allow_null=True)


class EvaluationBidSummarySerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    received_at = serializers.DateTimeField()
    rejected = serializers.BooleanField()
    ground = serializers.CharField(allow_blank=True)


class EvaluationMeSerializer(serializers.Serializer):
    evaluator = serializers.BooleanField()
    declared = serializers.BooleanField(help_text="Declared no conflict of interest.")
    conflict = serializers.BooleanField(help_text="Declared a conflict of interest.")
    cleared = serializers.BooleanField(help_text="May see bid content and scores.")
    may_start = serializers.BooleanField()
    may_decide = serializers.BooleanField()
    may_name_advisers = serializers.BooleanField()


class EvaluationOverviewSerializer(serializers.Serializer):
    notice = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    opened = serializers.BooleanField(help_text="The opening has opened the bids.")
    started = serializers.BooleanField()
    lots = EvaluationLotSerializer(many=True)
    me = EvaluationMeSerializer()
    declarations = EvaluationDeclarationSerializer(many=True)
    undeclared = EvaluationPersonSerializer(many=True,
                                            help_text="Evaluators who have not declared.")
    advisers = EvaluationAdviserSerializer(many=True)
    bids = EvaluationBidSummarySerializer(many=True)


class EvaluationDeclareSerializer(serializers.Serializer):
    has_conflict = serializers.BooleanField()
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class EvaluationAdviserAddSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The adviser's account (registered first).")
    role = serializers.CharField(max_length=300, help_text="What the adviser does.")


class EvaluationAdviserRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EvaluationRequirementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(allow_null=True, help_text="Null: every lot.")
    position = serializers.IntegerField()
    category = serializers.CharField()
    title = serializers.CharField()


class EvaluationAssessmentSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reason = serializers.CharField()
    document = serializers.CharField(allow_blank=True)
    assessed_by = serializers.CharField()
    assessed_at = serializers.DateTimeField()


@extend_schema_field({"type": "array", "description": "One per requirement, in order; null: "
                                                       "no verdict.",
                      "items": {"allOf": [{"$ref": "#/components/schemas/EvaluationAssessment"}],
                                "nullable": True}})
class AssessmentCellsField(serializers.ListField):
    """The matrix row's cells: the items, not the list, may be null (no verdict yet)."""

    child = EvaluationAssessmentSerializer(allow_null=True)


class EvaluationMatrixRowSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    rejected = serializers.BooleanField()
    cells = AssessmentCellsField()


class EvaluationMatrixSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    status = serializers.CharField(help_text="qualification, scoring, consensus or ranked.")
    requirements = EvaluationRequirementSerializer(many=True)
    bids = EvaluationMatrixRowSerializer(many=True)
    missing = serializers.IntegerField(help_text="Verdicts still missing on bids not rejected.")


class EvaluationFileSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()


class EvaluationAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class EvaluationClarificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    notice = serializers.IntegerField()
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    kind = serializers.CharField(help_text="clarification, missing_document or "
                                           "abnormally_low.")
    kind_label = serializers.CharField()
    requirement = serializers.IntegerField(allow_null=True)
    question = serializers.CharField()
    deadline = serializers.DateTimeField()
    asked_at = serializers.DateTimeField()
    answer = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    attachment = EvaluationAttachmentSerializer(allow_null=True)


class EvaluationRejectionSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    ground = serializers.ChoiceField(choices=RejectionGround.choices)
    ground_label = serializers.CharField()
    paragraph = serializers.CharField(help_text="The legal basis cited in the letter.")
    reasons = serializers.CharField()
    rejected_at = serializers.DateTimeField()
    letter_subject = serializers.CharField()
    letter = serializers.CharField(help_text="The letter exactly as it was sent.")


class EvaluationBidRequirementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(allow_null=True)
    category = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    documentation = serializers.CharField(allow_blank=True)
    espd_code = serializers.CharField(allow_blank=True)
    assessment = EvaluationAssessmentSerializer(allow_null=True)
    espd = serializers.JSONField(allow_null=True, help_text=(
        "What the supplier's ESPD response says about the requirement (as GET "
        "/api/notices/{id}/espd/... answers); null when it cannot be read."))


class EvaluationBidDetailSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    files = EvaluationFileSerializer(many=True)
    requirements = EvaluationBidRequirementSerializer(many=True)
    clarifications = EvaluationClarificationSerializer(many=True)
    rejection = EvaluationRejectionSerializer(allow_null=True)


class EvaluationAssessInputSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reason = serializers.CharField(max_length=5000)
    document = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                     help_text="A file name of the opened bid (needed for "
                                               "a pass).")


class EvaluationClarifyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[
        (ClarificationKind.CLARIFICATION.value, ClarificationKind.CLARIFICATION.label),
        (ClarificationKind.MISSING_DOCUMENT.value, ClarificationKind.MISSING_DOCUMENT.label)])
    question = serializers.CharField(max_length=5000)
    deadline = serializers.DateTimeField(help_text="When the answer is due (with offset).")
    requirement = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                           max_value=MAX_ID)


class EvaluationAskInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000)
    deadline = serializers.DateTimeField()


class EvaluationRejectInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=RejectionGround.choices)
    reasons = serializers.CharField(max_length=10000)


class EvaluationAcceptInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class EvaluationAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    file = serializers.FileField(required=False, help_text="A document sent with the answer "
                                                           "(multipart/form-data).")


class EvaluationFlagSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    price = serializers.DecimalField(max_digits=16, decimal_places=2)
    codes = serializers.ListField(child=serializers.ChoiceField(
        choices=["below_average", "below_next"]), help_text="Why it is flagged.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="The same, in "
                                                                             "words.")
    detail = serializers.DictField(help_text="average_of_others, below_average_fraction, "
                                             "next_price, below_next_fraction.")
    explained = serializers.BooleanField(help_text="The supplier was asked, and answered or "
                                                   "let the deadline pass.")
    accepted = serializers.BooleanField()


class EvaluationAbnormallyLowSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    status = serializers.CharField(help_text="qualification, scoring, consensus or ranked.")
    prices_known = serializers.IntegerField(help_text="Offers with a recorded price.")
    below_average = serializers.FloatField()
    below_next = serializers.FloatField()
    flags = EvaluationFlagSerializer(many=True)


class EvaluationGroundSerializer(serializers.Serializer):
    value = serializers.CharField()
    # Named like a Field attribute (label); the stubs see a clash, DRF does not.
    label = serializers.CharField()  # type: ignore[assignment]
    paragraph = serializers.CharField()


# --- payloads --------------------------------------------------------------------------------


def _assessment(a: RequirementAssessment | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"requirement": a.requirement_id, "verdict": a.verdict, "reason": a.reason,
            "document": a.document, "assessed_by": str(a.assessed_by),
            "assessed_at": a.assessed_at}


def clarification_json(c: ClarificationRequest) -> dict[str, Any]:
    attachment = ({"name": c.attachment_name, "size": c.attachment_size or 0,
                   "sha256": c.attachment_sha256} if c.attachment_storage_name else None)
    return {"id": c.pk, "notice": c.notice_id, "submission": c.submission_id,
            "supplier": c.submission.supplier.name, "kind": c.kind,
            "kind_label": c.get_kind_display(), "requirement": c.requirement_id,
            "question": c.question, "deadline": c.deadline, "asked_at": c.asked_at,
            "answer": c.answer, "answered_at": c.answered_at, "attachment": attachment}


def rejection_json(r: Rejection) -> dict[str, Any]:
    return {"submission": r.submission_id, "supplier": r.submission.supplier.name,
            "ground": r.ground, "ground_label": r.get_ground_display(),
            "paragraph": r.paragraph, "reasons": r.reasons, "rejected_at": r.rejected_at,
            "letter_subject": r.letter_subject, "letter": r.letter}


def overview_json(notice: Notice, user: Any) -> dict[str, Any]:
    editor = permissions.may_name_advisers(user, notice)
    declarations = selectors.declarations_of(notice)
    declared = {d.user_id for d in declarations}
    rejections = {r.submission_id: r for r in Rejection.objects.filter(notice=notice)}
    return {
        "notice": notice.pk, "reference": notice.reference, "title": notice.title,
        "opened": selectors.opening_finished(notice),
        "started": LotEvaluation.objects.filter(notice=notice).exists(),
        "lots": [{"lot": e.lot_number, "status": e.status, "status_label": e.get_status_display(),
                  "started_at": e.started_at} for e in selectors.evaluation_list(notice)],
        "me": {"evaluator": permissions.is_evaluator(user, notice),
               "declared": permissions.has_declared_impartiality(user, notice),
               "conflict": permissions.has_conflict(user, notice),
               "cleared": permissions.may_work_on_evaluation(user, notice),
               "may_start": permissions.may_start_evaluation(user, notice),
               "may_decide": permissions.may_decide(user, notice),
               "may_name_advisers": editor},
        "declarations": [{"user": d.user_id, "name": str(d.user), "has_conflict": d.has_conflict,
                          "explanation": d.explanation if (editor or d.user_id == user.pk)
                          else "", "declared_at": d.declared_at} for d in declarations],
        "undeclared": [{"user": u.pk, "name": str(u)} for u in selectors.evaluators_of(notice)
                       if u.pk not in declared],
        "advisers": [{"id": a.pk, "user": a.user_id, "name": str(a.user), "email": a.user.email,
                      "role": a.role, "added_at": a.added_at, "removed_at": a.removed_at}
                     for a in selectors.advisers_of(notice)],
        "bids": [{"submission": s.pk, "supplier": s.supplier.name, "received_at": s.received_at,
                  "rejected": s.pk in rejections,
                  "ground": rejections[s.pk].ground if s.pk in rejections else ""}
                 for s in selectors.opened_bids(notice)],
    }


def matrix_json(evaluation: LotEvaluation) -> dict[str, Any]:
    matrix = selectors.qualification_matrix(evaluation)
    return {
        "lot": evaluation.lot_number, "status": evaluation.status,
        "requirements": [{"id": r.pk, "lot": r.lot_number, "position": r.position,
                          "category": r.category, "title": r.title}
                         for r in matrix.requirements],
        "bids": [{"submission": row.submission.pk, "supplier": row.submission.supplier.name,
                  "rejected": row.rejection is not None,
                  "cells": [_assessment(a) for _r, a in row.cells]} for row in matrix.rows],
        "missing": matrix.missing,
    }


def bid_json(notice: Notice, bid: Submission, user: Any) -> dict[str, Any]:
    assessments = selectors.assessments_of(bid)
    rejection = Rejection.objects.filter(submission=bid).first()
    espd = selectors.espd_answers(bid, user=user)
    return {
        "submission": bid.pk, "supplier": bid.supplier.name, "received_at": bid.received_at,
        "status": bid.status,
        "files": [{"index": i, "name": f.get("name", ""), "size": int(f.get("size", 0))}
                  for i, f in enumerate(bid.opened.files or [])],
        "requirements": [{"id": r.pk, "lot": r.lot_number, "category": r.category,
                          "title": r.title, "description": r.description,
                          "documentation": r.documentation, "espd_code": r.espd_code,
                          "assessment": _assessment(assessments.get(r.pk)),
                          "espd": selectors.espd_answer_json(espd.get(r.pk))}
                         for r in selectors.requirements_for_bid(notice)],
        "clarifications": [clarification_json(c) for c in selectors.clarifications_of(bid)],
        "rejection": rejection_json(rejection) if rejection is not None else None,
    }


def flags_json(evaluation: LotEvaluation) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    prices = selectors.offer_prices(evaluation)
    flags = qualification.abnormally_low_flags(evaluation=evaluation, prices=prices)
    bids = {str(s.pk): s for s in selectors.opened_bids(evaluation.notice)}
    now = timezone.now()
    rows = []
    for flag in flags:
        bid = bids[flag.submission_id]
        rows.append({
            "submission": bid.pk, "supplier": bid.supplier.name, "price": flag.price,
            "codes": list(flag.codes), "reasons": list(flag.reasons),
            "detail": dict(flag.detail),
            "explained": selectors.abnormally_low_explained(bid, clock=now),
            "accepted": selectors.abnormally_low_acceptance(evaluation, bid) is not None})
    return {"lot": evaluation.lot_number, "status": evaluation.status,
            "prices_known": len(prices),
            "below_average": float(settings.EVALUATION_ABNORMALLY_LOW_BELOW_AVERAGE),
            "below_next": float(settings.EVALUATION_ABNORMALLY_LOW_BELOW_NEXT),
            "flags": rows}


# --- helpers ---------------------------------------------------------------------------------


def _notice(request: Request, notice_id: int) -> Notice:
    return selectors.notice_for_evaluation(user=request.user, notice_id=notice_id)


def _content(request: Request, notice_id: int, what: str) -> Notice:
    notice = _notice(request, notice_id)
    selectors.require_bid_content(user=request.user, notice=notice, what=what)
    return notice


def _bid(request: Request, notice_id: int, submission_id: Any) -> tuple[Notice, Submission]:
    notice = _content(request, notice_id, f"bid {submission_id}")
    return notice, selectors.opened_bid_of(notice=notice, submission_id=submission_id)


def _deciding(request: Request, notice: Notice) -> None:
    """Checked before the body is read: decisions are the buyer's (a cleared officer)."""
    if not permissions.may_decide(request.user, notice):
        raise Forbidden(_("Only a procurement officer of %(buyer)s who has declared no "
                          "conflict of interest decides this.") % {"buyer": notice.buyer.name})


def _lot(notice: Notice, lot: int) -> LotEvaluation:
    return selectors.evaluation_get(notice=notice, lot_number=lot)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _requirement(notice: Notice, pk: int | None) -> QualificationRequirement | None:
    if pk is None:
        return None
    found = QualificationRequirement.objects.filter(notice=notice, pk=pk).first()
    if found is None:
        raise NotFound(_("No such requirement."))
    return found


def _clarification(request: Request, notice_id: int, clarification_id: int
                   ) -> ClarificationRequest:
    """A request seen by its supplier, or (as bid content) by a cleared evaluator."""
    from notices.selectors import notice_get_visible

    notice = notice_get_visible(pk=notice_id, user=request.user)
    found = selectors.clarification_get(user=request.user, clarification_id=clarification_id,
                                        notice=notice)
    if not permissions.is_bid_supplier(request.user, found.submission.supplier_id):
        selectors.require_bid_content(user=request.user, notice=notice,
                                      what=f"clarification {found.pk}")
    return found


# --- the evaluation --------------------------------------------------------------------------


class EvaluationApi(APIView):
    @extend_schema(responses={200: EvaluationOverviewSerializer, **errors(404)},
                   summary="The evaluation of a notice: lots, status, declarations, advisers "
                           "and bids (evaluators and the buyer's editors)")
    def get(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        return Response(overview_json(notice, request.user))


class EvaluationStartApi(APIView):
    @extend_schema(request=None, responses={201: EvaluationOverviewSerializer, **errors(403, 409)},
                   summary="Start the evaluation of every lot (after the opening)")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        if not permissions.may_start_evaluation(request.user, notice):
            raise Forbidden(_("Only procurement officers of %(buyer)s start the evaluation.")
                            % {"buyer": notice.buyer.name})
        evaluation_services.evaluation_start(notice=notice, by=request_user(request))
        return Response(overview_json(notice, request.user), status=status.HTTP_201_CREATED)


class DeclarationApi(APIView):
    @extend_schema(request=EvaluationDeclareSerializer,
                   responses={201: EvaluationDeclarationSerializer, **errors(403, 409)},
                   summary="Declare no conflict of interest, or a conflict with an explanation "
                           "(FOA § 7-5)")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        user = request_user(request)
        if not permissions.may_declare(user, notice):
            raise Forbidden(_("Only the evaluators of this procurement declare impartiality."))
        body = _valid(EvaluationDeclareSerializer, request)
        impartiality.impartiality_declare(notice=notice, by=user,
                                          has_conflict=body["has_conflict"],
                                          explanation=body.get("explanation", ""))
        declaration = declaration_of(notice=notice, user=user)
        assert declaration is not None
        return Response({"user": user.pk, "name": str(user),
                         "has_conflict": declaration.has_conflict,
                         "explanation": declaration.explanation,
                         "declared_at": declaration.declared_at},
                        status=status.HTTP_201_CREATED)


class AdvisersApi(APIView):
    @extend_schema(responses={200: EvaluationAdviserSerializer(many=True), **errors(404)},
                   summary="External advisers named for the procurement")
    def get(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        return Response(overview_json(notice, request.user)["advisers"])

    @extend_schema(request=EvaluationAdviserAddSerializer,
                   responses={201: EvaluationAdviserSerializer, **errors(403, 409)},
                   summary="Name an external adviser (who then declares impartiality)")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        user = request_user(request)
        if not permissions.may_name_advisers(user, notice):
            raise Forbidden(_("Only procurement officers of %(buyer)s name external advisers.")
                            % {"buyer": notice.buyer.name})
        body = _valid(EvaluationAdviserAddSerializer, request)
        adviser = impartiality.adviser_add(notice=notice, by=user, email=body["email"],
                                           role=body["role"])
        return Response({"id": adviser.pk, "user": adviser.user_id, "name": str(adviser.user),
                         "email": adviser.user.email, "role": adviser.role,
                         "added_at": adviser.added_at, "removed_at": None},
                        status=status.HTTP_201_CREATED)


class AdviserRemoveApi(APIView):
    @extend_schema(request=EvaluationAdviserRemoveSerializer,
                   responses={200: EvaluationAdviserSerializer, **errors(403, 409)},
                   summary="Remove an external adviser")
    def post(self, request: Request, notice_id: int, adviser_id: int) -> Response:
        notice = _notice(request, notice_id)
        user = request_user(request)
        if not permissions.may_name_advisers(user, notice):
            raise Forbidden(_("Only procurement officers of %(buyer)s remove external "
                              "advisers.") % {"buyer": notice.buyer.name})
        adviser = impartiality.adviser_get(notice=notice, adviser_id=adviser_id)
        body = _valid(EvaluationAdviserRemoveSerializer, request)
        adviser = impartiality.adviser_remove(adviser=adviser, by=user,
                                              reason=body.get("reason", ""))
        return Response({"id": adviser.pk, "user": adviser.user_id, "name": str(adviser.user),
                         "email": adviser.user.email, "role": adviser.role,
                         "added_at": adviser.added_at, "removed_at": adviser.removed_at})


# --- qualification ---------------------------------------------------------------------------


class QualificationApi(APIView):
    @extend_schema(responses={200: EvaluationMatrixSerializer, **errors(403)},
                   summary="The qualification matrix of a lot: bids by requirements")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        notice = _content(request, notice_id, f"qualification of lot {lot}")
        return Response(matrix_json(_lot(notice, lot)))


class QualificationCompleteApi(APIView):
    @extend_schema(request=None, responses={200: EvaluationMatrixSerializer, **errors(403, 409)},
                   summary="Complete the qualification of a lot: scoring begins")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        notice = _content(request, notice_id, f"qualification of lot {lot}")
        _deciding(request, notice)
        evaluation = evaluation_services.evaluation_qualification_complete(
            evaluation=_lot(notice, lot), by=request_user(request))
        return Response(matrix_json(evaluation))


class BidApi(APIView):
    @extend_schema(responses={200: EvaluationBidDetailSerializer, **errors(403)},
                   summary="One opened bid: files, requirements with verdicts, ESPD answers, "
                           "clarifications and rejection")
    def get(self, request: Request, notice_id: int, submission_id: str) -> Response:
        notice, bid = _bid(request, notice_id, submission_id)
        return Response(bid_json(notice, bid, request.user))


class AssessApi(APIView):
    @extend_schema(request=EvaluationAssessInputSerializer,
                   responses={201: EvaluationAssessmentSerializer, **errors(403, 409)},
                   summary="Mark a bid pass or fail on a requirement, with reason and document")
    def post(self, request: Request, notice_id: int, submission_id: str) -> Response:
        notice, bid = _bid(request, notice_id, submission_id)
        body = _valid(EvaluationAssessInputSerializer, request)
        requirement = _requirement(notice, body["requirement"])
        assert requirement is not None
        assessment = qualification.requirement_assess(
            submission=bid, requirement=requirement, verdict=body["verdict"],
            reason=body["reason"], document=body.get("document", ""), by=request_user(request))
        return Response(_assessment(assessment), status=status.HTTP_201_CREATED)


class ClarifyApi(APIView):
    @extend_schema(request=EvaluationClarifyInputSerializer,
                   responses={201: EvaluationClarificationSerializer, **errors(403, 409)},
                   summary="Ask the supplier to clarify the bid or send a missing document, "
                           "by a deadline (inbox and e-mail)")
    def post(self, request: Request, notice_id: int, submission_id: str) -> Response:
        notice, bid = _bid(request, notice_id, submission_id)
        body = _valid(EvaluationClarifyInputSerializer, request)
        made = qualification.clarification_request(
            submission=bid, kind=body["kind"], question=body["question"],
            deadline=body["deadline"], requirement=_requirement(notice, body.get("requirement")),
            by=request_user(request))
        return Response(clarification_json(made), status=status.HTTP_201_CREATED)


class RejectApi(APIView):
    @extend_schema(request=EvaluationRejectInputSerializer,
                   responses={201: EvaluationRejectionSerializer, **errors(403, 409)},
                   summary="Reject a bid with a legal ground; the letter goes to the supplier")
    def post(self, request: Request, notice_id: int, submission_id: str) -> Response:
        notice, bid = _bid(request, notice_id, submission_id)
        _deciding(request, notice)
        body = _valid(EvaluationRejectInputSerializer, request)
        rejection = qualification.bid_reject(submission=bid, ground=body["ground"],
                                             reasons=body["reasons"], by=request_user(request))
        return Response(rejection_json(rejection), status=status.HTTP_201_CREATED)


class GroundsApi(APIView):
    @extend_schema(responses={200: EvaluationGroundSerializer(many=True), **errors(404)},
                   summary="The rejection grounds and the paragraph each is cited under for "
                           "this notice")
    def get(self, request: Request, notice_id: int) -> Response:
        notice = _notice(request, notice_id)
        return Response([{"value": v, "label": label, "paragraph": p}
                         for v, label, p in grounds_with_paragraphs(notice.regime)])


class RejectionApi(APIView):
    @extend_schema(responses={200: EvaluationRejectionSerializer, **errors(404)},
                   summary="A rejection and its letter (the supplier, and the evaluation)")
    def get(self, request: Request, notice_id: int, submission_id: str) -> Response:
        from notices.selectors import notice_get_visible

        notice = notice_get_visible(pk=notice_id, user=request.user)
        rejection = selectors.rejection_get(user=request.user, notice=notice,
                                            submission_id=submission_id)
        if not permissions.is_bid_supplier(request.user, rejection.submission.supplier_id):
            selectors.require_bid_content(user=request.user, notice=notice,
                                          what=f"rejection of {submission_id}")
        return Response(rejection_json(rejection))


class BidFileApi(APIView):
    @extend_schema(responses={(200, OCTET_STREAM): OpenApiTypes.BINARY, **errors(403)},
                   summary="One file of an opened bid, as opaque bytes (every read is logged)")
    def get(self, request: Request, notice_id: int, submission_id: str,
            index: int) -> StreamingHttpResponse:
        notice, bid = _bid(request, notice_id, submission_id)
        session = opening_get(notice=notice)
        assert session is not None
        return streaming_download(opened_file_read(session=session, submission_id=bid.pk,
                                                   user=request_user(request),
                                                   file_index=index))


# --- abnormally low --------------------------------------------------------------------------


class AbnormallyLowApi(APIView):
    @extend_schema(responses={200: EvaluationAbnormallyLowSerializer, **errors(403)},
                   summary="Offers of a lot flagged as abnormally low (once prices are known)")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        notice = _content(request, notice_id, f"abnormally low offers of lot {lot}")
        return Response(flags_json(_lot(notice, lot)))


class AbnormallyLowAskApi(APIView):
    @extend_schema(request=EvaluationAskInputSerializer,
                   responses={201: EvaluationClarificationSerializer, **errors(403, 409)},
                   summary="Ask the supplier to explain an abnormally low price")
    def post(self, request: Request, notice_id: int, lot: int, submission_id: str) -> Response:
        notice, bid = _bid(request, notice_id, submission_id)
        body = _valid(EvaluationAskInputSerializer, request)
        made = qualification.abnormally_low_ask(
            evaluation=_lot(notice, lot), submission=bid, question=body["question"],
            deadline=body["deadline"], by=request_user(request))
        return Response(clarification_json(made), status=status.HTTP_201_CREATED)


class AbnormallyLowAcceptApi(APIView):
    @extend_schema(request=EvaluationAcceptInputSerializer,
                   responses={201: EvaluationAbnormallyLowSerializer, **errors(403, 409)},
                   summary="Accept an abnormally low offer after its explanation, with reason")
    def post(self, request: Request, notice_id: int, lot: int, submission_id: str) -> Response:
        notice, bid = _bid(request, notice_id, submission_id)
        _deciding(request, notice)
        body = _valid(EvaluationAcceptInputSerializer, request)
        evaluation = _lot(notice, lot)
        qualification.abnormally_low_accept(evaluation=evaluation, submission=bid,
                                            reason=body["reason"], by=request_user(request))
        return Response(flags_json(evaluation), status=status.HTTP_201_CREATED)


# --- the supplier's side ---------------------------------------------------------------------


class ClarificationListApi(APIView):
    @extend_schema(operation_id="notices_evaluation_clarifications_list",
                   responses={200: EvaluationClarificationSerializer(many=True), **errors(403)},
                   summary="The clarification requests to your own bids on a notice "
                           "(suppliers)")
    def get(self, request: Request, notice_id: int) -> Response:
        from notices.selectors import notice_get_visible

        notice = notice_get_visible(pk=notice_id, user=request.user)
        if not is_supplier_user(request.user):
            raise Forbidden(_("This list is for suppliers; the committee sees the requests "
                              "on each bid."))
        return Response([clarification_json(c) for c in selectors.clarification_list_own(
            user=request.user, notice=notice)])


class ClarificationApi(APIView):
    @extend_schema(responses={200: EvaluationClarificationSerializer, **errors(403)},
                   summary="A clarification request (its supplier; cleared evaluators)")
    def get(self, request: Request, notice_id: int, clarification_id: int) -> Response:
        return Response(clarification_json(_clarification(request, notice_id,
                                                          clarification_id)))


class ClarificationAnswerApi(APIView):
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]

    @extend_schema(request={"application/json": EvaluationAnswerInputSerializer,
                            "multipart/form-data": EvaluationAnswerInputSerializer},
                   responses={201: EvaluationClarificationSerializer, **errors(403, 409)},
                   summary="Answer a clarification request before its deadline (the "
                           "supplier), with an optional document")
    def post(self, request: Request, notice_id: int, clarification_id: int) -> Response:
        found = _clarification(request, notice_id, clarification_id)
        user: User = request_user(request)
        if not permissions.is_bid_supplier(user, found.submission.supplier_id):
            raise Forbidden(_("Only the supplier answers its clarification requests."))
        body = _valid(EvaluationAnswerInputSerializer, request)
        upload = body.get("file")
        answered = qualification.clarification_answer(
            request=found, by=user, answer=body.get("answer", ""),
            attachment=qualification.Attachment(upload.name, upload) if upload else None)
        return Response(clarification_json(answered), status=status.HTTP_201_CREATED)


class ClarificationAttachmentApi(APIView):
    @extend_schema(responses={(200, OCTET_STREAM): OpenApiTypes.BINARY, **errors(403)},
                   summary="The document sent with an answer, as opaque bytes")
    def get(self, request: Request, notice_id: int,
            clarification_id: int) -> FileResponse | HttpResponse:
        return attachment_download(_clarification(request, notice_id, clarification_id))

"""Thin DRF views: clarification questions, answers, merging and extending the deadline.

The published answers carry only the question as the buyer worded it, the answer and the
time: never who asked. The buyer's queue shows the asking supplier; nothing else does.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from backend.auth import ReadPublicWriteAuthenticated, request_user
from backend.errors import Forbidden, NotFound
from backend.schema import errors
from notices import services as notice_services
from notices.permissions import is_buyer_editor, is_buyer_member, may_ask_questions
from notices.questions import services as questions
from notices.questions.models import Answer, Question
from notices.selectors import notice_get_editable, notice_get_visible
from notices.serializers import NoticeVersionSerializer

MAX_ID = 2**63 - 1


def _handled_question(request: Request, pk: int) -> Question:
    """A question the buyer handles: 404 to all but the buyer's members (questions are
    private), 403 to a member who is not an editor; checked before the body is read."""
    question = questions.question_get_for_buyer(pk=pk, user=request.user)
    if not is_buyer_editor(request.user, question.notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can answer questions.")
                        % {"buyer": question.notice.buyer.name})
    return question


class PublishedAnswerSerializer(serializers.ModelSerializer):
    """An answer as everyone sees it: anonymised."""

    question = serializers.CharField(source="published_question_text")
    answer = serializers.CharField(source="text")

    class Meta:
        model = Answer
        fields = ["id", "question", "answer", "published_at"]


class QuestionAnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    public = serializers.BooleanField()
    published_question_text = serializers.CharField()
    published_at = serializers.DateTimeField()


class QuestionSerializer(serializers.ModelSerializer):
    """A question as its asker's organisation (and the buyer) sees it."""

    answer = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "text", "status", "created_at", "merged_into", "answer"]

    @extend_schema_field(QuestionAnswerSerializer(allow_null=True))
    def get_answer(self, obj: Question) -> dict[str, Any] | None:
        answer = questions.question_answer_for(obj)
        return None if answer is None else QuestionAnswerSerializer(answer).data


class BuyerQuestionSerializer(QuestionSerializer):
    """The buyer's view adds who asked."""

    supplier = serializers.SerializerMethodField()

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "supplier"]

    @extend_schema_field({"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_supplier(self, obj: Question) -> dict[str, Any]:
        return {"id": obj.supplier_id, "name": obj.supplier.name}


class QuestionsPageSerializer(serializers.Serializer):
    answers = PublishedAnswerSerializer(many=True, help_text="Published answers (public).")
    questions = QuestionSerializer(many=True, help_text=(
        "Questions you may see: your organisation's, or all of them for the buyer."))
    questions_open = serializers.BooleanField()
    question_deadline = serializers.DateTimeField(allow_null=True)


class AskSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=questions.MAX_TEXT)
    supplier = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=(
        "Organisation id of the supplier asking; needed only if you act for several."))


class AnswerWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=questions.MAX_TEXT)
    public = serializers.BooleanField(default=True, help_text=(
        "True: publish to everyone, anonymised. False: only the askers see it."))
    question_text = serializers.CharField(max_length=questions.MAX_TEXT, required=False,
                                          help_text="The question as it is published "
                                                    "(defaults to the text as asked).")


class AnswerResultSerializer(PublishedAnswerSerializer):
    public = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())

    class Meta(PublishedAnswerSerializer.Meta):
        fields = [*PublishedAnswerSerializer.Meta.fields, "public", "warnings"]


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                    help_text="Id of the question this one duplicates.")


class ExtendDeadlineSerializer(serializers.Serializer):
    submission_deadline = serializers.DateTimeField()
    question_deadline = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class NoticeQuestionsApi(APIView):
    # The published answers are public; asking needs an account of a supplier.
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(responses=QuestionsPageSerializer,
                   summary="Published answers, and the questions you may see")
    def get(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        visible = questions.question_list_visible(notice=notice, user=request.user)
        buyer = is_buyer_member(request.user, notice)
        serializer = BuyerQuestionSerializer if buyer else QuestionSerializer
        return Response({
            "answers": PublishedAnswerSerializer(
                questions.answer_list_public(notice=notice), many=True).data,
            "questions": serializer(visible, many=True).data,
            "questions_open": questions.questions_open(notice=notice),
            "question_deadline": questions.question_deadline_of(notice),
        })

    @extend_schema(request=AskSerializer, responses={201: QuestionSerializer, **errors(403, 409)},
                   summary="Ask a question (private to your organisation and the buyer)")
    def post(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        if not may_ask_questions(request.user):
            raise Forbidden(_("Only suppliers can ask questions. Register your company first."))
        body = AskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        supplier = None
        if body.validated_data.get("supplier") is not None:
            supplier = Organization.objects.filter(pk=body.validated_data["supplier"]).first()
            if supplier is None:
                raise Forbidden(_("You cannot ask on behalf of that organisation."))
        question = questions.question_ask(notice=notice, by=request_user(request),
                                          text=body.validated_data["text"], supplier=supplier)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionAnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerWriteSerializer,
                   responses={201: AnswerResultSerializer, **errors(403, 409)},
                   summary="Answer a question, publicly (anonymised) or privately")
    def post(self, request: Request, pk: int) -> Response:
        question = _handled_question(request, pk)
        body = AnswerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        answer, warnings = questions.question_answer(
            question=question, by=request_user(request), text=data["text"], public=data["public"],
            question_text=data.get("question_text"))
        result = dict(PublishedAnswerSerializer(answer).data)
        result.update(public=answer.public, warnings=warnings)
        return Response(result, status=status.HTTP_201_CREATED)


class QuestionMergeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MergeSerializer,
                   responses={200: BuyerQuestionSerializer, **errors(403)},
                   summary="Merge a duplicate question into another")
    def post(self, request: Request, pk: int) -> Response:
        question = _handled_question(request, pk)
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        into = Question.objects.filter(pk=body.validated_data["into"],
                                       notice_id=question.notice_id).first()
        if into is None:
            raise NotFound(_("This notice has no such question to merge into."))
        merged = questions.question_merge(question=question, into=into, by=request_user(request))
        return Response(BuyerQuestionSerializer(merged).data)


class NoticeExtendDeadlineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ExtendDeadlineSerializer,
                   responses={201: NoticeVersionSerializer, **errors(403, 409)},
                   summary="Extend the deadline: publishes a change notice in one step")
    def post(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        body = ExtendDeadlineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        version = notice_services.notice_deadline_extend(
            notice=notice, by=request_user(request),
            submission_deadline=data["submission_deadline"],
            question_deadline=data.get("question_deadline"), reason=data.get("reason", ""))
        return Response(NoticeVersionSerializer(version).data, status=status.HTTP_201_CREATED)


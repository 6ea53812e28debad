"""Thin DRF views: follow a notice, the inbox, saved searches."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.errors import NotFound
from backend.pagination import Pagination, paginate
from backend.schema import errors
from notices.following import saved_searches
from notices.following import services as following
from notices.following.models import Frequency, InboxKind, InboxMessage, SavedSearch
from notices.selectors import notice_get_visible

MAX_ID = 2**63 - 1


class FollowStateSerializer(serializers.Serializer):
    following = serializers.BooleanField()
    followers = serializers.IntegerField(help_text="How many people follow the notice.")


class FollowApi(APIView):
    permission_classes = [IsAuthenticated]

    def _state(self, request: Request, notice: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response({"following": following.follow_exists(user=request.user, notice=notice),
                         "followers": notice.follows.count()}, status=code)

    @extend_schema(responses=FollowStateSerializer, summary="Do I follow this notice?")
    def get(self, request: Request, pk: int) -> Response:
        return self._state(request, notice_get_visible(pk=pk, user=request.user))

    @extend_schema(request=None, responses={200: FollowStateSerializer,
                                            201: FollowStateSerializer, **errors(409)},
                   summary="Follow a notice: hear about every change, document and answer")
    def post(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        _follow, created = following.follow_create(user=request_user(request), notice=notice)
        return self._state(request, notice,
                           status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None}, summary="Stop following a notice")
    def delete(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        following.follow_delete(user=request_user(request), notice=notice)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InboxMessageSerializer(serializers.ModelSerializer):
    notice = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=InboxKind.choices)
    url = serializers.CharField(read_only=True,
                                help_text="The absolute link to the page the message is about.")
    has_attachment = serializers.SerializerMethodField(
        help_text="The e-mail carried a file (a bid's receipt); it is also on the linked page.")

    class Meta:
        model = InboxMessage
        fields = ["id", "kind", "subject", "body", "url", "has_attachment", "created_at",
                  "read_at", "notice"]

    def get_has_attachment(self, obj: InboxMessage) -> bool:
        return bool((obj.attachment or {}).get("name"))

    @extend_schema_field({"type": "object", "properties": {
        "id": {"type": "integer"}, "reference": {"type": "string"},
        "title": {"type": "string"}, "url": {"type": "string"}}})
    def get_notice(self, obj: InboxMessage) -> dict[str, Any]:
        return {"id": obj.notice_id, "reference": obj.notice.reference,
                "title": obj.notice.title, "url": following.notice_path(obj.notice_id)}


class InboxReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                required=False,
                                max_length=1000,
                                help_text="Messages to mark read; leave out to mark all read.")


class InboxReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class InboxListApi(APIView):
    permission_classes = [IsAuthenticated]
    # Read by paginate() below and by the schema, which then describes the page.
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only unread.")],
                   responses=InboxMessageSerializer(many=True), summary="My inbox")
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return paginate(request, following.inbox_list(user=request.user, unread_only=unread),
                        InboxMessageSerializer, view=self)


class InboxReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=InboxReadSerializer, responses=InboxReadResultSerializer,
                   summary="Mark inbox messages read", operation_id="inbox_mark_read")
    def post(self, request: Request) -> Response:
        body = InboxReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = following.inbox_mark_read(user=request_user(request),
                                           ids=body.validated_data.get("ids"))
        return Response({"marked": marked,
                         "unread": following.inbox_unread_count(user=request.user)})


class InboxMessageReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=InboxReadResultSerializer,
                   summary="Mark one inbox message read", operation_id="inbox_message_mark_read")
    def post(self, request: Request, pk: int) -> Response:
        if not following.inbox_list(user=request.user).filter(pk=pk).exists():
            raise NotFound(_("No such message."))
        marked = following.inbox_mark_read(user=request_user(request), ids=[pk])
        return Response({"marked": marked,
                         "unread": following.inbox_unread_count(user=request.user)})


class SavedSearchSerializer(serializers.ModelSerializer):
    query = serializers.DictField(source="params", help_text=(
        "The search parameters, as for GET /api/notices/ (q, cpv, nuts, kind, ...)."))
    feed_url = serializers.SerializerMethodField()
    search_url = serializers.SerializerMethodField()

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "frequency", "created_at", "last_sent_at", "feed_url",
                  "search_url"]

    def get_feed_url(self, obj: SavedSearch) -> str:
        request = self.context.get("request")
        path = reverse("feeds:saved", kwargs={"token": obj.feed_token})
        return request.build_absolute_uri(path) if request else path

    def get_search_url(self, obj: SavedSearch) -> str:
        return saved_searches.search_page_path(obj.params)


class SavedSearchWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    query = serializers.DictField(required=False, default=dict, help_text=(
        "The search parameters, as for GET /api/notices/ (q, cpv, nuts, kind, ...)."))
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.DAILY)


class SavedSearchUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    query = serializers.DictField(required=False)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)


def _saved(request: Request, obj: SavedSearch, code: int = status.HTTP_200_OK) -> Response:
    return Response(SavedSearchSerializer(obj, context={"request": request}).data, status=code)


class SavedSearchListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SavedSearchSerializer(many=True), summary="My saved searches")
    def get(self, request: Request) -> Response:
        items = saved_searches.saved_search_list(user=request.user)
        return Response(SavedSearchSerializer(items, many=True,
                                              context={"request": request}).data)

    @extend_schema(request=SavedSearchWriteSerializer, responses={201: SavedSearchSerializer},
                   summary="Save a search and get digests of new matching notices")
    def post(self, request: Request) -> Response:
        body = SavedSearchWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        created = saved_searches.saved_search_create(
            user=request_user(request), name=data["name"], params=data["query"],
            frequency=data["frequency"])
        return _saved(request, created, status.HTTP_201_CREATED)


class SavedSearchDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SavedSearchSerializer, summary="A saved search")
    def get(self, request: Request, pk: int) -> Response:
        return _saved(request, saved_searches.saved_search_get(pk=pk, user=request.user))

    @extend_schema(request=SavedSearchUpdateSerializer, responses=SavedSearchSerializer,
                   summary="Rename a saved search or change its filters or frequency")
    def patch(self, request: Request, pk: int) -> Response:
        found = saved_searches.saved_search_get(pk=pk, user=request.user)
        body = SavedSearchUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        updated = saved_searches.saved_search_update(
            saved_search=found, user=request_user(request), name=data.get("name"),
            params=data.get("query"), frequency=data.get("frequency"))
        return _saved(request, updated)

    @extend_schema(responses={204: None}, summary="Delete a saved search")
    def delete(self, request: Request, pk: int) -> Response:
        found = saved_searches.saved_search_get(pk=pk, user=request.user)
        saved_searches.saved_search_delete(saved_search=found, user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

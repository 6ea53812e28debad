"""Account endpoints: tokens, the current user, supplier sign-up, invitations."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import User
from accounts.selectors import membership_list, organization_get_for_member
from accounts.serializers import (
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    MeSerializer,
    SupplierSignupSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from backend.errors import ApplicationError, NotFound


class TokenApi(APIView):
    authentication_classes: list[type] = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer,
                   summary="Exchange e-mail and password for an API token")
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(request._request, email=body.validated_data["email"].lower(),
                            password=body.validated_data["password"])
        if user is None:
            raise ApplicationError(_("The e-mail address or password is wrong."),
                                   code="bad_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class TokenRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def post(self, request: Request) -> Response:
        # IsAuthenticated: request.user is a signed-in User, never AnonymousUser.
        Token.objects.filter(user_id=cast(User, request.user).pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The signed-in user and their memberships")
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        return Response({
            "id": user.pk, "email": user.email, "full_name": user.full_name,
            "is_staff": user.is_staff,
            "memberships": MembershipSerializer(membership_list(user=user), many=True).data,
        })


class SupplierSignupApi(APIView):
    authentication_classes: list[type] = []

    @extend_schema(request=SupplierSignupSerializer, responses={201: MembershipSerializer},
                   summary="Register a supplier and its first administrator")
    def post(self, request: Request) -> Response:
        body = SupplierSignupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.supplier_signup(**body.validated_data)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class InvitationCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer},
                   summary="Invite a person to an organisation (administrators)")
    def post(self, request: Request, org_id: int) -> Response:
        # A stranger gets the same 404 for a known and an unknown organisation, so the
        # endpoint reveals neither which ids exist nor their names.
        organization = organization_get_for_member(user=request.user, org_id=org_id)
        if organization is None:
            raise NotFound(_("No such organisation."))
        body = InvitationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            organization=organization, by=request.user,  # type: ignore[arg-type]
            **body.validated_data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAcceptApi(APIView):
    @extend_schema(request=InvitationAcceptSerializer, responses={201: MembershipSerializer},
                   summary="Accept an invitation (creates the account if needed)")
    def post(self, request: Request) -> Response:
        body = InvitationAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        membership = services.invitation_accept(user=user, **body.validated_data)  # type: ignore[arg-type]
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

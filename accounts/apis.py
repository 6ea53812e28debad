"""Account endpoints: tokens, the current user, supplier sign-up, invitations."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import ApiToken
from accounts.permissions import may_administer
from accounts.selectors import api_token_list, membership_list, organization_get_for_member
from accounts.serializers import (
    ApiTokenSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    MeSerializer,
    SupplierSignupSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from backend.auth import request_user, user_or_none
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.schema import errors


class TokenApi(APIView):
    # Public: this is where a program without a token gets one.
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=TokenRequestSerializer,
                   responses={201: TokenSerializer, **errors(429)},
                   summary="Sign in with e-mail and password and get a new API token",
                   description="One token per device or script; each expires (see `expires_at`)."
                               " Repeated wrong passwords for an account or from an address are "
                               "refused for a while with 429 and a Retry-After header.")
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The Django request: django-axes counts the failure against account and address, and
        # its middleware answers a locked-out sign-in with 429 (accounts.signin).
        user = authenticate(request._request, email=body.validated_data["email"].lower(),
                            password=body.validated_data["password"])
        if user is None:
            raise ApplicationError(_("The e-mail address or password is wrong."),
                                   code="bad_credentials")
        token, secret = services.api_token_create(user=user, name=body.validated_data["name"])
        return Response({**ApiTokenSerializer(token).data, "token": secret},
                        status=status.HTTP_201_CREATED)


class TokenRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None},
                   summary="Revoke the API token this request is signed with")
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(user=request_user(request),
                                      public_id=request.auth.public_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApiTokenSerializer(many=True),
                   summary="Your API tokens (names and dates, never the secrets)")
    def get(self, request: Request) -> Response:
        tokens = api_token_list(user=request_user(request))
        return Response(ApiTokenSerializer(tokens, many=True).data)


class TokenDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke one of your API tokens")
    def delete(self, request: Request, token_id: UUID) -> Response:
        services.api_token_revoke(user=request_user(request), public_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke all your API tokens")
    def post(self, request: Request) -> Response:
        services.api_token_revoke_all(user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The signed-in user and their memberships")
    def get(self, request: Request) -> Response:
        user = request_user(request)
        return Response({
            "id": user.pk, "email": user.email, "full_name": user.full_name,
            "is_staff": user.is_staff,
            "memberships": MembershipSerializer(membership_list(user=user), many=True).data,
        })


class SupplierSignupApi(APIView):
    # Public: registration, before there is an account.
    permission_classes = [AllowAny]
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
        # A member who may not invite: 403, before the body is read, and still no name.
        if not may_administer(request.user, organization):
            raise Forbidden(_("Only an administrator of the organisation can invite people."))
        body = InvitationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            organization=organization, by=request_user(request), **body.validated_data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAcceptApi(APIView):
    # Public: the invitation token is the credential; it creates the account if needed.
    permission_classes = [AllowAny]

    @extend_schema(request=InvitationAcceptSerializer,
                   responses={201: MembershipSerializer, **errors(404, 409)},
                   summary="Accept an invitation (creates the account if needed)")
    def post(self, request: Request) -> Response:
        body = InvitationAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.invitation_accept(user=user_or_none(request),
                                                **body.validated_data)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

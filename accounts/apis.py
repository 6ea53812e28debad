"""Account endpoints: tokens, the current user, supplier sign-up, invitations."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import Organization
from accounts.permissions import may_administer
from accounts.selectors import membership_list
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
from backend.auth import request_user, user_or_none
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.schema import errors


class TokenApi(APIView):
    # Public: this is where a program without a token gets one.
    permission_classes = [AllowAny]
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
        Token.objects.filter(user_id=request_user(request).pk).delete()
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
        organization = Organization.objects.filter(pk=org_id).first()
        if organization is None:
            raise NotFound(_("No such organisation."))
        # The organisation is known (it names itself on notices and bids): 403, before the
        # body is read. Its members page (web) lists people, so that one is 404.
        if not may_administer(request.user, organization):
            raise Forbidden(_("Only an administrator of %(org)s can invite people.")
                            % {"org": organization.name})
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

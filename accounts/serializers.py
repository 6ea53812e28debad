from __future__ import annotations

from rest_framework import serializers

from accounts.models import Role


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=200, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MembershipSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField(source="organization.id")
    organization = serializers.CharField(source="organization.name")
    kind = serializers.CharField(source="organization.kind")
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    is_staff = serializers.BooleanField()
    memberships = MembershipSerializer(many=True)


class SupplierSignupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    country = serializers.CharField(max_length=2, default="NO")
    org_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    national_id = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    password = serializers.CharField(max_length=200, trim_whitespace=False, write_only=True)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    expires_at = serializers.DateTimeField()


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=100)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     trim_whitespace=False, default="")

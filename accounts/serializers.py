from __future__ import annotations

from rest_framework import serializers

from accounts.models import CompanySize, Role


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=200, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                 help_text="The device or script that will use the token.")


class ApiTokenSerializer(serializers.Serializer):
    """A token as its owner sees it in a list: never the secret, never its digest."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(source="expiry")
    last_used_at = serializers.DateTimeField(allow_null=True)


class TokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The secret: shown this once, stored only hashed. "
                                            "Send it as `Authorization: Token <token>`.")


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
    company_size = serializers.ChoiceField(choices=[("", ""), *list(CompanySize.choices)],
                                           required=False, allow_blank=True, default="",
                                           help_text="micro, small, medium or large "
                                                     "(eForms BT-165); empty: not stated.")
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

"""Serializers of the accounts API: parse input, render output; no rules here."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congso.accounts.api import schema as _schema  # noqa: F401  (registers the extensions)
from congso.accounts.api.fields import RoleChoiceField, UserKindChoiceField
from congso.accounts.models import Delegation, User
from congso.accounts.selectors import user_roles_of
from congso.core.api.fields import IdField
from congso.organizations.models import Agency, Position

_ROLE_LIST = serializers.ListField(child=RoleChoiceField())


class AgencyRefSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "name"]


class PositionRefSerializer(serializers.ModelSerializer[Position]):
    class Meta:
        model = Position
        fields = ["id", "name"]


class UserRefSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class UserOutputSerializer(serializers.ModelSerializer[User]):
    """A staff member as an administrator sees them."""

    kind = UserKindChoiceField(read_only=True)
    agency = AgencyRefSerializer(read_only=True, allow_null=True)
    unit = AgencyRefSerializer(read_only=True, allow_null=True)
    position = PositionRefSerializer(read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()
    is_locked = serializers.BooleanField(read_only=True)
    email = serializers.CharField(read_only=True, help_text="Thư điện tử; rỗng nếu chưa có.")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "kind",
            "agency",
            "unit",
            "position",
            "roles",
            "is_active",
            "is_locked",
            "locked_until",
            "failed_login_count",
            "totp_enabled",
        ]
        read_only_fields = fields

    @extend_schema_field(_ROLE_LIST)
    def get_roles(self, user: User) -> list[str]:
        return user_roles_of(user)


class MeOutputSerializer(serializers.ModelSerializer[User]):
    """The signed-in account, with the roles it holds today through delegations too."""

    kind = UserKindChoiceField(read_only=True)
    agency = AgencyRefSerializer(read_only=True, allow_null=True)
    unit = AgencyRefSerializer(read_only=True, allow_null=True)
    position = PositionRefSerializer(read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()
    effective_roles = serializers.SerializerMethodField(
        help_text="Own roles plus those held today through a delegation (ủy quyền)."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "kind",
            "agency",
            "unit",
            "position",
            "roles",
            "effective_roles",
            "totp_enabled",
        ]
        read_only_fields = fields

    @extend_schema_field(_ROLE_LIST)
    def get_roles(self, user: User) -> list[str]:
        return user_roles_of(user)

    @extend_schema_field(_ROLE_LIST)
    def get_effective_roles(self, user: User) -> list[str]:
        return sorted(self.context["effective_roles"])


class UserListFilterSerializer(serializers.Serializer[Any]):
    role = RoleChoiceField(required=False)


class StaffUserCreateInputSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        help_text="Only a superuser may name another agency; defaults to your own.",
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), required=False, allow_null=True
    )
    roles = serializers.ListField(child=RoleChoiceField(), required=False, default=list)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class DelegationOutputSerializer(serializers.ModelSerializer[Delegation]):
    delegator = UserRefSerializer(read_only=True)
    delegate = UserRefSerializer(read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "delegator",
            "delegate",
            "starts_on",
            "ends_on",
            "scope",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = fields


class DelegationListFilterSerializer(serializers.Serializer[Any]):
    active_on = serializers.DateField(required=False)


class DelegationGrantInputSerializer(serializers.Serializer[Any]):
    delegator = IdField(
        required=False, help_text="Id of the person delegating; defaults to yourself."
    )
    delegate = IdField(help_text="Id of the person receiving the delegation.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    scope = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CitizenRegisterInputSerializer(serializers.Serializer[Any]):
    citizen_id_number = serializers.CharField(
        max_length=32, help_text="Số căn cước công dân: 12 digits, the first three 001–096."
    )
    full_name = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class PublicAccountOutputSerializer(serializers.ModelSerializer[User]):
    kind = UserKindChoiceField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "kind"]
        read_only_fields = fields

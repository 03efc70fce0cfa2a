"""HTTP shapes of the organisation directory (component names are the domain nouns)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congso.core.api.fields import IdField
from congso.organizations.constants import AdministrativeLevel, AgencyKind
from congso.organizations.models import AdministrativeUnit, Agency

# Codes are checked by the service so the message names the rule (QCVN 102 / QĐ 20); the length
# cap here only refuses absurd input.
_CODE_INPUT_MAX = 64


class AgencyRefSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "name", "abbreviation", "code_qcvn102", "kind"]
        ref_name = "AgencySummary"


class AgencySerializer(serializers.ModelSerializer[Agency]):
    parent_id = serializers.IntegerField(allow_null=True, read_only=True)
    administrative_unit_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "level",
            "parent_id",
            "administrative_unit_id",
            "code_qcvn102",
            "code_qd20",
            "is_demo_code",
            "place_name",
            "is_active",
        ]
        read_only_fields = fields
        ref_name = "Agency"


class AdministrativeUnitSerializer(serializers.ModelSerializer[AdministrativeUnit]):
    parent_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["id", "gso_code", "name", "kind", "level", "parent_id"]
        read_only_fields = fields
        ref_name = "AdministrativeUnit"


class AgencyDetailSerializer(AgencySerializer):
    parent = AgencyRefSerializer(read_only=True, allow_null=True)
    administrative_unit = AdministrativeUnitSerializer(read_only=True, allow_null=True)
    ancestors = serializers.SerializerMethodField()

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "parent", "administrative_unit", "ancestors"]
        read_only_fields = fields
        ref_name = "AgencyDetail"

    @extend_schema_field(AgencyRefSerializer(many=True))
    def get_ancestors(self, agency: Agency) -> list[dict[str, Any]]:
        """Root first, direct parent last; the view passes them in the context."""
        ancestors = self.context.get("ancestors", [])
        return AgencyRefSerializer(ancestors, many=True).data  # type: ignore[return-value]


class AgencyNodeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    abbreviation = serializers.CharField()
    kind = serializers.ChoiceField(choices=AgencyKind.choices)
    code_qcvn102 = serializers.CharField(allow_null=True)
    code_qd20 = serializers.CharField(allow_null=True)
    is_demo_code = serializers.BooleanField()
    level = serializers.IntegerField()
    place_name = serializers.CharField()

    class Meta:
        ref_name = "AgencyTreeNode"


# A node's children are nodes: declared after the class so the field can name it.
AgencyNodeSerializer._declared_fields["children"] = AgencyNodeSerializer(many=True)


class AgencyFilterSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=AgencyKind.choices, required=False)
    parent = IdField(required=False, help_text="id cơ quan cấp trên")  # type: ignore[assignment]
    q = serializers.CharField(
        required=False, max_length=100, help_text="Tìm theo tên, chữ viết tắt hoặc mã định danh"
    )


class AgencyCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    abbreviation = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=AgencyKind.choices)
    parent_id = IdField(required=False, allow_null=True)
    administrative_unit_id = IdField(required=False, allow_null=True)
    code_qcvn102 = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=_CODE_INPUT_MAX
    )
    code_qd20 = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=_CODE_INPUT_MAX
    )
    is_demo_code = serializers.BooleanField(required=False, default=False)
    place_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    short_name = serializers.CharField(required=False, allow_blank=True, max_length=100)

    class Meta:
        ref_name = "AgencyCreate"


class AgencyUpdateSerializer(AgencyCreateSerializer):
    """Used with `partial=True`: only the fields sent change."""

    class Meta:
        ref_name = "AgencyUpdate"


def agency_service_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """Map validated input to the service's keywords (`parent_id` → `parent`, …)."""
    arguments = dict(data)
    if "parent_id" in arguments:
        arguments["parent"] = arguments.pop("parent_id")
    if "administrative_unit_id" in arguments:
        arguments["administrative_unit"] = arguments.pop("administrative_unit_id")
    return arguments


class AdministrativeUnitFilterSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=AdministrativeLevel.choices, required=False)
    parent = IdField(required=False, help_text="id đơn vị cấp trên")  # type: ignore[assignment]

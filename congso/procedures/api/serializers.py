from __future__ import annotations

from rest_framework import serializers

from congso.core.api.fields import IdField
from congso.procedures.constants import COMPONENT_FIELDS, ProcedureLevel
from congso.procedures.models import Procedure, ProcedureComponent, ProcessStep


class ProcedureSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    level = serializers.ChoiceField(choices=ProcedureLevel.choices, required=False)
    field = serializers.CharField(required=False, max_length=30, help_text="Mã lĩnh vực")
    agency = IdField(required=False, help_text="Id nơi tiếp nhận")


class ProcedureListSerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.code", read_only=True, help_text="Mã lĩnh vực")
    field_name = serializers.CharField(  # type: ignore[assignment]  # a declared field
        source="field.name", read_only=True
    )

    class Meta:
        model = Procedure
        fields = [
            "code",
            "national_code",
            "is_demo_code",
            "name",
            "field",
            "field_name",
            "level",
            "online_level",
            "processing_days",
            "fee_amount",
            "is_inter_agency",
        ]


class ProcedureComponentSerializer(serializers.ModelSerializer):
    template = serializers.FileField(read_only=True, use_url=True)

    class Meta:
        model = ProcedureComponent
        fields = list(COMPONENT_FIELDS)


class ProcessStepSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(
        source="agency.code_qcvn102",
        read_only=True,
        allow_null=True,
        help_text="Mã định danh cơ quan thực hiện bước; null = cơ quan tiếp nhận",
    )
    agency_name = serializers.SerializerMethodField()

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "agency", "agency_name", "days", "role"]

    def get_agency_name(self, step: ProcessStep) -> str | None:
        return step.agency.name if step.agency else None


class ProcedureDetailSerializer(ProcedureListSerializer):
    components = ProcedureComponentSerializer(many=True, read_only=True)
    steps = ProcessStepSerializer(many=True, read_only=True)
    receiving_agency_count = serializers.SerializerMethodField()

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "fee_text",
            "implementing_agency_name",
            "requirements",
            "result_name",
            "legal_basis",
            "applicant_types",
            "is_published",
            "form_schema",
            "receiving_agency_count",
            "components",
            "steps",
        ]

    def get_receiving_agency_count(self, procedure: Procedure) -> int:
        return procedure.receiving_agencies.count()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="Tệp .json hoặc .xlsx theo định dạng ở docs/procedures.md"
    )


class DriftDifferenceSerializer(serializers.Serializer):
    national_code = serializers.CharField()
    local_code = serializers.CharField()
    attribute = serializers.ChoiceField(choices=["name", "processing_days", "field"])
    local = serializers.CharField()
    national = serializers.CharField()


class DriftReportSerializer(serializers.Serializer):
    national_count = serializers.IntegerField()
    local_count = serializers.IntegerField()
    missing_locally = serializers.ListField(child=serializers.DictField())
    only_local = serializers.ListField(child=serializers.DictField())
    differences = DriftDifferenceSerializer(many=True)

from __future__ import annotations

from rest_framework import serializers

from congso.signatures.models import ValidationRecord


class ValidationRecordSerializer(serializers.ModelSerializer[ValidationRecord]):
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = ValidationRecord
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "file_size",
            "verdict",
            "verdict_label",
            "summary",
            "document_ref",
            "validated_at",
            "check_count",
            "report",
        ]
        read_only_fields = fields


class ValidationUploadSerializer(serializers.Serializer[dict[str, object]]):
    file = serializers.FileField()
    document_ref = serializers.CharField(max_length=100, required=False, default="")
    etsi_report = serializers.BooleanField(required=False, default=False)


class SignUploadSerializer(serializers.Serializer[dict[str, object]]):
    file = serializers.FileField()
    document_ref = serializers.CharField(max_length=100, required=False, default="")
    pin = serializers.CharField(max_length=64, required=False, write_only=True, allow_blank=True)

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
    document_ref = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    etsi_report = serializers.BooleanField(required=False, default=False)


class SignUploadSerializer(serializers.Serializer[dict[str, object]]):
    file = serializers.FileField()
    document_ref = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    pin = serializers.CharField(max_length=64, required=False, write_only=True, allow_blank=True)


class ExternalPrepareSerializer(serializers.Serializer[dict[str, object]]):
    file = serializers.FileField(help_text="PDF có ô chữ ký trống (người ký hoặc cơ quan)")
    certificate = serializers.FileField(help_text="Chứng thư số của thiết bị ký (PEM hoặc DER)")
    kind = serializers.ChoiceField(choices=["person", "agency"], default="person")
    document_ref = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


class ExternalSessionSerializer(serializers.Serializer[dict[str, object]]):
    session = serializers.UUIDField(source="id")
    expires_at = serializers.DateTimeField()
    field_name = serializers.CharField()  # type: ignore[assignment]
    data_to_sign = serializers.CharField(help_text="DER của signed attributes, base64")
    digest_to_sign = serializers.CharField(help_text="SHA-256 của data_to_sign, base64")
    digest_algorithm = serializers.CharField()


class ExternalFinishSerializer(serializers.Serializer[dict[str, object]]):
    signature_value = serializers.CharField(
        max_length=4096, help_text="Giá trị chữ ký thiết bị trả về, base64"
    )

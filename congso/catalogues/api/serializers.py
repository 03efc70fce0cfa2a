from __future__ import annotations

from rest_framework import serializers

from congso.catalogues.models import (
    CopyKind,
    DocumentType,
    ProcedureField,
    SecrecyLevel,
    UrgencyLevel,
)

_BASE = ["id", "code", "name", "ordinal"]


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    class Meta:
        model = DocumentType
        fields = [*_BASE, "abbreviation"]
        read_only_fields = fields


class CopyKindSerializer(serializers.ModelSerializer[CopyKind]):
    class Meta:
        model = CopyKind
        fields = [*_BASE, "abbreviation"]
        read_only_fields = fields


class UrgencyLevelSerializer(serializers.ModelSerializer[UrgencyLevel]):
    class Meta:
        model = UrgencyLevel
        fields = _BASE
        read_only_fields = fields


class SecrecyLevelSerializer(serializers.ModelSerializer[SecrecyLevel]):
    class Meta:
        model = SecrecyLevel
        fields = [*_BASE, "is_secret"]
        read_only_fields = fields


class ProcedureFieldSerializer(serializers.ModelSerializer[ProcedureField]):
    class Meta:
        model = ProcedureField
        fields = [*_BASE, "is_demo_code"]
        read_only_fields = fields

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congso.audit.models import AuditEntry


class AuditEntryFilterSerializer(serializers.Serializer):
    target_type = serializers.CharField(
        required=False, max_length=100, help_text=_("Loại đối tượng, ví dụ accounts.user.")
    )
    target_id = serializers.CharField(required=False, max_length=64, help_text=_("Mã đối tượng."))
    action = serializers.CharField(
        required=False, max_length=100, help_text=_("Hành động, ví dụ calendar.decision_set.")
    )


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "sequence",
            "occurred_at",
            "actor_id",
            "actor_label",
            "agency_id",
            "action",
            "target_type",
            "target_id",
            "data",
            "prev_hash",
            "entry_hash",
        ]
        read_only_fields = fields

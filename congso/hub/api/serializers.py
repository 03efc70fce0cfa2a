from __future__ import annotations

from typing import Any

from rest_framework import serializers

from congso.hub.constants import MessageKind
from congso.hub.models import Delivery


class LimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, required=False, default=100)
    inline = serializers.BooleanField(required=False, default=False)


class WaitSerializer(serializers.Serializer):
    seconds = serializers.IntegerField(min_value=0, max_value=3600, required=False, default=0)


class WaitResultSerializer(serializers.Serializer):
    packages = serializers.BooleanField(help_text="có gói tin văn bản đang chờ")
    statuses = serializers.BooleanField(help_text="có gói tin trạng thái đang chờ")


class AcceptedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    document_id = serializers.CharField()
    recipients = serializers.ListField(child=serializers.CharField())


class StatusAcceptedSerializer(serializers.Serializer):
    id = serializers.UUIDField()


class _ReceivedSerializer(serializers.Serializer):
    """A pending delivery as the recipient sees it; `from` is the sending member's code."""

    id = serializers.UUIDField(source="message.id")
    sender = serializers.CharField(source="message.sender.code")
    document_id = serializers.CharField(source="message.document_id")
    size = serializers.IntegerField(source="message.size")
    sha256 = serializers.CharField(source="message.sha256")
    created_at = serializers.DateTimeField(source="message.created_at")

    def get_fields(self) -> dict[str, serializers.Field]:
        """`sender` is named `from` (a Python keyword), last, in answers and schema alike."""
        fields = super().get_fields()
        fields["from"] = fields.pop("sender")
        return fields


class ReceivedMessageSerializer(_ReceivedSerializer):
    business = serializers.CharField(source="message.business")


class ReceivedStatusSerializer(_ReceivedSerializer):
    status_code = serializers.CharField(source="message.status_code")


_DATETIME = serializers.DateTimeField()


def received_item(delivery: Delivery, kind: str) -> dict[str, Any]:
    """What `ReceivedMessageSerializer` / `ReceivedStatusSerializer` give for a pending delivery
    (same keys, order and forms; a test keeps them equal), built directly: a page of 100 costs
    less than the serializer machinery did."""
    message = delivery.message
    item: dict[str, Any] = {
        "id": str(message.id),
        "document_id": str(message.document_id),
        "size": int(message.size),
        "sha256": str(message.sha256),
        "created_at": _DATETIME.to_representation(message.created_at),
    }
    if kind == MessageKind.EDOC:
        item["business"] = str(message.business)
    else:
        item["status_code"] = str(message.status_code)
    item["from"] = str(message.sender.code)
    return item


# The list answers below describe the schema; the views add `content` only with `inline=1`.
_CONTENT_HELP = (
    "Chỉ khi inline=1: nội dung gói tin (base64) nếu không quá HUB_INLINE_MAX_BYTES, "
    "nếu không thì null (tải riêng bằng GET …/{id}/). Trong câu trả lời multipart/mixed: "
    '"cid:<id>", nội dung là phần có Content-ID <id>.'
)


class ReceivedMessageItemSerializer(ReceivedMessageSerializer):
    content = serializers.CharField(required=False, allow_null=True, help_text=_CONTENT_HELP)


class ReceivedStatusItemSerializer(ReceivedStatusSerializer):
    content = serializers.CharField(required=False, allow_null=True, help_text=_CONTENT_HELP)


class ReceivedMessageListSerializer(serializers.Serializer):
    results = ReceivedMessageItemSerializer(many=True)


class ReceivedStatusListSerializer(serializers.Serializer):
    results = ReceivedStatusItemSerializer(many=True)


class BatchPackagesSerializer(serializers.Serializer):
    """Schema only: the view streams the parts to disk itself (storage.uploads_receive_parts)."""

    package = serializers.ListField(child=serializers.FileField(), min_length=1)


class BatchStatusesSerializer(serializers.Serializer):
    status = serializers.ListField(child=serializers.FileField(), min_length=1)


class BatchErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class BatchItemSerializer(serializers.Serializer):
    """What the single endpoint would have answered for the package at `index`."""

    index = serializers.IntegerField()
    status = serializers.IntegerField(help_text="201 mới, 200 gửi lại, 403/413/422 từ chối")
    id = serializers.UUIDField(required=False)
    document_id = serializers.CharField(required=False)
    recipients = serializers.ListField(child=serializers.CharField(), required=False)
    error = BatchErrorSerializer(required=False)


class BatchResultSerializer(serializers.Serializer):
    results = BatchItemSerializer(many=True)


class AckManySerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1)


class AckManyResultSerializer(serializers.Serializer):
    acknowledged = serializers.ListField(child=serializers.UUIDField())
    unknown = serializers.ListField(child=serializers.UUIDField())

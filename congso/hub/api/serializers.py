from __future__ import annotations

from rest_framework import serializers


class LimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, required=False, default=100)


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
    created_at = serializers.DateTimeField(source="message.created_at")

    def to_representation(self, instance: object) -> dict[str, object]:
        data = super().to_representation(instance)
        data["from"] = data.pop("sender")
        return data


class ReceivedMessageSerializer(_ReceivedSerializer):
    business = serializers.CharField(source="message.business")
    size = serializers.IntegerField(source="message.size")
    sha256 = serializers.CharField(source="message.sha256")


class ReceivedStatusSerializer(_ReceivedSerializer):
    status_code = serializers.CharField(source="message.status_code")


class ReceivedMessageListSerializer(serializers.Serializer):
    results = ReceivedMessageSerializer(many=True)


class ReceivedStatusListSerializer(serializers.Serializer):
    results = ReceivedStatusSerializer(many=True)

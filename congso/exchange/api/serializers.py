"""Output of the connector's API: incidents, failed sends, sends through the hub with their
status history, revoke requests both ways."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from congso.documents.models import OutboxMessage, OutgoingRecipient
from congso.exchange.models import (
    BusinessMessage,
    ExchangeIncident,
    RecipientStatusEvent,
    RevokeRequest,
)


class ExchangeIncidentSerializer(serializers.ModelSerializer[ExchangeIncident]):
    agency_name = serializers.CharField(source="agency.name", default="", read_only=True)

    class Meta:
        model = ExchangeIncident
        fields = [
            "id",
            "kind",
            "code",
            "message",
            "agency",
            "agency_name",
            "hub_message_id",
            "sender_code",
            "recipient_code",
            "document_id",
            "status_reply_sent",
            "created_at",
        ]
        read_only_fields = fields


class FailedSendSerializer(serializers.ModelSerializer[OutboxMessage]):
    document_number = serializers.CharField(source="document.number_notation", read_only=True)
    document_subject = serializers.CharField(source="document.subject", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    recipient_code = serializers.CharField(source="recipient.organ_id", read_only=True)

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "document",
            "document_number",
            "document_subject",
            "recipient_name",
            "recipient_code",
            "status",
            "attempts",
            "last_error",
            "updated_at",
        ]
        read_only_fields = fields


class StatusEventSerializer(serializers.ModelSerializer[RecipientStatusEvent]):
    class Meta:
        model = RecipientStatusEvent
        fields = ["status_code", "occurred_at", "description", "received_at"]
        read_only_fields = fields


class ExternalSendSerializer(serializers.ModelSerializer[OutgoingRecipient]):
    document_number = serializers.CharField(source="document.number_notation", read_only=True)
    document_subject = serializers.CharField(source="document.subject", read_only=True)
    issued_on = serializers.DateField(source="document.issued_on", read_only=True)
    send_status = serializers.CharField(source="outbox_message.status", read_only=True)
    last_error = serializers.CharField(source="outbox_message.last_error", read_only=True)

    class Meta:
        model = OutgoingRecipient
        fields = [
            "id",
            "document",
            "document_number",
            "document_subject",
            "issued_on",
            "name",
            "organ_id",
            "send_status",
            "last_error",
            "exchange_status_code",
            "exchange_status_at",
            "exchange_status_description",
        ]
        read_only_fields = fields


class BusinessMessageSerializer(serializers.ModelSerializer[BusinessMessage]):
    class Meta:
        model = BusinessMessage
        fields = ["id", "kind", "origin", "original", "recipient", "reason", "state", "created_at"]
        read_only_fields = fields


class RevokeReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DecisionSerializer(RevokeReasonSerializer):
    decision = serializers.ChoiceField(choices=["accept", "refuse"])


class RevokeRequestSerializer(serializers.ModelSerializer[RevokeRequest]):
    incoming_document = serializers.IntegerField(
        source="receipt.incoming_document_id", default=None, read_only=True
    )

    class Meta:
        model = RevokeRequest
        fields = [
            "id",
            "sender_code",
            "document_id",
            "incoming_document",
            "reason",
            "state",
            "refusal_reason",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields

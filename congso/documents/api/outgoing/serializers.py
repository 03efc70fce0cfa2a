"""Serializers of the outgoing-documents API: inputs parse, outputs render; no logic."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congso.accounts.models import User
from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.core.api.fields import IdField
from congso.documents.api.outgoing.schema import NamedChoiceField
from congso.documents.constants import (
    DeliveryStatus,
    FileRole,
    OutboxStatus,
    OutgoingStatus,
    RelationKind,
    RenditionStatus,
    ReviewStepKind,
    ReviewStepStatus,
    SignatureState,
    VersionOrigin,
)
from congso.documents.models import (
    OutgoingAttachment,
    OutgoingComment,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    ReviewStep,
)
from congso.organizations.models import Agency


def _staff() -> Any:
    return User.objects.filter(kind="staff", is_active=True)


class OutgoingRecipientInputSerializer(serializers.Serializer):
    agency_id = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, source="agency"
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organ_id = serializers.CharField(max_length=13, required=False, allow_blank=True, default="")
    is_for_information = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("agency") is None and not attrs.get("name", "").strip():
            raise serializers.ValidationError(
                {"name": ["Nơi nhận ngoài hệ thống cần có tên."]}, code="required"
            )
        return attrs


class _OutgoingDraftFieldsSerializer(serializers.Serializer):
    document_type = serializers.SlugRelatedField(
        slug_field="code", queryset=DocumentType.objects.filter(is_active=True)
    )
    subject = serializers.CharField(max_length=500)
    addressed_to = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    urgency = serializers.SlugRelatedField(
        slug_field="code", queryset=UrgencyLevel.objects.all(), required=False, allow_null=True
    )
    secrecy = serializers.SlugRelatedField(
        slug_field="code", queryset=SecrecyLevel.objects.all(), required=False, allow_null=True
    )
    signer_id = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True, source="signer"
    )
    reviewer_ids = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), many=True, required=False, source="reviewers"
    )
    authority_line = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    reply_due_on = serializers.DateField(required=False, allow_null=True)


class OutgoingDraftCreateInputSerializer(_OutgoingDraftFieldsSerializer):
    body = serializers.CharField(max_length=100_000, allow_blank=True, trim_whitespace=False)
    drafting_unit_id = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, source="drafting_unit"
    )
    recipients = OutgoingRecipientInputSerializer(many=True, required=False)


class OutgoingDraftUploadInputSerializer(_OutgoingDraftFieldsSerializer):
    file = serializers.FileField()
    drafting_unit_id = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, source="drafting_unit"
    )
    recipients = serializers.JSONField(
        required=False, help_text="Danh sách nơi nhận (JSON, như khi tạo dự thảo)."
    )


class OutgoingDraftUpdateInputSerializer(serializers.Serializer):
    document_type = serializers.SlugRelatedField(
        slug_field="code", queryset=DocumentType.objects.filter(is_active=True), required=False
    )
    subject = serializers.CharField(max_length=500, required=False)
    body = serializers.CharField(
        max_length=100_000, allow_blank=True, trim_whitespace=False, required=False
    )
    addressed_to = serializers.CharField(max_length=500, required=False, allow_blank=True)
    urgency = serializers.SlugRelatedField(
        slug_field="code", queryset=UrgencyLevel.objects.all(), required=False
    )
    secrecy = serializers.SlugRelatedField(
        slug_field="code", queryset=SecrecyLevel.objects.all(), required=False
    )
    signer_id = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True, source="signer"
    )
    reviewer_ids = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), many=True, required=False, source="reviewers"
    )
    authority_line = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reply_due_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class OutgoingVersionUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class OutgoingAttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    role = serializers.ChoiceField(
        choices=[FileRole.ATTACHMENT, FileRole.APPENDIX], default=FileRole.ATTACHMENT
    )


class OutgoingRecipientsInputSerializer(serializers.Serializer):
    recipients = OutgoingRecipientInputSerializer(many=True)


class OutgoingCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5_000)


class OutgoingApproveInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")


class OutgoingReturnInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5_000)


class OutgoingRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class OutgoingRelationInputSerializer(serializers.Serializer):
    target_id = IdField(min_value=1, help_text="Văn bản đã ban hành bị thay thế / được đính chính.")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OutgoingListFilterSerializer(serializers.Serializer):
    status = NamedChoiceField(OutgoingStatus, "OutgoingStatus", required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    document_type = serializers.CharField(max_length=30, required=False)


# --- Outputs ---------------------------------------------------------------------------------


class OutgoingCatalogueRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OutgoingUserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class OutgoingListItemSerializer(serializers.ModelSerializer):
    """A list row: metadata only, never the body or file contents."""

    document_type = OutgoingCatalogueRefSerializer()
    urgency = serializers.CharField(source="urgency.code")
    secrecy = serializers.CharField(source="secrecy.code")
    status = NamedChoiceField(OutgoingStatus, "OutgoingStatus")
    status_label = serializers.CharField(source="get_status_display")
    signature_state = NamedChoiceField(SignatureState, "OutgoingSignatureState")
    signature_label = serializers.CharField(source="get_signature_state_display")
    number_notation = serializers.CharField()
    created_by = OutgoingUserRefSerializer()

    class Meta:
        model = OutgoingDocument
        fields = [
            "id",
            "status",
            "status_label",
            "signature_state",
            "signature_label",
            "document_type",
            "subject",
            "number_notation",
            "code_number",
            "code_notation",
            "issued_on",
            "urgency",
            "secrecy",
            "is_secret",
            "created_by",
            "created_at",
            "updated_at",
        ]


class OutgoingReviewStepSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(ReviewStepKind, "OutgoingReviewStepKind")
    status = NamedChoiceField(ReviewStepStatus, "OutgoingReviewStepStatus")
    reviewer = OutgoingUserRefSerializer()
    acted_by = OutgoingUserRefSerializer(allow_null=True)
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)

    class Meta:
        model = ReviewStep
        fields = ["ordinal", "kind", "status", "reviewer", "acted_by", "version", "comment"]
        fields += ["decided_at"]


class OutgoingRecipientSerializer(serializers.ModelSerializer):
    delivery_status = NamedChoiceField(DeliveryStatus, "OutgoingDeliveryStatus")
    agency_id = serializers.IntegerField(allow_null=True)
    delivered_document_id = serializers.IntegerField(allow_null=True)
    outbox_status = serializers.SerializerMethodField()

    class Meta:
        model = OutgoingRecipient
        fields = [
            "id",
            "agency_id",
            "name",
            "organ_id",
            "is_for_information",
            "delivery_status",
            "delivered_document_id",
            "delivered_at",
            "outbox_status",
        ]

    @extend_schema_field(NamedChoiceField(OutboxStatus, "OutgoingOutboxStatus", allow_null=True))
    def get_outbox_status(self, recipient: OutgoingRecipient) -> str | None:
        message = getattr(recipient, "outbox_message", None)
        return message.status if message is not None else None


class OutgoingAttachmentSerializer(serializers.ModelSerializer):
    role = NamedChoiceField(FileRole, "OutgoingFileRole")
    sha256 = serializers.CharField(source="stored_file.sha256")
    size = serializers.IntegerField(source="stored_file.size")
    media_type = serializers.CharField(source="stored_file.media_type")
    url = serializers.SerializerMethodField()

    class Meta:
        model = OutgoingAttachment
        fields = ["id", "name", "role", "sha256", "size", "media_type", "url"]

    @extend_schema_field(serializers.CharField(help_text="Đường dẫn tải tệp (tương đối)."))
    def get_url(self, attachment: OutgoingAttachment) -> str:
        return reverse(
            "documents-api:outgoing-attachment-file",
            kwargs={"document_id": attachment.document_id, "attachment_id": attachment.pk},
        )


class OutgoingVersionSerializer(serializers.ModelSerializer):
    origin = NamedChoiceField(VersionOrigin, "OutgoingVersionOrigin")
    rendition_status = NamedChoiceField(RenditionStatus, "OutgoingRenditionStatus")
    rendition_label = serializers.CharField(source="get_rendition_status_display")
    created_by = OutgoingUserRefSerializer()
    sha256 = serializers.CharField(source="rendered_file.sha256", allow_null=True, default=None)
    size = serializers.IntegerField(source="rendered_file.size", allow_null=True, default=None)
    page_count = serializers.IntegerField(
        source="rendered_file.page_count", allow_null=True, default=None
    )
    pdf_url = serializers.SerializerMethodField()
    source_url = serializers.SerializerMethodField()

    class Meta:
        model = OutgoingVersion
        fields = [
            "number",
            "origin",
            "rendition_status",
            "rendition_label",
            "note",
            "created_by",
            "created_at",
            "sha256",
            "size",
            "page_count",
            "pdf_url",
            "source_url",
        ]

    def _url(self, version: OutgoingVersion, kind: str) -> str:
        return reverse(
            "documents-api:outgoing-version-file",
            kwargs={"document_id": version.document_id, "number": version.number, "kind": kind},
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_url(self, version: OutgoingVersion) -> str | None:
        return self._url(version, "pdf") if version.rendered_file_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_source_url(self, version: OutgoingVersion) -> str | None:
        return self._url(version, "source") if version.source_file_id else None


class OutgoingCommentSerializer(serializers.ModelSerializer):
    author = OutgoingUserRefSerializer()
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)

    class Meta:
        model = OutgoingComment
        fields = ["id", "author", "version", "text", "created_at"]


class OutgoingRelationSerializer(serializers.Serializer):
    kind = NamedChoiceField(RelationKind, "OutgoingRelationKind")
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    document_id = serializers.IntegerField()
    number_notation = serializers.CharField()
    subject = serializers.CharField()
    reason = serializers.CharField()


class OutgoingPermissionsSerializer(serializers.Serializer):
    can_edit = serializers.BooleanField()
    can_review = serializers.BooleanField()
    can_issue = serializers.BooleanField()
    can_revoke = serializers.BooleanField()


class OutgoingDetailSerializer(OutgoingListItemSerializer):
    drafting_unit = serializers.SerializerMethodField()
    signer = OutgoingUserRefSerializer(allow_null=True)
    review_steps = OutgoingReviewStepSerializer(many=True)
    recipients = OutgoingRecipientSerializer(many=True)
    attachments = OutgoingAttachmentSerializer(many=True)
    relations = serializers.SerializerMethodField()
    latest_version = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta(OutgoingListItemSerializer.Meta):
        fields = [
            *OutgoingListItemSerializer.Meta.fields,
            "addressed_to",
            "body",
            "drafting_unit",
            "signer",
            "signing_authority",
            "signer_position",
            "signer_full_name",
            "place_name",
            "reply_due_on",
            "page_amount",
            "issued_amount",
            "storage_note",
            "issued_at",
            "revoked_at",
            "review_steps",
            "recipients",
            "attachments",
            "relations",
            "latest_version",
            "permissions",
        ]

    @extend_schema_field(OutgoingCatalogueRefSerializer(allow_null=True))
    def get_drafting_unit(self, document: OutgoingDocument) -> dict[str, Any] | None:
        unit = document.drafting_unit
        return {"code": unit.abbreviation, "name": unit.name} if unit else None

    @extend_schema_field(OutgoingRelationSerializer(many=True))
    def get_relations(self, document: OutgoingDocument) -> list[dict[str, Any]]:
        rows = [
            (relation, "outgoing", relation.target) for relation in document.relations_out.all()
        ]
        rows += [
            (relation, "incoming", relation.source) for relation in document.relations_in.all()
        ]
        return [
            {
                "kind": relation.kind,
                "direction": direction,
                "document_id": other.pk,
                "number_notation": other.number_notation,
                "subject": other.subject,
                "reason": relation.reason,
            }
            for relation, direction, other in rows
        ]

    @extend_schema_field(OutgoingVersionSerializer(allow_null=True))
    def get_latest_version(self, document: OutgoingDocument) -> dict[str, Any] | None:
        version = self.context.get("latest_version")
        return OutgoingVersionSerializer(version).data if version is not None else None

    @extend_schema_field(OutgoingPermissionsSerializer)
    def get_permissions(self, document: OutgoingDocument) -> dict[str, bool]:
        return dict(self.context.get("permissions", {}))

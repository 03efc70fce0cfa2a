"""Serializers of the incoming-documents API: inputs parse, outputs render; no rules here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congso.accounts.models import User
from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.core.api.fields import IdField
from congso.documents.api.incoming.schema import IncomingChoiceField
from congso.documents.constants import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    AssignmentRole,
    AssignmentStatus,
    FileRole,
    HandlingNoteKind,
    IncomingSource,
    IncomingStatus,
)
from congso.documents.models import Assignment, HandlingNote, IncomingDocument, IncomingFile
from congso.documents.services.distribution import MAX_DAYS
from congso.documents.services.incoming_status import exchange_status_code
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency

NOTE_KINDS = (
    (HandlingNoteKind.OPINION, HandlingNoteKind.OPINION.label),
    (HandlingNoteKind.PROGRESS, HandlingNoteKind.PROGRESS.label),
    (HandlingNoteKind.DIRECTION, HandlingNoteKind.DIRECTION.label),
)


def _staff() -> Any:
    return User.objects.filter(kind="staff")


MAX_PAGES = 100_000  # "Số trang" of a registered document: any real one fits, the database too


def _days(**kwargs: Any) -> serializers.IntegerField:
    """Working days to a deadline (the service checks 1..MAX_DAYS and says so the same way)."""
    message = _("Số ngày làm việc phải từ 1 đến %(max)d.") % {"max": MAX_DAYS}
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        max_value=MAX_DAYS,
        error_messages={"max_value": message},
        **kwargs,
    )


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


# --- Inputs ------------------------------------------------------------------------------------


class RegisterInputSerializer(serializers.Serializer):
    """Phụ lục VI part II fields typed by the clerk, the files, and the duplicate confirmation."""

    source = serializers.ChoiceField(  # type: ignore[assignment]  # a declared field, not Field.source
        choices=[(IncomingSource.UPLOAD, "upload"), (IncomingSource.PAPER, "paper")],
        default=IncomingSource.UPLOAD,
    )
    document_type = serializers.SlugRelatedField(
        slug_field="code", queryset=DocumentType.objects.all()
    )
    code_number = _text(11)
    code_notation = _text(30)
    issued_on = serializers.DateField()
    issuer = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.exclude(kind=AgencyKind.INTERNAL_UNIT),
        required=False,
        allow_null=True,
        default=None,
        help_text="Cơ quan ban hành trong hệ thống (điền OrganId, OrganName).",
    )
    organ_name = _text(200)
    subject = serializers.CharField(max_length=500)
    urgency = serializers.SlugRelatedField(
        slug_field="code", queryset=UrgencyLevel.objects.all(), required=False, default=None
    )
    secrecy = serializers.SlugRelatedField(
        slug_field="code", queryset=SecrecyLevel.objects.all(), required=False, default=None
    )
    language = _text(30)
    page_amount = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=MAX_PAGES
    )
    description = _text(500)
    signer_position = _text(100)
    signer_full_name = _text(50)
    to_places = _text(1000)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    main_file = serializers.FileField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=20
    )
    allow_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Vẫn vào sổ dù hệ thống cảnh báo trùng (đã xem các văn bản trùng).",
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class AssignmentEntryInputSerializer(serializers.Serializer):
    role = IncomingChoiceField(AssignmentRole, "IncomingAssignmentRole")
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, default=None
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True, default=None
    )
    days = _days()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class AssignInputSerializer(serializers.Serializer):
    entries = AssignmentEntryInputSerializer(many=True, allow_empty=False)
    direction_note = _text(5000)
    days = _days(help_text="Hạn xử lý: số ngày làm việc.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class SubAssignInputSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=_staff())
    role = IncomingChoiceField(AssignmentRole, "IncomingAssignmentRole", required=False)
    days = _days()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = _text(5000)


class ReassignInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, default=None
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True, default=None
    )
    days = _days()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = _text(5000)


class CompleteInputSerializer(serializers.Serializer):
    note = _text(5000)


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    kind = serializers.ChoiceField(choices=NOTE_KINDS, default=HandlingNoteKind.OPINION)
    assignment = IdField(required=False, allow_null=True, default=None)
    progress_percent = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )


class SecretGrantInputSerializer(serializers.Serializer):
    user = IdField(help_text="Cán bộ của cơ quan được cấp quyền xem.")


class ListFilterSerializer(serializers.Serializer):
    status = IncomingChoiceField(IncomingStatus, "IncomingStatus", required=False)
    year = serializers.IntegerField(required=False, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)
    urgency = serializers.SlugRelatedField(
        slug_field="code", queryset=UrgencyLevel.objects.all(), required=False
    )
    assigned_to_me = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)


class OverdueFilterSerializer(serializers.Serializer):
    unit = IdField(required=False)
    user = IdField(required=False)


# --- Outputs -----------------------------------------------------------------------------------


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CatalogueRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class IncomingListItemSerializer(serializers.ModelSerializer):
    """One row of a list: metadata only, never file contents."""

    status = IncomingChoiceField(IncomingStatus, "IncomingStatus")
    source = IncomingChoiceField(IncomingSource, "IncomingSource")  # type: ignore[assignment]
    status_code = serializers.SerializerMethodField()
    number_notation = serializers.CharField()
    document_type = CatalogueRefSerializer(read_only=True)
    urgency = CatalogueRefSerializer(read_only=True)

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "arrival_number",
            "arrived_at",
            "document_type",
            "code_number",
            "code_notation",
            "number_notation",
            "issued_on",
            "organ_name",
            "subject",
            "urgency",
            "due_on",
            "status",
            "status_code",
            "source",
            "is_secret",
        ]

    def get_status_code(self, document: IncomingDocument) -> str:
        """QCVN 102:2016 status code (01–06)."""
        return exchange_status_code(document)


class IncomingFileSerializer(serializers.ModelSerializer):
    role = IncomingChoiceField(FileRole, "IncomingFileRole")
    media_type = serializers.CharField(source="stored_file.media_type")
    size = serializers.IntegerField(source="stored_file.size")
    page_count = serializers.IntegerField(source="stored_file.page_count", allow_null=True)
    sha256 = serializers.CharField(source="stored_file.sha256")
    download_url = serializers.SerializerMethodField()
    signature_verdict = serializers.CharField(
        help_text="Kết quả kiểm tra chữ ký số: rỗng nếu chưa kiểm tra hoặc không phải PDF."
    )
    signature_summary = serializers.CharField(help_text="Kết luận bằng tiếng Việt.")
    signature_report_id = serializers.IntegerField(allow_null=True)
    signature_checked_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = IncomingFile
        fields = [
            "id",
            "name",
            "role",
            "media_type",
            "size",
            "page_count",
            "sha256",
            "download_url",
            "signature_verdict",
            "signature_summary",
            "signature_report_id",
            "signature_checked_at",
        ]

    def get_download_url(self, incoming_file: IncomingFile) -> str:
        return reverse(
            "documents-api:incoming-file-download",
            kwargs={"document_id": incoming_file.document_id, "file_id": incoming_file.pk},
        )


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": str(user.display_name)}


class AssignmentSerializer(serializers.ModelSerializer):
    role = IncomingChoiceField(AssignmentRole, "IncomingAssignmentRole")
    status = IncomingChoiceField(AssignmentStatus, "IncomingAssignmentStatus")
    unit = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    assigned_by = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "parent_id",
            "role",
            "unit",
            "assignee",
            "status",
            "due_on",
            "is_overdue",
            "direction_note",
            "assigned_by",
            "on_behalf_of",
            "created_at",
            "completed_at",
            "allowed_actions",
        ]

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_unit(self, assignment: Assignment) -> dict[str, Any] | None:
        unit = assignment.unit
        return None if unit is None else {"id": unit.pk, "name": unit.name}

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_assignee(self, assignment: Assignment) -> dict[str, Any] | None:
        return _person(assignment.assignee)

    @extend_schema_field(NamedRefSerializer())
    def get_assigned_by(self, assignment: Assignment) -> dict[str, Any] | None:
        return _person(assignment.assigned_by)

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_on_behalf_of(self, assignment: Assignment) -> dict[str, Any] | None:
        return _person(assignment.on_behalf_of)

    def get_is_overdue(self, assignment: Assignment) -> bool:
        today = self.context.get("today")
        return bool(
            today
            and assignment.due_on
            and assignment.due_on < today
            and assignment.status in (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
        )

    def get_allowed_actions(self, assignment: Assignment) -> list[str]:
        allowed = self.context.get("allowed")
        return sorted(allowed.assignments.get(assignment.pk, ())) if allowed else []


class HandlingNoteSerializer(serializers.ModelSerializer):
    kind = IncomingChoiceField(HandlingNoteKind, "IncomingHandlingNoteKind")
    author = serializers.SerializerMethodField()

    class Meta:
        model = HandlingNote
        fields = ["id", "kind", "text", "progress_percent", "assignment_id", "author", "created_at"]

    @extend_schema_field(NamedRefSerializer())
    def get_author(self, note: HandlingNote) -> dict[str, Any] | None:
        return _person(note.author)


class HistoryEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="audit | note")
    action = serializers.CharField()
    actor = serializers.CharField()
    text = serializers.CharField()


class RegisterRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    is_secret = serializers.BooleanField()


class IncomingDetailSerializer(IncomingListItemSerializer):
    """Everything about one document: metadata, files, assignments, notes, history."""

    secrecy = CatalogueRefSerializer(read_only=True)
    register = RegisterRefSerializer(read_only=True, allow_null=True)
    issuer = serializers.SerializerMethodField()
    registered_by = serializers.SerializerMethodField()
    files = IncomingFileSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    notes = HandlingNoteSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(IncomingListItemSerializer.Meta):
        fields = [
            *IncomingListItemSerializer.Meta.fields,
            "register",
            "issuer",
            "organ_id",
            "language",
            "page_amount",
            "description",
            "signer_position",
            "signer_full_name",
            "secrecy",
            "to_places",
            "registered_by",
            "source_outgoing_id",
            "completed_at",
            "returned_at",
            "return_reason",
            "files",
            "assignments",
            "notes",
            "history",
            "allowed_actions",
        ]

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_issuer(self, document: IncomingDocument) -> dict[str, Any] | None:
        issuer = document.issuer
        return None if issuer is None else {"id": issuer.pk, "name": issuer.name}

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_registered_by(self, document: IncomingDocument) -> dict[str, Any] | None:
        return _person(document.registered_by)

    @extend_schema_field(HistoryEventSerializer(many=True))
    def get_history(self, document: IncomingDocument) -> list[dict[str, Any]]:
        events = self.context.get("history", [])
        return HistoryEventSerializer(events, many=True).data  # type: ignore[return-value]

    def get_allowed_actions(self, document: IncomingDocument) -> list[str]:
        allowed = self.context.get("allowed")
        return sorted(allowed.document) if allowed else []


class DuplicateMatchSerializer(serializers.Serializer):
    document_id = serializers.IntegerField()
    arrival_number = serializers.IntegerField(allow_null=True)
    arrived_on = serializers.DateField()
    number_notation = serializers.CharField()
    organ_name = serializers.CharField()
    subject = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="same_number, same_file"
    )


class RegistrationSerializer(serializers.Serializer):
    document = IncomingDetailSerializer()
    duplicates = DuplicateMatchSerializer(many=True)


class StampSerializer(serializers.Serializer):
    """Dấu "ĐẾN" (Phụ lục IV)."""

    agency_name = serializers.CharField()
    arrival_number = serializers.IntegerField(allow_null=True)
    arrived_on = serializers.DateField()
    forwarded_to = serializers.ListField(child=serializers.CharField())
    case_file_notation = serializers.CharField()


class OverdueAssignmentSerializer(serializers.ModelSerializer):
    role = IncomingChoiceField(AssignmentRole, "IncomingAssignmentRole")
    status = IncomingChoiceField(AssignmentStatus, "IncomingAssignmentStatus")
    document = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    overdue_days = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "role", "status", "due_on", "overdue_days", "document", "unit", "assignee"]

    @extend_schema_field(IncomingListItemSerializer())
    def get_document(self, assignment: Assignment) -> dict[str, Any]:
        return dict(IncomingListItemSerializer(assignment.document).data)

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_unit(self, assignment: Assignment) -> dict[str, Any] | None:
        unit = assignment.unit or (assignment.assignee.unit if assignment.assignee else None)
        return None if unit is None else {"id": unit.pk, "name": unit.name}

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_assignee(self, assignment: Assignment) -> dict[str, Any] | None:
        return _person(assignment.assignee)

    def get_overdue_days(self, assignment: Assignment) -> int:
        """Calendar days past the deadline."""
        today = self.context["today"]
        return (today - assignment.due_on).days if assignment.due_on else 0


class OverdueCountSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key_id", allow_null=True)
    name = serializers.CharField()
    count = serializers.IntegerField()


class OverdueSummarySerializer(serializers.Serializer):
    by_unit = OverdueCountSerializer(many=True)
    by_person = OverdueCountSerializer(many=True)


class SecretGrantSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    granted_by_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()

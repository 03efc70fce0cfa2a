"""Reads over outgoing documents: lists (never with the body), the reviewer's and the clerk's
work lists, detail with circuit, versions, comments, attachments, recipients and relations.

Every read a user asks for starts from `outgoing_visible_to` (secret documents included)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from congso.documents import access
from congso.documents.access import acting_user_ids, outgoing_visible_to
from congso.documents.constants import OutgoingStatus, ReviewStepStatus, VersionOrigin
from congso.documents.models import (
    DocumentRelation,
    OutgoingAttachment,
    OutgoingComment,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    ReviewStep,
)

LIST_DEFERRED = ("body", "addressed_to")


def _list_base(user: Any) -> QuerySet[OutgoingDocument]:
    return (
        outgoing_visible_to(user)
        .select_related("document_type", "urgency", "secrecy", "created_by", "drafting_unit")
        .defer(*LIST_DEFERRED)
    )


def outgoing_list_visible_to(
    *,
    user: Any,
    status: str | None = None,
    year: int | None = None,
    document_type: str | None = None,
) -> QuerySet[OutgoingDocument]:
    """Outgoing documents `user` may read, newest first; `year` is the year of issue (of
    creation for documents not issued yet)."""
    documents = _list_base(user)
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(
            Q(issued_on__year=year) | Q(issued_on__isnull=True, created_at__year=year)
        )
    if document_type:
        documents = documents.filter(document_type__code=document_type)
    return documents.order_by("-pk")


def outgoing_pending_review_for(*, user: Any) -> QuerySet[OutgoingDocument]:
    """ "Chờ tôi duyệt": documents whose pending step is the user's, or of someone who
    delegated to the user today."""
    acting = acting_user_ids(user)
    mine = ReviewStep.objects.filter(
        document=OuterRef("pk"), status=ReviewStepStatus.PENDING, reviewer_id__in=acting
    )
    return (
        _list_base(user)
        .filter(status=OutgoingStatus.IN_REVIEW)
        .filter(Exists(mine))
        .order_by("-pk")
    )


def outgoing_ready_to_issue_for(*, user: Any) -> QuerySet[OutgoingDocument]:
    """ "Chờ ban hành": approved documents of the clerk's agency."""
    return _list_base(user).filter(status=OutgoingStatus.APPROVED).order_by("-pk")


def outgoing_detail_prefetch(document: OutgoingDocument) -> OutgoingDocument:
    """Load everything the detail page and API show, in a fixed number of queries."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        [document],
        Prefetch(
            "review_steps",
            queryset=ReviewStep.objects.select_related(
                "reviewer", "reviewer__position", "acted_by"
            ).order_by("ordinal"),
        ),
        Prefetch(
            "recipients",
            queryset=OutgoingRecipient.objects.select_related(
                "agency", "delivered_document", "outbox_message"
            ).order_by("pk"),
        ),
        Prefetch(
            "attachments",
            queryset=OutgoingAttachment.objects.select_related("stored_file"),
        ),
        Prefetch(
            "relations_out",
            queryset=DocumentRelation.objects.select_related("target", "target__document_type"),
        ),
        Prefetch(
            "relations_in",
            queryset=DocumentRelation.objects.select_related("source", "source__document_type"),
        ),
    )
    return document


def outgoing_versions_of(document: OutgoingDocument) -> QuerySet[OutgoingVersion]:
    return (
        OutgoingVersion.objects.filter(document=document)
        .select_related("rendered_file", "source_file", "created_by")
        .defer("content", "rendered_file__text_content", "source_file__text_content")
        .order_by("-number")
    )


def outgoing_version_get(document: OutgoingDocument, number: int) -> OutgoingVersion | None:
    return (
        OutgoingVersion.objects.filter(document=document, number=number)
        .select_related("rendered_file", "source_file")
        .first()
    )


def outgoing_issued_version(document: OutgoingDocument) -> OutgoingVersion | None:
    return (
        OutgoingVersion.objects.filter(document=document, origin=VersionOrigin.ISSUED)
        .select_related("rendered_file")
        .order_by("-number")
        .first()
    )


def outgoing_comments_of(document: OutgoingDocument) -> QuerySet[OutgoingComment]:
    return (
        OutgoingComment.objects.filter(document=document)
        .select_related("author", "version")
        .order_by("created_at", "pk")
    )


def outgoing_attachment_get(document: OutgoingDocument, attachment_id: int) -> Any:
    return (
        OutgoingAttachment.objects.filter(document=document, pk=attachment_id)
        .select_related("stored_file")
        .first()
    )


def outgoing_permissions_for(user: Any, document: OutgoingDocument) -> dict[str, bool]:
    """What the screens and the API offer `user` on `document` (the services check again)."""
    pending = next(
        (s for s in document.review_steps.all() if s.status == ReviewStepStatus.PENDING), None
    )
    issued = document.status == OutgoingStatus.ISSUED
    return {
        "can_edit": access.can_edit_outgoing(user, document),
        "can_review": pending is not None and access.can_act_on_review_step(user, pending),
        "can_issue": document.status == OutgoingStatus.APPROVED
        and access.can_issue_outgoing(user, document),
        "can_revoke": issued and access.can_revoke_outgoing(user, document),
    }

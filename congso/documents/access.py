"""The one gate for documents: who may see or act on an incoming or outgoing document.

Rules (one condition per line, so each branch has its test):
- Staff only, and only documents of their own agency (another agency's document does not exist
  for them: 404, never 403).
- A secret document (văn bản mật) is visible only to users with an explicit SecretAccessGrant,
  whatever their role.
- Otherwise clerks, leaders and administrators of the agency see all of its documents;
  other staff see the incoming documents assigned to them or to their unit, and the outgoing
  documents they drafted or have a step in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from congso.core.identity import Role
from congso.documents.errors import DocumentNotFound
from congso.documents.models import (
    Assignment,
    IncomingDocument,
    OutgoingDocument,
    ReviewStep,
    SecretAccessGrant,
)

AGENCY_WIDE_ROLES = (Role.CLERK, Role.LEADER, Role.ADMINISTRATOR)


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == "staff"


def sees_whole_agency(user: Any) -> bool:
    return any(user.has_role(role) for role in AGENCY_WIDE_ROLES)


def _secret_grant_q(user: Any, field: str) -> Q:
    grants = SecretAccessGrant.objects.filter(**{field: OuterRef("pk")}, user_id=user.pk)
    return Q(Exists(grants))


def incoming_visible_to(user: Any) -> QuerySet[IncomingDocument]:
    """Every incoming document `user` may read (lists, search, exports start here)."""
    if not _is_staff(user) or user.agency_id is None:
        return IncomingDocument.objects.none()
    base = IncomingDocument.objects.filter(agency_id=user.agency_id)
    secret_ok = Q(is_secret=True) & _secret_grant_q(user, "incoming")
    if sees_whole_agency(user):
        return base.filter(Q(is_secret=False) | secret_ok)
    assigned = Assignment.objects.filter(document=OuterRef("pk")).filter(
        Q(assignee_id=user.pk) | (Q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[]))
    )
    return base.filter((Q(is_secret=False) & Q(Exists(assigned))) | secret_ok)


def outgoing_visible_to(user: Any) -> QuerySet[OutgoingDocument]:
    if not _is_staff(user) or user.agency_id is None:
        return OutgoingDocument.objects.none()
    base = OutgoingDocument.objects.filter(agency_id=user.agency_id)
    secret_ok = Q(is_secret=True) & _secret_grant_q(user, "outgoing")
    if sees_whole_agency(user):
        return base.filter(Q(is_secret=False) | secret_ok)
    in_circuit = ReviewStep.objects.filter(document=OuterRef("pk"), reviewer_id=user.pk)
    own = Q(created_by_id=user.pk) | Q(signer_id=user.pk) | Q(Exists(in_circuit))
    return base.filter((Q(is_secret=False) & own) | secret_ok)


def access_incoming_by_id(*, user: Any, document_id: int) -> IncomingDocument:
    document = (
        incoming_visible_to(user)
        .select_related("document_type", "urgency", "secrecy", "agency", "register")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise DocumentNotFound(document_id)
    return document


def access_outgoing_by_id(*, user: Any, document_id: int) -> OutgoingDocument:
    document = (
        outgoing_visible_to(user)
        .select_related("document_type", "urgency", "secrecy", "agency", "register")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise DocumentNotFound(document_id)
    return document


def can_register_incoming(user: Any) -> bool:
    return _is_staff(user) and user.agency_id is not None and user.has_role(Role.CLERK)


def can_distribute(user: Any) -> bool:
    """Leaders distribute; a delegate acting for a leader is checked by the service."""
    return _is_staff(user) and (user.has_role(Role.LEADER) or user.has_role(Role.CLERK))

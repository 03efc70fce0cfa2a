"""Read grants for secret documents (văn bản mật), incoming and outgoing alike.

A secret document is visible to the people explicitly granted and to nobody else, whatever their
role (access.py). Grants come from two places:

- automatically, inside the service that makes someone responsible for the document (the clerk
  who registers it, the assignees a leader names, the clerks of an internal recipient agency):
  `secret_grants_ensure`, recorded in that service's own audit entry;
- explicitly, by a leader of the agency or by a clerk who already holds a grant:
  `secret_access_grant`, with its own audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import PermissionDenied
from congso.documents.access import can_grant_secret
from congso.documents.errors import SecretDocumentRule
from congso.documents.models import IncomingDocument, OutgoingDocument, SecretAccessGrant
from congso.documents.services.incoming_common import IncomingAction

Document = IncomingDocument | OutgoingDocument


def _document_field(document: Document) -> str:
    return "incoming" if isinstance(document, IncomingDocument) else "outgoing"


def secret_grants_ensure(*, document: Document, users: Iterable[Any], granted_by: Any) -> list[int]:
    """Give each of `users` a grant on a secret `document` unless they hold one; returns the ids
    of the users newly granted. Does nothing for a document that is not secret. The caller's
    audit entry records the returned ids."""
    if not document.is_secret:
        return []
    field = _document_field(document)
    wanted = {user.pk for user in users if user is not None and user.pk is not None}
    if not wanted:
        return []
    held = set(
        SecretAccessGrant.objects.filter(**{field: document}, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    new = sorted(wanted - held)
    SecretAccessGrant.objects.bulk_create(
        [
            SecretAccessGrant(**{field: document}, user_id=user_id, granted_by=granted_by)
            for user_id in new
        ]
    )
    return new


@transaction.atomic
def secret_access_grant(*, actor: Any, document: Document, user: Any) -> SecretAccessGrant:
    """Let `user` read the secret `document`.

    Only a leader of the document's agency, or a clerk who holds a grant for it, may grant; the
    user must be staff of the same agency (a secret document never leaves it this way). Granting
    twice returns the existing grant and writes nothing.
    """
    if not document.is_secret:
        raise SecretDocumentRule(
            _("Văn bản này không phải văn bản mật, không cần cấp quyền xem."),
            code="not_secret",
        )
    field = _document_field(document)
    ids = {f"{field}_id": document.pk}
    if not can_grant_secret(actor, agency_id=document.agency_id, **ids):
        raise PermissionDenied(
            _("Chỉ lãnh đạo cơ quan hoặc văn thư đã được cấp quyền mới được cấp quyền xem."),
            code="secret_grant_not_allowed",
        )
    if getattr(user, "kind", "") != "staff" or user.agency_id != document.agency_id:
        raise SecretDocumentRule(
            _("Chỉ cấp quyền xem văn bản mật cho cán bộ của cơ quan."),
            code="grant_outside_agency",
            field="user",
        )
    existing = SecretAccessGrant.objects.filter(**{field: document}, user_id=user.pk).first()
    if existing is not None:
        return existing
    grant = SecretAccessGrant(**{field: document}, user=user, granted_by=actor)
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action=IncomingAction.SECRET_GRANTED,
        target=document,
        agency_id=document.agency_id,
        data={"user_id": user.pk, "direction": field},
    )
    return grant

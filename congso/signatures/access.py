"""Object-level gates of the signatures app: missing and forbidden look the same."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from congso.accounts.models import User
from congso.core.errors import NotFound
from congso.signatures.errors import ValidationRecordNotFound
from congso.signatures.models import ExternalSigningSession, ValidationRecord


def access_validation_record_by_id(*, user: User, record_id: int) -> ValidationRecord:
    """The report if `user` may read it: staff of the requesting agency, or the requester."""
    record = (
        ValidationRecord.objects.select_related("requested_by", "agency")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise ValidationRecordNotFound(record_id)
    if user.agency_id is not None and record.agency_id == user.agency_id:
        return record
    if record.requested_by_id is not None and record.requested_by_id == user.pk:
        return record
    raise ValidationRecordNotFound(record_id)


def access_external_session_by_id(*, user: User, session_id: uuid.UUID) -> ExternalSigningSession:
    """A hash-signing session, only for the person who started it; others see it as missing."""
    session = ExternalSigningSession.objects.select_related("key").filter(pk=session_id).first()
    if session is None or session.actor_id != user.pk:
        raise NotFound(_("Không tìm thấy phiên ký."), code="external_session_not_found")
    return session

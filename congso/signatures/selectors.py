"""Reads of the signatures app."""

from __future__ import annotations

from django.db.models import QuerySet

from congso.accounts.models import User
from congso.signatures.constants import KeyPurpose
from congso.signatures.models import SigningKey, ValidationRecord


def signing_key_for_person(*, user: User) -> SigningKey | None:
    return (
        SigningKey.objects.filter(purpose=KeyPurpose.PERSON, owner_id=user.pk, is_active=True)
        .order_by("-created_at")
        .first()
    )


def signing_key_for_agency(*, agency_id: int) -> SigningKey | None:
    return (
        SigningKey.objects.filter(
            purpose=KeyPurpose.ORGANISATION, agency_id=agency_id, is_active=True
        )
        .order_by("-created_at")
        .first()
    )


def validation_record_list_visible_to(*, user: User) -> QuerySet[ValidationRecord]:
    """Reports requested by the user's agency (or by the user, for staff without an agency)."""
    records = ValidationRecord.objects.select_related("requested_by", "agency")
    if user.agency_id is not None:
        return records.filter(agency_id=user.agency_id)
    return records.filter(requested_by_id=user.pk)

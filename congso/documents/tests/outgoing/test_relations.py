"""Revocation, replacement and correction (Nghị định 30/2020/NĐ-CP, Điều 18) and their effects."""

from __future__ import annotations

from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.models import AuditEntry
from congso.core.errors import Conflict, PermissionDenied, ValidationFailed
from congso.core.identity import Role
from congso.documents.constants import IncomingStatus, OutboxStatus, OutgoingStatus, RelationKind
from congso.documents.errors import DocumentNotFound, InvalidTransition
from congso.documents.models import DocumentRelation, IncomingDocument, OutboxMessage
from congso.documents.services import outgoing as services
from congso.documents.services.incoming_internal import incoming_document_accept
from congso.documents.tests.factories import document_type

pytestmark = pytest.mark.django_db
spec = services.RecipientSpec


@pytest.fixture
def issued(
    approved: Any, clerk: Any, recipient_agency: Any, django_capture_on_commit_callbacks: Any
) -> Any:
    def make(**overrides: Any) -> Any:
        overrides.setdefault(
            "recipients", [spec(agency=recipient_agency), spec(name="Báo Kon Tum")]
        )
        document = approved(**overrides)
        with django_capture_on_commit_callbacks(execute=True):
            services.outgoing_document_issue(clerk=clerk, document=document)
        document.refresh_from_db()
        return document

    return make


def test_revocation_freezes_the_document_and_revokes_the_copies(
    issued: Any, clerk: Any, recipient_clerk: Any
) -> None:
    # given: issued; the recipient accepted its copy
    document = issued()
    copy = IncomingDocument.objects.get(source_outgoing=document)
    incoming_document_accept(clerk=recipient_clerk, document=copy)
    # when
    services.outgoing_document_revoke(actor=clerk, document=document, reason="Ban hành nhầm")
    # then
    document.refresh_from_db()
    copy.refresh_from_db()
    assert document.status == OutgoingStatus.REVOKED
    assert document.revoked_at is not None
    assert copy.status == IncomingStatus.REVOKED
    assert "đã bị cơ quan ban hành thu hồi" in copy.description
    assert "Ban hành nhầm" in copy.description
    assert OutboxMessage.objects.get(document=document).status == OutboxStatus.CANCELLED
    entry = AuditEntry.objects.get(action="documents.outgoing_document_revoke")
    assert entry.data == {"reason": "Ban hành nhầm", "outbox_cancelled": 1, "copies_revoked": 1}
    assert AuditEntry.objects.filter(
        action="documents.incoming_marked_by_sender", target_id=str(copy.pk)
    ).exists()


def test_a_copy_still_waiting_for_the_clerk_is_revoked_and_can_no_longer_be_accepted(
    issued: Any, clerk: Any, recipient_clerk: Any
) -> None:
    # given: issued and delivered; the recipient's clerk has not registered its copy yet
    document = issued()
    # when: the issuer revokes it
    services.outgoing_document_revoke(actor=clerk, document=document, reason="Sai thể thức")
    # then: the copy is revoked without a số đến, with the note
    copy = IncomingDocument.objects.get(source_outgoing=document)
    assert copy.status == IncomingStatus.REVOKED
    assert copy.arrival_number is None
    assert "đã bị cơ quan ban hành thu hồi. Lý do: Sai thể thức" in copy.description
    # and the recipient's clerk cannot register it any more
    with pytest.raises(InvalidTransition) as refused:
        incoming_document_accept(clerk=recipient_clerk, document=copy)
    assert refused.value.code == "revoked_by_issuer"
    copy.refresh_from_db()
    assert (copy.status, copy.arrival_number) == (IncomingStatus.REVOKED, None)


def test_a_returned_copy_is_left_as_returned_by_a_revocation(
    issued: Any, clerk: Any, recipient_clerk: Any
) -> None:
    from congso.documents.services.incoming_internal import incoming_document_return_to_sender

    document = issued()
    copy = IncomingDocument.objects.get(source_outgoing=document)
    incoming_document_return_to_sender(clerk=recipient_clerk, document=copy, reason="Gửi nhầm")
    services.outgoing_document_revoke(actor=clerk, document=document, reason="Sai thể thức")
    copy.refresh_from_db()
    assert copy.status == IncomingStatus.RETURNED


def test_revocation_needs_a_reason_an_issued_document_and_authority(
    issued: Any, make_draft: Any, clerk: Any, drafter: Any
) -> None:
    document = issued()
    with pytest.raises(ValidationFailed):
        services.outgoing_document_revoke(actor=clerk, document=document, reason=" ")
    with pytest.raises(PermissionDenied):
        services.outgoing_document_revoke(actor=drafter, document=document, reason="Không")
    with pytest.raises(DocumentNotFound):
        services.outgoing_document_revoke(
            actor=StaffUserFactory.create(roles=[Role.CLERK]), document=document, reason="X"
        )
    with pytest.raises(InvalidTransition):
        services.outgoing_document_revoke(actor=clerk, document=make_draft(), reason="Sớm")
    services.outgoing_document_revoke(actor=clerk, document=document, reason="Lần 1")
    with pytest.raises(InvalidTransition):
        services.outgoing_document_revoke(actor=clerk, document=document, reason="Lần 2")


def test_replacement_takes_effect_when_the_new_document_is_issued(
    issued: Any,
    approved: Any,
    clerk: Any,
    recipient_agency: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: an issued decision and its replacement, declared while still a draft
    old = issued(document_type=document_type("quyet_dinh"), subject="Quy chế (bản đầu)")
    new = approved(
        document_type=document_type("quyet_dinh"),
        subject="Quy chế (thay thế)",
        recipients=[spec(agency=recipient_agency)],
    )
    relation = services.outgoing_document_replace(
        actor=clerk, old=old, new=new, reason="Sai nội dung"
    )
    old.refresh_from_db()
    assert old.status == OutgoingStatus.ISSUED  # nothing happens before issuing
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_document_issue(clerk=clerk, document=new)
    # then
    old.refresh_from_db()
    new.refresh_from_db()
    assert relation.kind == RelationKind.REPLACES
    assert old.status == OutgoingStatus.REPLACED
    copy = IncomingDocument.objects.get(source_outgoing=old)
    assert f"đã được thay thế bởi văn bản số {new.number_notation}" in copy.description
    assert IncomingDocument.objects.filter(source_outgoing=new).exists()


def test_correction_is_a_cong_van_and_notes_the_recipients(
    issued: Any, approved: Any, clerk: Any
) -> None:
    original = issued(document_type=document_type("quyet_dinh"), subject="Quy chế")
    not_a_letter = approved(document_type=document_type("thong_bao"), subject="Thông báo")
    with pytest.raises(ValidationFailed) as caught:
        services.outgoing_document_correct(actor=clerk, original=original, correction=not_a_letter)
    assert caught.value.code == "correction_must_be_official_letter"
    correction = approved(subject="Đính chính Quyết định")
    services.outgoing_document_correct(actor=clerk, original=original, correction=correction)
    with pytest.raises(Conflict):
        services.outgoing_document_correct(actor=clerk, original=original, correction=correction)
    services.outgoing_document_issue(clerk=clerk, document=correction)
    original.refresh_from_db()
    correction.refresh_from_db()
    assert original.status == OutgoingStatus.ISSUED
    copy = IncomingDocument.objects.get(source_outgoing=original)
    assert f"đã được đính chính bởi văn bản số {correction.number_notation}" in copy.description


def test_relations_need_an_issued_target_and_an_unissued_source(
    issued: Any, make_draft: Any, clerk: Any
) -> None:
    first, second = issued(), issued()
    draft = make_draft()
    with pytest.raises(InvalidTransition):
        services.outgoing_document_replace(actor=clerk, old=draft, new=make_draft())
    with pytest.raises(InvalidTransition):
        services.outgoing_document_replace(actor=clerk, old=first, new=second)
    with pytest.raises(ValidationFailed):
        services.outgoing_document_replace(actor=clerk, old=first, new=first)
    assert not DocumentRelation.objects.exists()

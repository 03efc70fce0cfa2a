"""What the reliability test and `congso bench exchange` do INSIDE one installation (run through
`congso exchange-harness …` with that installation's settings): set up its agency and people,
issue documents to the peer through the real issuing services (so the outbox rows exist), accept
what arrived (so status 03 goes back), and count — never assume — what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import OperationalError, transaction
from django.db.models import Count

from congso.accounts.constants import UserKind
from congso.accounts.models import User, UserRole
from congso.audit.models import AuditEntry
from congso.catalogues.models import DocumentType
from congso.core.identity import Role
from congso.documents.constants import IncomingSource, IncomingStatus, OutboxStatus
from congso.documents.models import (
    IncomingDocument,
    IncomingFile,
    OutboxMessage,
    OutgoingRecipient,
)
from congso.exchange.models import ExchangeIncident, ExchangeReceipt, StatusMessage
from congso.exchange.services.common import ExchangeAction
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency, Position

PASSWORD = "MatKhau@2020"  # noqa: S105 (harness people of a scratch database)


@dataclass(frozen=True)
class People:
    agency: Agency
    drafter: User
    signer: User
    clerk: User


def _user(agency: Agency, username: str, full_name: str, role: str, **extra: Any) -> User:
    user, created = User.objects.update_or_create(
        username=username,
        defaults={"full_name": full_name, "kind": UserKind.STAFF, "agency": agency, **extra},
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    UserRole.objects.get_or_create(user=user, role=role)
    return user


@transaction.atomic
def installation_setup(*, code: str, name: str, abbreviation: str) -> People:
    """The agency this installation speaks for on the hub, with a drafter, a signer and a
    clerk (idempotent)."""
    agency, _created = Agency.objects.get_or_create(
        code_qcvn102=code,
        defaults={
            "name": name,
            "abbreviation": abbreviation,
            "kind": AgencyKind.PROVINCIAL_BODY,
            "place_name": "Kon Tum",
            "is_demo_code": True,
        },
    )
    unit, _created = Agency.objects.get_or_create(
        parent=agency,
        abbreviation="VP",
        defaults={"name": "Văn phòng", "kind": AgencyKind.INTERNAL_UNIT},
    )
    slug = abbreviation.lower()
    leader, _created = Position.objects.get_or_create(
        name="Giám đốc", defaults={"is_leadership": True, "rank": 30}
    )
    return People(
        agency=agency,
        drafter=_user(agency, f"{slug}_chuyenvien", "Lê Văn Soạn", Role.SPECIALIST, unit=unit),
        signer=_user(agency, f"{slug}_giamdoc", "Phan Văn Hùng", Role.LEADER, position=leader),
        clerk=_user(agency, f"{slug}_vanthu", "Nguyễn Thị Hoa", Role.CLERK),
    )


def people_of(code: str) -> People:
    agency = Agency.objects.get(code_qcvn102=code)
    users = {u.username.rsplit("_", 1)[-1]: u for u in User.objects.filter(agency=agency)}
    return People(agency, users["chuyenvien"], users["giamdoc"], users["vanthu"])


def documents_issue(
    *,
    code: str,
    peer_code: str,
    peer_name: str,
    count: int,
    attachment: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Issue `count` small công văn of agency `code` to the outside agency `peer_code`, each
    through draft → submit → approve → issue, which renders the PDF and writes the outbox row
    in the issuing transaction (the send is scheduled after commit). `attachment`: a file
    attached to each (streamed, e.g. the benchmark's 200 MB PDF)."""
    from congso.documents.services import outgoing as outgoing_services
    from congso.documents.services.outgoing_common import RecipientSpec
    from congso.documents.services.outgoing_drafting import outgoing_attachment_add

    people = people_of(code)
    kind = DocumentType.objects.get(code="cong_van")
    issued: list[int] = []
    for index in range(count):
        document = outgoing_services.outgoing_draft_create(
            author=people.drafter,
            document_type=kind,
            subject=f"Báo cáo tình hình ứng dụng công nghệ thông tin, lượt {index + 1}",
            body="Đề nghị quý cơ quan báo cáo tình hình.\nTrân trọng.",
            signer=people.signer,
            recipients=[RecipientSpec(name=peer_name, organ_id=peer_code)],
        )
        if attachment is not None:
            with attachment.open("rb") as stream:
                outgoing_attachment_add(
                    actor=people.drafter, document=document, stream=stream,
                    file_name=attachment.name,
                )  # fmt: skip
        outgoing_services.outgoing_document_submit(actor=people.drafter, document=document)
        outgoing_services.outgoing_step_approve(actor=people.signer, document=document)
        document.refresh_from_db()
        outgoing_services.outgoing_document_issue(clerk=people.clerk, document=document)
        issued.append(document.pk)
        if progress is not None:
            progress(index + 1)
    _texts_fill()
    return issued


def _texts_fill() -> None:
    """Fill the text of the PDFs just rendered here, as a worker's text task would later: the
    timed exchange then does not also pay for issuing's search text (the queued tasks find it
    done, one query each)."""
    from congso.documents.models import StoredFile
    from congso.documents.services.files import PDF, stored_files_text_fill

    pending = list(
        StoredFile.objects.filter(media_type=PDF, text_content="").values_list("pk", flat=True)
    )
    for start in range(0, len(pending), 200):
        stored_files_text_fill(file_ids=pending[start : start + 200])


def received_accept(*, code: str, limit: int = 200) -> int:
    """The clerk of `code` accepts every document that arrived through the hub and still waits
    (status 03 is queued in each acceptance's transaction). Returns how many were accepted."""
    from congso.documents.services.incoming_internal import incoming_document_accept

    people = people_of(code)
    waiting = list(
        IncomingDocument.objects.filter(
            agency=people.agency, source=IncomingSource.EXCHANGE, status=IncomingStatus.RECEIVED
        ).order_by("pk")[:limit]
    )
    accepted = 0
    for document in waiting:
        try:
            incoming_document_accept(clerk=people.clerk, document=document)
        except OperationalError:  # a deadlock PostgreSQL broke: the clerk clicks again later
            continue
        accepted += 1
    return accepted


def received_accept_until(*, code: str, expected: int, deadline_s: float, pause: float) -> int:
    """Keep accepting until `expected` documents from outside were accepted (or time is up)."""
    accepted = 0
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop:
        done = received_accept(code=code)
        accepted += done
        if done == 0:
            waiting = IncomingDocument.objects.filter(
                agency__code_qcvn102=code, source=IncomingSource.EXCHANGE
            ).exclude(status=IncomingStatus.RECEIVED)
            if waiting.count() >= expected:
                break
            time.sleep(pause)
    return accepted


def _grouped(queryset: Any, field: str) -> dict[str, int]:
    return {
        str(row[field]): int(row["n"])
        for row in queryset.values(field).annotate(n=Count("pk")).order_by(field)
    }


def counts(*, code: str, peer_code: str) -> dict[str, Any]:
    """Everything the reliability test checks, counted in this installation's database."""
    incoming = IncomingDocument.objects.filter(
        agency__code_qcvn102=code, source=IncomingSource.EXCHANGE, organ_id=peer_code
    )
    distinct_incoming = incoming.values("code_number", "code_notation", "issued_on").distinct()
    receipts = ExchangeReceipt.objects.filter(sender_code=peer_code, recipient_code=code)
    duplicate_receipts = (
        receipts.values("sender_code", "document_id", "recipient_code")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    outbox = OutboxMessage.objects.filter(document__agency__code_qcvn102=code)
    recipients = OutgoingRecipient.objects.filter(
        document__agency__code_qcvn102=code, organ_id=peer_code, agency__isnull=True
    )
    # the PDF signature check at registration: "unsigned" without a signer at the peer, "valid"
    # when the peer signs and this installation trusts its PKI; "" (not checked) for other files
    verdicts = _grouped(IncomingFile.objects.filter(document__in=incoming), "signature_verdict")
    applied = AuditEntry.objects.filter(action=ExchangeAction.STATUS_APPLIED)
    applied_pairs: dict[str, set[Any]] = {}
    for data in applied.values_list("data", flat=True).iterator():
        applied_pairs.setdefault(str(data.get("status_code")), set()).add(data.get("recipient_id"))
    return {
        "code": code,
        "outbox": _grouped(outbox, "status"),
        "outbox_attempts_max": max(outbox.values_list("attempts", flat=True), default=0),
        "recipients": recipients.count(),
        "recipient_status": _grouped(recipients, "exchange_status_code"),
        "statuses_applied": {k: len(v) for k, v in sorted(applied_pairs.items())},
        "statuses_applied_entries": applied.count(),
        "incoming": incoming.count(),
        "incoming_distinct": distinct_incoming.count(),
        "incoming_status": _grouped(incoming, "status"),
        "incoming_verdicts": {(verdict or "unchecked"): n for verdict, n in verdicts.items()},
        "receipts": receipts.count(),
        "duplicate_receipts": duplicate_receipts,
        "status_messages": {
            f"{row['status_code']}:{row['state']}": int(row["n"])
            for row in StatusMessage.objects.filter(from_code=code)
            .values("status_code", "state")
            .annotate(n=Count("pk"))
            .order_by("status_code", "state")
        },
        "incidents": _grouped(ExchangeIncident.objects.all(), "code"),
        "sent_ok": outbox.filter(status=OutboxStatus.SENT).count(),
    }


def timeline(*, code: str) -> dict[str, dict[str, float]]:
    """Per hub message id of a document package, the epoch seconds of each stage this
    installation saw (the benchmark's timeline): as sender, the outbox row written ("created"),
    sent to the hub ("sent"), statuses 01 / 03 applied ("applied_01", "applied_03"); as
    receiver, registered ("registered", 01 queued in the same transaction), 01 sent
    ("sent_01"), accepted by the clerk ("accepted", 03 queued), 03 sent ("sent_03")."""
    rows: dict[str, dict[str, float]] = {}

    def put(message_id: str, stage: str, at: Any) -> None:
        if message_id and at is not None:
            rows.setdefault(message_id, {})[stage] = at.timestamp()

    outbox = OutboxMessage.objects.filter(document__agency__code_qcvn102=code)
    by_recipient: dict[int, str] = {}
    for recipient_id, hub_id, created, sent in outbox.values_list(
        "recipient_id", "hub_message_id", "created_at", "sent_at"
    ):
        by_recipient[recipient_id] = hub_id
        put(hub_id, "created", created)
        put(hub_id, "sent", sent)
    applied = AuditEntry.objects.filter(action=ExchangeAction.STATUS_APPLIED)
    for data, at in applied.values_list("data", "occurred_at").iterator():
        hub_id = by_recipient.get(int(data.get("recipient_id") or 0), "")
        stage = f"applied_{data.get('status_code')}"
        if hub_id and stage not in rows.get(hub_id, {}):
            put(hub_id, stage, at)
    receipts = ExchangeReceipt.objects.filter(recipient_code=code)
    for hub_id, created in receipts.values_list("hub_message_id", "created_at"):
        put(hub_id, "registered", created)
    replies = StatusMessage.objects.filter(from_code=code, receipt__isnull=False)
    for hub_id, status, queued, sent in replies.values_list(
        "receipt__hub_message_id", "status_code", "occurred_at", "sent_at"
    ):
        if status == "03":
            put(hub_id, "accepted", queued)
        put(hub_id, f"sent_{status}", sent)
    return rows

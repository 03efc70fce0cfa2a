"""Checking the audit log: every entry intact, in order, none missing, the head on the last one.

Entries are read in sequence order in chunks (constant memory). For each entry the hash is
recomputed with the canonical serialisation of `congso.audit.services`, its `prev_hash` must be the
hash of the entry before it, and sequence numbers must run 1, 2, … N without a gap. The chain head
(`AuditChainHead`) must name the last entry, so a deleted tail is noticed too. The first break is
reported; what follows a break is not examined.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.audit.models import AuditChainHead, AuditEntry
from congso.audit.payload import GENESIS_HASH, entry_hash_of, entry_payload

CHUNK_SIZE = 2000


class BreakKind(models.TextChoices):
    EDITED = "edited", gettext_lazy("nội dung bị sửa")
    MISSING = "missing", gettext_lazy("bị xóa/thiếu")
    REORDERED = "reordered", gettext_lazy("sai thứ tự")
    HEAD_MISMATCH = "head_mismatch", gettext_lazy("đầu chuỗi không khớp với mục cuối")


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first entry at which the chain does not hold."""

    kind: BreakKind
    sequence: int
    entry_id: int | None  # None when the entry is missing
    action: str
    detail: str = ""

    def describe(self) -> str:
        where = _("Mục #%(sequence)d") % {"sequence": self.sequence}
        if self.entry_id is not None:
            where += _(" (id=%(id)d, hành động “%(action)s”)") % {
                "id": self.entry_id,
                "action": self.action,
            }
        text = f"{where}: {self.kind.label}"
        return f"{text} — {self.detail}" if self.detail else text


@dataclass(frozen=True, slots=True)
class VerificationResult:
    checked: int  # entries found intact before the first break (all of them when ok)
    first_break: ChainBreak | None = None

    @property
    def is_ok(self) -> bool:
        return self.first_break is None


def _head() -> tuple[int, str]:
    row = AuditChainHead.objects.filter(id=1).values_list("last_sequence", "last_hash").first()
    return row if row is not None else (0, GENESIS_HASH)


def _broken_link(entry: AuditEntry, previous: AuditEntry | None) -> ChainBreak:
    """Say why `entry.prev_hash` is not the hash of the entry before it."""
    origin = (
        AuditEntry.objects.filter(entry_hash=entry.prev_hash)
        .values_list("sequence", flat=True)
        .first()
    )
    if origin is not None:
        return ChainBreak(
            BreakKind.REORDERED,
            entry.sequence,
            entry.pk,
            entry.action,
            _("mục này được ghi ngay sau mục nay mang số #%(origin)d") % {"origin": origin},
        )
    if previous is None:
        return ChainBreak(
            BreakKind.EDITED,
            entry.sequence,
            entry.pk,
            entry.action,
            _("mục đầu tiên không nối vào gốc chuỗi"),
        )
    # The entry before was rewritten, hash included: its old hash survives only here.
    return ChainBreak(
        BreakKind.EDITED,
        previous.sequence,
        previous.pk,
        previous.action,
        _("băm của mục đã bị tính lại; mục #%(next)d vẫn giữ băm cũ") % {"next": entry.sequence},
    )


def _check_tail(last: AuditEntry | None, head_sequence: int, head_hash: str) -> ChainBreak | None:
    last_sequence = last.sequence if last is not None else 0
    last_hash = last.entry_hash if last is not None else GENESIS_HASH
    if last_sequence > head_sequence:
        # Appended while we were reading? Then the head has moved on since.
        head_sequence, head_hash = _head()
    if last_sequence < head_sequence:
        return ChainBreak(
            BreakKind.MISSING,
            last_sequence + 1,
            None,
            "",
            _("đầu chuỗi ghi mục cuối là #%(head)d") % {"head": head_sequence},
        )
    if last_sequence == head_sequence and last_hash == head_hash:
        return None
    return ChainBreak(
        BreakKind.HEAD_MISMATCH,
        last_sequence,
        last.pk if last is not None else None,
        last.action if last is not None else "",
        _("đầu chuỗi ghi #%(head)d") % {"head": head_sequence},
    )


def audit_chain_verify(*, chunk_size: int = CHUNK_SIZE) -> VerificationResult:
    """Walk the whole log once and return how many entries hold and the first break, if any."""
    head_sequence, head_hash = _head()
    entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    previous: AuditEntry | None = None
    checked = 0
    for entry in entries:
        expected_sequence = checked + 1
        if entry.sequence > expected_sequence:
            return VerificationResult(
                checked,
                ChainBreak(
                    BreakKind.MISSING,
                    expected_sequence,
                    None,
                    "",
                    _("mục còn lại kế tiếp là #%(sequence)d (id=%(id)d, “%(action)s”)")
                    % {"sequence": entry.sequence, "id": entry.pk, "action": entry.action},
                ),
            )
        if entry.sequence < expected_sequence:
            return VerificationResult(
                checked, ChainBreak(BreakKind.REORDERED, entry.sequence, entry.pk, entry.action)
            )
        expected_prev = previous.entry_hash if previous is not None else GENESIS_HASH
        if entry.prev_hash != expected_prev:
            found = _broken_link(entry, previous)
            return VerificationResult(min(checked, found.sequence - 1), found)
        if entry_hash_of(prev_hash=entry.prev_hash, payload=entry_payload(entry)) != (
            entry.entry_hash
        ):
            return VerificationResult(
                checked, ChainBreak(BreakKind.EDITED, entry.sequence, entry.pk, entry.action)
            )
        previous = entry
        checked += 1
    return VerificationResult(checked, _check_tail(previous, head_sequence, head_hash))

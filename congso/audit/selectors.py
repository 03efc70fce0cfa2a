"""Reading the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from congso.audit.models import AuditEntry


def audit_entry_list(
    *, target_type: str = "", target_id: str = "", action: str = ""
) -> QuerySet[AuditEntry]:
    """Entries, optionally about one kind of object, one object, or one action (newest first)."""
    entries = AuditEntry.objects.order_by("-sequence")
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if action:
        entries = entries.filter(action=action)
    return entries

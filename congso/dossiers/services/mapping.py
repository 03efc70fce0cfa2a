"""The editable local status → national portal status table (standards.md §6.3: keep a table)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import ValidationFailed
from congso.dossiers.constants import DossierAction, DossierStatus
from congso.dossiers.models import PortalStatusMapping

PORTAL_CODES = range(1, 11)


@transaction.atomic
def portal_status_mapping_set(
    *, actor: Any, status: str, portal_code: int, portal_name: str = ""
) -> PortalStatusMapping:
    """Map a local status to a TrangThaiHoSo code 1–10 (audited)."""
    if status not in DossierStatus.values or status == DossierStatus.DRAFT:
        raise ValidationFailed(_("Trạng thái không hợp lệ."), code="invalid_status", field="status")
    if portal_code not in PORTAL_CODES:
        raise ValidationFailed(
            _("Mã trạng thái trên Cổng phải từ 1 đến 10."),
            code="invalid_portal_code",
            field="portal_code",
        )
    row, _created = PortalStatusMapping.objects.update_or_create(
        status=status, defaults={"portal_code": portal_code, "portal_name": portal_name[:100]}
    )
    audit_record(
        actor=actor,
        action=DossierAction.PORTAL_MAPPING_SET,
        target=row,
        data={"status": status, "portal_code": portal_code},
    )
    return row

"""Catalogue pull (LayThuTuc) into the procedures drift report, dossier lookup (TraCuuHoSo), and
the local catalogue written in the LayThuTuc shape (to seed the simulator for the demo)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from congso.audit.services import audit_record
from congso.catalogues.models import ProcedureField
from congso.core.errors import ValidationFailed
from congso.portalsync.adapter import PortalAdapter, get_adapter
from congso.portalsync.constants import PortalsyncAction
from congso.procedures.drift import DriftReport, parse_national_list, procedure_drift
from congso.procedures.services import procedure_export


def _madonvi(madonvi: str | None) -> str:
    value = madonvi or settings.PORTALSYNC_DEFAULT_MADONVI
    if not value:
        raise ValidationFailed(
            "Cần mã đơn vị (madonvi) hoặc đặt PORTALSYNC_DEFAULT_MADONVI.",
            code="portalsync_no_madonvi",
            field="madonvi",
        )
    return value


def portal_catalogue_pull(
    *,
    actor: Any,
    madonvi: str | None = None,
    code: str | None = None,
    adapter: PortalAdapter | None = None,
) -> list[dict[str, Any]]:
    """The portal's procedure list (LayThuTuc), exactly as it answered."""
    procedures = (adapter or get_adapter()).procedures(_madonvi(madonvi), code)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=PortalsyncAction.CATALOGUE_PULLED,
            data={"count": len(procedures), "code": code or ""},
        )
    return procedures


def portal_catalogue_drift(
    *, actor: Any, madonvi: str | None = None, adapter: PortalAdapter | None = None
) -> DriftReport:
    """Pull the national list and compare it with the local catalogue (procedures' drift report)."""
    national = portal_catalogue_pull(actor=actor, madonvi=madonvi, adapter=adapter)
    return procedure_drift(parse_national_list(national))


def portal_dossier_lookup(
    *, ma_ho_so: str, madonvi: str | None = None, adapter: PortalAdapter | None = None
) -> dict[str, Any] | None:
    """What the portal holds for a dossier code (None when it does not know it)."""
    if madonvi is None and "-" in ma_ho_so:
        madonvi = ma_ho_so.split("-", 1)[0]
    return (adapter or get_adapter()).lookup(_madonvi(madonvi), ma_ho_so)


def catalogue_as_lay_thu_tuc() -> list[dict[str, Any]]:
    """The local catalogue in the LayThuTuc answer shape (seed file for the simulator)."""
    procedures = procedure_export()["procedures"]
    names = dict(ProcedureField.objects.values_list("code", "name"))
    return [
        {
            "MATTHC": p["national_code"] or p["code"],
            "TENTTHC": p["name"],
            "CAPTHUCHIEN": p["level"],
            "LINHVUCTHUCHIEN": [{"MALINHVUC": p["field"], "TENLINHVUC": names.get(p["field"], "")}],
            "THOIHANGIAIQUYET": p["processing_days"],
        }
        for p in procedures
    ]

"""Reconciliation differences as CSV or Excel (one row per dossier)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from congso.dossiers.constants import DossierStatus
from congso.portalsync.models import PortalReconciliationRun
from congso.portalsync.selectors import reconciliation_differences

HEADERS = [
    "Mã hồ sơ",
    "Trạng thái trên congso",
    "Mã Cổng tương ứng",
    "Mã trên Cổng",
    "Vấn đề",
    "Còn bản tin chờ gửi",
    "Ghi chú",
]


def reconciliation_rows(run: PortalReconciliationRun) -> list[list[Any]]:
    rows = []
    for item in reconciliation_differences(run):
        try:
            local = str(DossierStatus(item.local_status).label)
        except ValueError:
            local = item.local_status
        rows.append(
            [
                item.ma_ho_so,
                local,
                item.expected_portal_status,
                "" if item.portal_status is None else item.portal_status,
                item.get_issue_display(),
                "có" if item.has_pending_outbox else "không",
                item.note,
            ]
        )
    return rows


def reconciliation_csv(run: PortalReconciliationRun) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(reconciliation_rows(run))
    return buffer.getvalue()


def reconciliation_xlsx(run: PortalReconciliationRun) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Doi soat Cong DVC"
    sheet.append(HEADERS)
    for row in reconciliation_rows(run):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

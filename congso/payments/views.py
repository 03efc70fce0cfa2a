"""HTTP of the payments app: the callback endpoint, the test bank's page, reconciliation."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from congso.payments.access import can_reconcile
from congso.payments.constants import PaymentStatus, ReconciliationIssue
from congso.payments.errors import PaymentRejected
from congso.payments.selectors import ReconciliationRow, payment_reconciliation
from congso.payments.services import (
    payment_callback_receive,
    test_bank_order_check,
    test_bank_respond,
)

EXPORT_HEADERS = [
    "Mã thanh toán",
    "Hồ sơ",
    "Số tiền (đồng)",
    "Trạng thái",
    "Thời điểm thanh toán",
    "Kết quả hợp lệ",
    "Kết quả bị từ chối",
    "Mã giao dịch ngân hàng",
    "Số tiền ngân hàng",
    "Trạng thái ngân hàng",
    "Khớp",
    "Chênh lệch",
]


def _remote_addr(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@csrf_exempt  # the provider's server and the payer's browser post no CSRF token; the HMAC rules
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's result: GET = the payer's browser sent back (return URL), POST = the
    provider's server-to-server notification (IPN, answered in JSON)."""
    is_ipn = request.method == "POST"
    data = request.POST if is_ipn else request.GET
    try:
        result = payment_callback_receive(
            payload=data.dict(),
            channel="ipn" if is_ipn else "return",
            remote_addr=_remote_addr(request),
        )
    except PaymentRejected as error:
        if is_ipn:
            return JsonResponse(
                {"error": {"code": error.code, "message": error.message}}, status=400
            )
        return render(request, "payments/callback_error.html", {"error": error}, status=400)
    if is_ipn:
        return JsonResponse({"result": "ok", "outcome": result.outcome})
    return redirect(result.payment.return_path)


@require_http_methods(["GET", "POST"])
def test_bank_pay(request: HttpRequest) -> HttpResponse:
    """The local test bank: shows the order, the payer presses "Thanh toán" or "Hủy giao dịch"."""
    params = request.POST if request.method == "POST" else request.GET
    try:
        order = test_bank_order_check(params.dict())
    except PaymentRejected as error:
        return render(request, "payments/test_bank_error.html", {"error": error}, status=400)
    if request.method == "POST":
        url = test_bank_respond(params=params.dict(), pay=request.POST.get("action") == "pay")
        return redirect(url)
    return render(
        request,
        "payments/test_bank.html",
        {"order": order, "amount": int(order["amount"])},
    )


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("ngay", "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()


def _guard(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("web:login"))
    if not can_reconcile(request.user):
        return HttpResponseForbidden(
            _("Chỉ cán bộ một cửa và quản trị hệ thống được xem đối soát thanh toán.")
        )
    return None


@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    day = _day(request)
    rows = payment_reconciliation(day)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "day": day,
            "rows": rows,
            "issue_labels": dict(ReconciliationIssue.choices),
            "status_labels": dict(PaymentStatus.choices),
            "paid_total": sum(r.amount or 0 for r in rows if r.status == PaymentStatus.PAID),
            "mismatches": sum(1 for r in rows if not r.is_matched),
        },
    )


def _export_values(row: ReconciliationRow) -> list[Any]:
    labels = dict(ReconciliationIssue.choices)
    statuses = dict(PaymentStatus.choices)
    paid_at = timezone.localtime(row.paid_at).strftime("%d/%m/%Y %H:%M") if row.paid_at else ""  # type: ignore[arg-type]
    return [
        row.reference,
        row.dossier_ref,
        row.amount if row.amount is not None else "",
        str(statuses.get(row.status, row.status)),
        paid_at,
        row.accepted_callbacks,
        row.rejected_callbacks,
        row.provider_transaction_id,
        row.provider_amount if row.provider_amount is not None else "",
        row.provider_status,
        "Có" if row.is_matched else "Không",
        "; ".join(str(labels[issue]) for issue in row.issues),
    ]


@require_GET
def reconciliation_export(request: HttpRequest) -> HttpResponse:
    """CSV (UTF-8 with BOM, opens in Excel) or Excel (.xlsx) of the day's reconciliation."""
    refused = _guard(request)
    if refused is not None:
        return refused
    day = _day(request)
    rows = [_export_values(row) for row in payment_reconciliation(day)]
    name = f"doi-soat-thanh-toan-{day:%Y-%m-%d}"
    if request.GET.get("dinh_dang") == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Đối soát"
        sheet.append(EXPORT_HEADERS)
        for values in rows:
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(EXPORT_HEADERS)
    writer.writerows(rows)
    response = HttpResponse(
        ("\ufeff" + text.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response

"""Staff page of the portal sync: failed and retrying messages, the last reconciliation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from congso.core.errors import CongsoError
from congso.portalsync.access import can_manage_portal_sync
from congso.portalsync.exports import reconciliation_csv, reconciliation_xlsx
from congso.portalsync.models import PortalReconciliationRun
from congso.portalsync.selectors import (
    outbox_problems,
    reconciliation_differences,
    reconciliation_latest,
)
from congso.portalsync.services.outbox import portal_outbox_resend


def _check(request: HttpRequest) -> None:
    """Staff administrators and one-stop officers only (a citizen account has no such role)."""
    if not can_manage_portal_sync(request.user):
        raise DjangoPermissionDenied


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _check(request)
    run = reconciliation_latest()
    return render(
        request,
        "portalsync/overview.html",
        {
            "problems": outbox_problems()[:200],
            "run": run,
            "differences": reconciliation_differences(run)[:500] if run else [],
        },
    )


@login_required
@require_POST
def resend(request: HttpRequest, outbox_id: int) -> HttpResponse:
    _check(request)
    try:
        portal_outbox_resend(actor=request.user, outbox_id=outbox_id)
        messages.success(request, "Đã đưa bản tin vào hàng đợi gửi lại.")
    except CongsoError as error:
        messages.error(request, error.message)
    return redirect("portalsync:overview")


@login_required
def export(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    _check(request)
    run = get_object_or_404(PortalReconciliationRun, pk=run_id)
    name = f"doi-soat-cong-dvc-{run.started_at:%Y%m%d-%H%M}"
    if fmt == "xlsx":
        response = HttpResponse(
            reconciliation_xlsx(run),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(reconciliation_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response

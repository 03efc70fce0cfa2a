"""The reports page (/van-ban/bao-cao/): choose a register or the handling report, a period, a
unit and a format; the download comes back as PDF or Excel, errors come back on the form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core.errors import CongsoError
from congso.documents.access import sees_whole_agency
from congso.documents.reports.excel import report_xlsx
from congso.documents.reports.pdf import report_pdf
from congso.documents.reports.tables import TableReport
from congso.documents.services.registers_report import (
    handling_report,
    incoming_register_report,
    outgoing_register_report,
)
from congso.documents.views.common import staff_required
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency

KINDS = [
    ("incoming", _("Sổ đăng ký văn bản đến")),
    ("outgoing", _("Sổ đăng ký văn bản đi")),
    ("handling", _("Báo cáo tình hình giải quyết văn bản đến")),
]
OUTPUTS = {
    "pdf": ("application/pdf", report_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_xlsx),
}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=KINDS, widget=forms.RadioSelect)
    start = forms.DateField(
        label=_("Từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    end = forms.DateField(
        label=_("Đến ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị (báo cáo giải quyết)"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Toàn cơ quan"),
    )
    group_by = forms.ChoiceField(
        label=_("Thống kê theo"),
        choices=[("unit", _("Đơn vị")), ("person", _("Cá nhân"))],
        initial="unit",
        required=False,
    )
    secret = forms.BooleanField(label=_("Sổ văn bản mật"), required=False)
    output = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("pdf", "PDF"), ("xlsx", "Excel (.xlsx)")],
        initial="pdf",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Agency.objects.filter(
            parent_id=agency_id, kind=AgencyKind.INTERNAL_UNIT, is_active=True
        ).order_by("name")


def _build(user: Any, values: dict[str, Any]) -> TableReport:
    common = {"user": user, "start": values["start"], "end": values["end"]}
    if values["kind"] == "incoming":
        return incoming_register_report(**common, secret=values["secret"])
    if values["kind"] == "outgoing":
        return outgoing_register_report(**common, secret=values["secret"])
    unit = values.get("unit")
    return handling_report(
        **common, unit_id=unit.pk if unit else None, group_by=values.get("group_by") or "unit"
    )


@staff_required
def reports_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    if "kind" not in request.GET:
        form = ReportForm(
            agency_id=user.agency_id,
            initial={
                "kind": "incoming",
                "start": date(today.year, 1, 1),
                "end": today,
                "output": "pdf",
                "group_by": "unit",
            },
        )
        return render(
            request,
            "documents/reports/reports.html",
            {"form": form, "may_print": sees_whole_agency(user)},
        )
    form = ReportForm(request.GET, agency_id=user.agency_id)
    status = 400
    if form.is_valid():
        values = form.cleaned_data
        try:
            report = _build(user, values)
            media_type, render_file = OUTPUTS[values["output"]]
            content = render_file(report)
        except CongsoError as error:
            form.add_error(None, error.message)
            status = error.http_status
        else:
            response = HttpResponse(content, content_type=media_type)
            response["Content-Disposition"] = (
                f'attachment; filename="{report.file_stem}.{values["output"]}"'
            )
            return response
    return render(
        request,
        "documents/reports/reports.html",
        {"form": form, "may_print": sees_whole_agency(user)},
        status=status,
    )

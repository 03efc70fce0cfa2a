"""Case file pages (/van-ban/ho-so/): list and open files, build them, close and export them.

Hồ sơ công việc, Nghị định 30/2020/NĐ-CP, Phụ lục VI, part III (standards.md §3.6). The pages only
parse the form, call one service or selector of `services/casefiles.py` /
`selectors/casefiles.py` and render; a refused action shows the service's Vietnamese message on
the detail page. A file the user may not see (another agency's, or one holding a document they
may not read) is a 404, exactly as in the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congso.core.errors import CongsoError, NotFound
from congso.documents.access import (
    access_case_file_by_id,
    can_edit_case_file,
    incoming_visible_to,
    outgoing_visible_to,
)
from congso.documents.constants import Direction
from congso.documents.selectors.casefiles import (
    case_file_documents,
    case_file_summary,
    case_files_list_with_totals,
)
from congso.documents.services.casefiles import (
    EXPORT_FORMATS,
    CaseFileData,
    case_file_add_document,
    case_file_close,
    case_file_create,
    case_file_export,
    case_file_remove_document,
    case_file_reorder,
)
from congso.documents.views.common import staff_required

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
LIST_LIMIT = 200
RECENT_LIMIT = 20


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseFileForm(forms.Form):
    """The fields of Phụ lục VI part III the person opening the file types."""

    notation = forms.CharField(label=gettext_lazy("Số và ký hiệu hồ sơ"), max_length=20)
    title = forms.CharField(label=gettext_lazy("Tiêu đề hồ sơ"), max_length=500)
    year = forms.IntegerField(label=gettext_lazy("Năm hình thành hồ sơ"), required=False)
    maintenance = forms.CharField(
        label=gettext_lazy("Thời hạn bảo quản"),
        max_length=30,
        help_text=gettext_lazy("Ví dụ: Vĩnh viễn, 10 năm"),
    )
    rights = forms.CharField(
        label=gettext_lazy("Chế độ sử dụng"),
        max_length=30,
        help_text=gettext_lazy("Ví dụ: Công khai, Hạn chế"),
    )
    language = forms.CharField(
        label=gettext_lazy("Ngôn ngữ"), max_length=50, required=False, initial="Tiếng Việt"
    )
    start_on = forms.DateField(
        label=gettext_lazy("Thời gian bắt đầu"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
    )
    description = forms.CharField(
        label=gettext_lazy("Ghi chú"), max_length=500, required=False, widget=forms.Textarea
    )


class AddDocumentForm(forms.Form):
    """A document by direction and id, or one picked from the user's recent documents."""

    recent = forms.ChoiceField(label=gettext_lazy("Văn bản gần đây"), required=False)
    direction = forms.ChoiceField(
        label=gettext_lazy("Loại văn bản"), choices=Direction.choices, required=False
    )
    document_id = forms.IntegerField(
        label=gettext_lazy("Mã văn bản"), min_value=1, max_value=2**31 - 1, required=False
    )

    def __init__(self, *args: Any, recent: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["recent"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— Chọn văn bản —")), *(recent or [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        picked = data.get("recent") or ""
        if picked:
            direction, _sep, number = picked.partition(":")
            data["direction"], data["document_id"] = direction, int(number)
        elif not (data.get("direction") and data.get("document_id")):
            raise forms.ValidationError(
                _("Chọn một văn bản gần đây, hoặc nhập loại và mã văn bản.")
            )
        return data


class CloseForm(forms.Form):
    end_on = forms.DateField(
        label=gettext_lazy("Thời gian kết thúc"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text=gettext_lazy("Để trống: hôm nay."),
    )


def _recent_documents(user: Any) -> list[tuple[str, str]]:
    """The user's latest readable documents, as choices "direction:id"."""
    choices: list[tuple[str, str]] = []
    label_in, label_out = _("Đến"), _("Đi")
    for document in incoming_visible_to(user).order_by("-pk")[:RECENT_LIMIT]:
        name = document.number_notation or "—"
        choices.append((f"incoming:{document.pk}", f"{label_in} {name}: {document.subject[:80]}"))
    for outgoing in outgoing_visible_to(user).order_by("-pk")[:RECENT_LIMIT]:
        name = outgoing.number_notation or _("dự thảo")
        choices.append((f"outgoing:{outgoing.pk}", f"{label_out} {name}: {outgoing.subject[:80]}"))
    return choices


def _case_file_or_404(user: Any, case_file_id: int) -> Any:
    try:
        return access_case_file_by_id(user=user, case_file_id=case_file_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _render_detail(
    request: HttpRequest,
    case_file_id: int,
    *,
    error: str = "",
    status: int = 200,
    add_form: AddDocumentForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    user: Any = request.user
    case_file = _case_file_or_404(user, case_file_id)
    documents = case_file_documents(case_file)
    editable = can_edit_case_file(user, case_file) and not case_file.is_closed
    recent = _recent_documents(user) if editable else []
    context = {
        "case_file": case_file,
        "summary": case_file_summary(case_file, documents),
        "documents": documents,
        "editable": editable,
        "error": error,
        "add_form": add_form or AddDocumentForm(recent=recent),
        "close_form": close_form or CloseForm(),
        "export_formats": list(EXPORT_FORMATS),
    }
    return render(request, "documents/casefiles/detail.html", context, status=status)


def _refused(request: HttpRequest, case_file_id: int, error: CongsoError) -> HttpResponse:
    if isinstance(error, NotFound) and error.code == "case_file_not_found":
        raise Http404(error.message)
    return _render_detail(request, case_file_id, error=error.message, status=error.http_status)


@staff_required
@require_http_methods(["GET", "POST"])
def casefile_list_page(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    form = CaseFileForm(
        request.POST if request.method == "POST" else None, initial={"language": "Tiếng Việt"}
    )
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            values["language"] = values["language"] or "Tiếng Việt"
            try:
                case_file = case_file_create(user=user, data=CaseFileData(**values))
            except CongsoError as refused:
                error, status = refused.message, refused.http_status
                if refused.field in form.fields:
                    form.add_error(refused.field, refused.message)
            else:
                messages.success(
                    request, _("Đã lập hồ sơ %(notation)s.") % {"notation": case_file.notation}
                )
                return redirect("documents:casefile-detail", case_file_id=case_file.pk)
    case_files = list(case_files_list_with_totals(user=user)[:LIST_LIMIT])
    context = {"case_files": case_files, "form": form, "error": error}
    return render(request, "documents/casefiles/list.html", context, status=status)


@staff_required
@require_GET
def casefile_detail_page(request: HttpRequest, case_file_id: int) -> HttpResponse:
    return _render_detail(request, case_file_id)


@staff_required
@require_POST
def casefile_add_document(request: HttpRequest, case_file_id: int) -> HttpResponseBase:
    user: Any = request.user
    form = AddDocumentForm(request.POST, recent=_recent_documents(user))
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _render_detail(request, case_file_id, error=message, status=400, add_form=form)
    try:
        case_file_add_document(
            user=user,
            case_file_id=case_file_id,
            direction=form.cleaned_data["direction"],
            document_id=form.cleaned_data["document_id"],
        )
    except CongsoError as error:
        return _refused(request, case_file_id, error)
    messages.success(request, _("Đã thêm văn bản vào hồ sơ."))
    return redirect("documents:casefile-detail", case_file_id=case_file_id)


def _item_id(request: HttpRequest) -> int | None:
    value = request.POST.get("item_id", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@staff_required
@require_POST
def casefile_move(request: HttpRequest, case_file_id: int) -> HttpResponseBase:
    user: Any = request.user
    case_file = _case_file_or_404(user, case_file_id)
    order = [document.item_id for document in case_file_documents(case_file)]
    item_id, step = _item_id(request), {"len": -1, "xuong": 1}.get(request.POST.get("huong", ""))
    if item_id not in order or step is None:
        message = _("Không xác định được văn bản cần chuyển vị trí.")
        return _render_detail(request, case_file_id, error=message, status=400)
    at = order.index(item_id)
    to = min(max(at + step, 0), len(order) - 1)
    order[at], order[to] = order[to], order[at]
    try:
        case_file_reorder(user=user, case_file_id=case_file_id, item_ids=order)
    except CongsoError as error:
        return _refused(request, case_file_id, error)
    messages.success(request, _("Đã sắp xếp lại văn bản trong hồ sơ."))
    return redirect("documents:casefile-detail", case_file_id=case_file_id)


@staff_required
@require_POST
def casefile_remove(request: HttpRequest, case_file_id: int) -> HttpResponseBase:
    item_id = _item_id(request)
    if item_id is None:
        message = _("Không xác định được văn bản cần bỏ khỏi hồ sơ.")
        return _render_detail(request, case_file_id, error=message, status=400)
    try:
        case_file_remove_document(user=request.user, case_file_id=case_file_id, item_id=item_id)
    except CongsoError as error:
        return _refused(request, case_file_id, error)
    messages.success(request, _("Đã bỏ văn bản khỏi hồ sơ."))
    return redirect("documents:casefile-detail", case_file_id=case_file_id)


@staff_required
@require_POST
def casefile_close(request: HttpRequest, case_file_id: int) -> HttpResponseBase:
    form = CloseForm(request.POST)
    if not form.is_valid():
        message = _("Thời gian kết thúc không hợp lệ (dd/mm/yyyy).")
        return _render_detail(request, case_file_id, error=message, status=400, close_form=form)
    try:
        case_file_close(
            user=request.user, case_file_id=case_file_id, end_on=form.cleaned_data["end_on"]
        )
    except CongsoError as error:
        return _refused(request, case_file_id, error)
    messages.success(request, _("Đã kết thúc hồ sơ."))
    return redirect("documents:casefile-detail", case_file_id=case_file_id)


@staff_required
@require_GET
def casefile_export(request: HttpRequest, case_file_id: int, fmt: str) -> HttpResponse:
    """The PDF or XML export, served by the same service the API uses (audited there)."""
    try:
        exported = case_file_export(user=request.user, case_file_id=case_file_id, fmt=fmt)
    except CongsoError as error:
        return _refused(request, case_file_id, error)
    response = HttpResponse(exported.content, content_type=exported.media_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exported.file_name)}"
    response["Cache-Control"] = "private, no-store"
    return response

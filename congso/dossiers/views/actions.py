"""POST handlers of the dossier page: parse a small form, call one service, say what happened."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers.access import access_dossier_by_id
from congso.dossiers.constants import ResultChannel
from congso.dossiers.models import Dossier
from congso.dossiers.services import (
    dossier_extend,
    dossier_fee_paid,
    dossier_fee_request,
    dossier_finish,
    dossier_receive,
    dossier_refuse,
    dossier_return,
    dossier_step_complete,
    dossier_step_forward,
    dossier_stop,
    dossier_supplement_request,
    dossier_supplement_submit,
)
from congso.dossiers.views.common import dossier_action, valid
from congso.dossiers.views.forms import (
    ExtendForm,
    FeePaidForm,
    FeeRequestForm,
    FinishForm,
    ForwardForm,
    NoteForm,
    RefuseForm,
    ReturnForm,
    StopForm,
    SupplementForm,
)
from congso.organizations.models import Agency


def _dossier(request: HttpRequest, dossier_id: int) -> Dossier:
    return access_dossier_by_id(request.user, dossier_id)


@dossier_action
def receive(request: HttpRequest, dossier_id: int) -> str:
    dossier = dossier_receive(request.user, _dossier(request, dossier_id))
    return _("Đã tiếp nhận hồ sơ %(code)s, số %(number)s. In Giấy tiếp nhận (Mẫu 01).") % {
        "code": dossier.code,
        "number": dossier.receipt_number,
    }


@dossier_action
def supplement_request(request: HttpRequest, dossier_id: int) -> str:
    dossier = _dossier(request, dossier_id)
    components = [(c.code, c.name) for c in dossier.procedure.components.all()]
    form = SupplementForm(request.POST, components=components)
    data = valid(form)
    dossier_supplement_request(request.user, dossier, form.items(), data["reason"])
    return _("Đã yêu cầu bổ sung hồ sơ; thời hạn giải quyết tạm dừng. In Phiếu yêu cầu (Mẫu 02).")


@dossier_action
def supplement_submit(request: HttpRequest, dossier_id: int) -> str:
    dossier = _dossier(request, dossier_id)
    pairs = []
    for component in dossier.procedure.components.all():
        pairs += [(component.code, f) for f in request.FILES.getlist(f"tp_{component.code}")]
    if not pairs:
        raise ValidationFailed(_("Chọn ít nhất một tệp bổ sung."), code="dossier_files_required")
    dossier_supplement_submit(request.user, dossier, pairs)
    return _("Đã nhận hồ sơ bổ sung; thời hạn giải quyết tiếp tục tính.")


@dossier_action
def refuse(request: HttpRequest, dossier_id: int) -> str:
    data = valid(RefuseForm(request.POST))
    dossier_refuse(request.user, _dossier(request, dossier_id), data["reason"])
    return _("Đã từ chối tiếp nhận hồ sơ. In Phiếu từ chối (Mẫu 03).")


@dossier_action
def forward(request: HttpRequest, dossier_id: int) -> str:
    dossier = _dossier(request, dossier_id)
    data = valid(ForwardForm(request.POST))
    to_agency = Agency.objects.filter(pk=data["to_agency"]).first() if data["to_agency"] else None
    assignee = (
        get_user_model().objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
    )
    if data["to_agency"] and to_agency is None:
        raise ValidationFailed(_("Không tìm thấy cơ quan nhận."), code="dossier_agency_unknown")
    if data["assignee"] and assignee is None:
        raise ValidationFailed(_("Không tìm thấy người nhận."), code="dossier_assignee_invalid")
    dossier_step_forward(
        request.user, dossier, to_agency=to_agency, assignee=assignee, note=data["note"]
    )
    return _("Đã chuyển hồ sơ sang bước tiếp theo.")


@dossier_action
def complete_step(request: HttpRequest, dossier_id: int) -> str:
    data = valid(NoteForm(request.POST))
    dossier_step_complete(request.user, _dossier(request, dossier_id), note=data["note"])
    return _("Đã hoàn thành bước xử lý.")


@dossier_action
def extend(request: HttpRequest, dossier_id: int) -> str:
    data = valid(ExtendForm(request.POST))
    dossier_extend(request.user, _dossier(request, dossier_id), data["new_due"], data["reason"])
    return _("Đã gia hạn và hẹn lại ngày trả kết quả. In Phiếu xin lỗi (Mẫu 04).")


@dossier_action
def finish(request: HttpRequest, dossier_id: int) -> str:
    data = valid(FinishForm(request.POST, request.FILES))
    dossier = dossier_finish(request.user, _dossier(request, dossier_id), data["result_file"])
    if dossier.result_signed:
        return _("Đã lưu kết quả (chữ ký số hợp lệ); hồ sơ đã xử lý xong.")
    return _("Đã lưu kết quả; hồ sơ đã xử lý xong. Lưu ý: %(summary)s") % {
        "summary": dossier.result_signature_summary or _("kết quả chưa có chữ ký số hợp lệ.")
    }


@dossier_action
def give_back(request: HttpRequest, dossier_id: int) -> str:
    data = valid(ReturnForm(request.POST))
    dossier = dossier_return(request.user, _dossier(request, dossier_id), data["channel"])
    return _("Đã trả kết quả (%(channel)s).") % {
        "channel": ResultChannel(dossier.result_channel).label
    }


@dossier_action
def fee_request(request: HttpRequest, dossier_id: int) -> str:
    data = valid(FeeRequestForm(request.POST))
    dossier_fee_request(request.user, _dossier(request, dossier_id), data["amount"], data["reason"])
    return _(
        "Đã yêu cầu người nộp thực hiện nghĩa vụ tài chính; thời hạn giải quyết tạm dừng "
        "đến khi nộp tiền."
    )


@dossier_action
def fee_paid(request: HttpRequest, dossier_id: int) -> str:
    data = valid(FeePaidForm(request.POST))
    dossier_fee_paid(request.user, _dossier(request, dossier_id), data["payment_reference"])
    return _("Đã ghi nhận nộp tiền; hồ sơ tiếp tục được giải quyết.")


@dossier_action
def stop(request: HttpRequest, dossier_id: int) -> str:
    data = valid(StopForm(request.POST))
    dossier_stop(request.user, _dossier(request, dossier_id), data["reason"])
    return _("Đã dừng xử lý hồ sơ. In Thông báo dừng giải quyết hồ sơ gửi người nộp.")

"""Small Django forms of the desk pages: they only parse and check shape; services decide."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.dossiers.constants import Channel, ResultChannel


class PanelForm(forms.Form):
    """A form of one action panel on the dossier page: its ids (`auto_id`) are unique on the
    page, set before validation so the problems point at the right fields."""

    auto_id = "id_%s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", type(self).auto_id)
        super().__init__(*args, **kwargs)


class RefuseForm(PanelForm):
    auto_id = "refuse-%s"

    reason = forms.CharField(
        label=_("Lý do cụ thể"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StopForm(PanelForm):
    auto_id = "stop-%s"

    reason = forms.CharField(
        label=_("Lý do dừng giải quyết"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupplementForm(PanelForm):
    auto_id = "bs-%s"

    components = forms.MultipleChoiceField(
        label=_("Thành phần cần bổ sung"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_items = forms.CharField(
        label=_("Giấy tờ khác (mỗi dòng một giấy tờ)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, components: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = dict(components)
        cast(forms.MultipleChoiceField, self.fields["components"]).choices = components

    def items(self) -> list[Any]:
        """Component codes as dicts (the service looks names up), free lines as names."""
        data = self.cleaned_data
        chosen: list[Any] = [
            {"component_code": code, "name": self.names.get(code, code)}
            for code in data["components"]
        ]
        chosen += [line.strip() for line in data["other_items"].splitlines() if line.strip()]
        return chosen


class ForwardForm(PanelForm):
    """The page offers the agencies of the procedure and the officer's colleagues; the service
    checks that they fit the next step."""

    auto_id = "fw-%s"

    to_agency = forms.IntegerField(label=_("Chuyển đến cơ quan"), required=False, min_value=1)
    assignee = forms.IntegerField(label=_("Người nhận"), required=False, min_value=1)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(PanelForm):
    auto_id = "done-%s"

    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtendForm(PanelForm):
    auto_id = "ext-%s"

    new_due = forms.DateField(
        label=_("Ngày hẹn trả mới"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Lý do chậm trễ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FinishForm(PanelForm):
    auto_id = "result-%s"

    result_file = forms.FileField(
        label=_("Tệp kết quả (PDF có chữ ký số)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ReturnForm(PanelForm):
    auto_id = "ret-%s"

    channel = forms.ChoiceField(label=_("Hình thức trả kết quả"), choices=ResultChannel.choices)


class CounterIntakeForm(forms.Form):
    """The applicant's data as read from the paper form at the counter."""

    applicant_name = forms.CharField(label=_("Họ và tên / tên tổ chức"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("Số CCCD / mã số thuế"), max_length=20, required=False
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    summary = forms.CharField(
        label=_("Nội dung yêu cầu giải quyết"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        coerce=int,
        choices=[(Channel.DIRECT, Channel.DIRECT.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.DIRECT,
    )
    result_channel = forms.ChoiceField(
        label=_("Đăng ký nhận kết quả"),
        choices=ResultChannel.choices,
        initial=ResultChannel.COUNTER,
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PeriodForm(forms.Form):
    tu = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    den = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("tu")
        end: date | None = data.get("den")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("Mỗi lần in tối đa một năm."))
        return data


class FeeRequestForm(PanelForm):
    auto_id = "fee-%s"

    amount = forms.IntegerField(
        label=_("Số tiền phải nộp (đồng)"), min_value=1, max_value=10_000_000_000
    )
    reason = forms.CharField(
        label=_("Khoản thu, căn cứ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FeePaidForm(PanelForm):
    auto_id = "feepaid-%s"

    payment_reference = forms.CharField(label=_("Số biên lai, chứng từ nộp tiền"), max_length=64)

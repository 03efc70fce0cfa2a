"""Plain forms of the portal pages (the per-procedure form is `schema_form.SchemaForm`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.dossiers.constants import RatingLevel, ResultChannel


class ApplicantForm(forms.Form):
    applicant_name = forms.CharField(label=_("Họ và tên người nộp *"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("Số CCCD / mã số thuế"), max_length=20, required=False
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(
        label=_("Thư điện tử (nhận thông báo)"), max_length=254, required=False
    )
    summary = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result_channel = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"), choices=ResultChannel.choices
    )

    def __init__(self, *args: Any, agencies: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None and len(agencies) > 1:
            self.fields["receiving_agency"] = forms.TypedChoiceField(
                label=_("Cơ quan tiếp nhận *"),
                choices=[("", "— " + str(_("Chọn")) + " —")] + [(a.pk, a.name) for a in agencies],
                coerce=int,
            )


class UploadForm(forms.Form):
    component_code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    file = forms.FileField(label=_("Tệp"))


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
    secret = forms.CharField(label=_("Mã tra cứu"), max_length=32)


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Mức độ hài lòng"), choices=RatingLevel.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Góp ý"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

"""Forms of the outgoing-document pages: parse and validate input, nothing else."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.documents.services.outgoing_common import RecipientSpec
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency

REVIEWER_SLOTS = 3


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = getattr(obj, "position", None)
        return f"{obj.display_name} — {position.name}" if position else str(obj.display_name)


class DraftForm(forms.Form):
    """Compose or edit a draft (the layout of Phụ lục I is filled in by the system)."""

    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True)
    )
    subject = forms.CharField(
        label=_("Trích yếu nội dung"),
        max_length=500,
        help_text=_("Công văn: hệ thống tự thêm “V/v” phía trước."),
    )
    addressed_to = forms.CharField(label=_("Kính gửi (công văn)"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Nội dung"),
        max_length=100_000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Mỗi dòng là một đoạn văn."),
    )
    urgency = forms.ModelChoiceField(
        label=_("Mức độ khẩn"), queryset=UrgencyLevel.objects.all(), empty_label=None
    )
    secrecy = forms.ModelChoiceField(
        label=_("Độ mật"), queryset=SecrecyLevel.objects.all(), empty_label=None
    )
    drafting_unit = forms.ModelChoiceField(
        label=_("Đơn vị soạn thảo"), queryset=Agency.objects.none(), required=False
    )
    signer = _UserChoiceField(label=_("Người ký"), queryset=Agency.objects.none(), required=False)
    authority_line = forms.CharField(
        label=_("Quyền hạn ký"),
        max_length=100,
        required=False,
        help_text=_("Ví dụ: KT. GIÁM ĐỐC, TM. ỦY BAN NHÂN DÂN (để trống nếu ký trực tiếp)."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from congso.accounts.models import User

        colleagues = (
            User.objects.filter(agency_id=user.agency_id, kind="staff", is_active=True)
            .select_related("position")
            .order_by("position__rank", "full_name")
        )
        cast(forms.ModelChoiceField, self.fields["signer"]).queryset = colleagues
        for slot in range(1, REVIEWER_SLOTS + 1):
            self.fields[f"reviewer_{slot}"] = _UserChoiceField(
                label=_("Người thẩm định, cho ý kiến %(n)d") % {"n": slot},
                queryset=colleagues,
                required=False,
            )
        cast(forms.ModelChoiceField, self.fields["drafting_unit"]).queryset = Agency.objects.filter(
            parent_id=user.agency_id, kind=AgencyKind.INTERNAL_UNIT
        ).order_by("name")
        if not self.is_bound and user.unit_id:
            self.initial.setdefault("drafting_unit", user.unit_id)

    def reviewers(self) -> list[Any]:
        return [
            self.cleaned_data[f"reviewer_{slot}"]
            for slot in range(1, REVIEWER_SLOTS + 1)
            if self.cleaned_data.get(f"reviewer_{slot}")
        ]


class RecipientsForm(forms.Form):
    """Nơi nhận: agencies of the province's tree, and bodies outside the installation."""

    agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan trong tỉnh (nhận qua hệ thống)"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Giữ Ctrl (hoặc Cmd) để chọn nhiều cơ quan."),
    )
    outside = forms.CharField(
        label=_("Nơi nhận ngoài hệ thống"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nơi nhận: Tên cơ quan | mã định danh (nếu có)."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["agencies"]).queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(kind=AgencyKind.INTERNAL_UNIT)
            .exclude(pk=user.agency_id)
            .order_by("level", "name")
        )

    def clean_outside(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for line in str(self.cleaned_data.get("outside") or "").splitlines():
            if not line.strip():
                continue
            name, _sep, code = line.partition("|")
            if len(name.strip()) > 200 or len(code.strip()) > 13:
                raise forms.ValidationError(
                    _("Tên tối đa 200 ký tự, mã định danh tối đa 13 ký tự.")
                )
            rows.append((name.strip(), code.strip()))
        return rows

    def specs(self) -> list[RecipientSpec]:
        inside = [RecipientSpec(agency=agency) for agency in self.cleaned_data["agencies"]]
        outside = [RecipientSpec(name=n, organ_id=c) for n, c in self.cleaned_data["outside"]]
        return inside + outside


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp dự thảo (PDF hoặc DOCX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Ý kiến"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến (bắt buộc khi trả lại)"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)

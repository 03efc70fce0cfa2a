"""Forms of the incoming-document pages: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.documents.constants import AssignmentRole, HandlingNoteKind, IncomingSource
from congso.documents.services.incoming import IncomingData
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
DATE_HELP = _("Gõ ngày dạng dd/mm/yyyy, ví dụ 06/01/2020.")


class TypedDateInput(forms.TextInput):
    """A date typed dd/mm/yyyy: no picker to wrestle with, numeric keyboard on phones."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(
            attrs={
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}",
                **attrs,
            },
            # Django's DateInput would format the initial value; a TextInput keeps what was typed.
        )


def typed_date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=TypedDateInput(),
        help_text=DATE_HELP,
        error_messages={"invalid": _("Ngày không hợp lệ: gõ dd/mm/yyyy, ví dụ 06/01/2020.")},
        **kwargs,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class RegisterForm(forms.Form):
    """The clerk's register screen, in the order a clerk reads a document from top to bottom."""

    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"),
        queryset=DocumentType.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=None,
        initial="cong_van",
        widget=forms.Select(attrs={"autofocus": True}),
    )
    code_number = forms.CharField(label=_("Số"), max_length=11, required=False)
    code_notation = forms.CharField(
        label=_("Ký hiệu"), max_length=30, required=False, help_text=_("Ví dụ: UBND-VX, QĐ-UBND")
    )
    issued_on = typed_date(_("Ngày văn bản"))
    organ_name = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "issuer-directory", "autocomplete": "off"}),
        help_text=_("Gõ vài chữ để chọn cơ quan trong danh bạ, hoặc gõ tên cơ quan ngoài."),
    )
    subject = forms.CharField(label=_("Trích yếu nội dung"), max_length=500)
    signer_full_name = forms.CharField(label=_("Người ký"), max_length=50, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    urgency = forms.ModelChoiceField(
        label=_("Độ khẩn"),
        queryset=UrgencyLevel.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=None,
    )
    secrecy = forms.ModelChoiceField(
        label=_("Độ mật"),
        queryset=SecrecyLevel.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=None,
    )
    page_amount = forms.IntegerField(
        label=_("Số trang"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Để trống với tệp PDF: hệ thống tự đếm."),
    )
    due_on = typed_date(_("Thời hạn giải quyết (nếu có)"), required=False)
    to_places = forms.CharField(label=_("Đơn vị hoặc người nhận"), max_length=1000, required=False)
    description = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    source = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[
            (IncomingSource.UPLOAD, _("Văn bản điện tử")),
            (IncomingSource.PAPER, _("Văn bản giấy (bản scan)")),
        ],
        initial=IncomingSource.UPLOAD,
        widget=forms.RadioSelect,
    )
    main_file = forms.FileField(
        label=_("Tệp văn bản"),
        required=False,
        help_text=_("PDF, DOCX hoặc ảnh scan (PNG, JPEG, TIFF)."),
    )
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False)

    def issuer(self) -> Agency | None:
        """The directory agency whose name the clerk picked, if any (fills OrganId)."""
        name = self.cleaned_data.get("organ_name", "").strip()
        return (
            Agency.objects.filter(name=name, is_active=True)
            .exclude(kind=AgencyKind.INTERNAL_UNIT)
            .first()
        )

    def incoming_data(self) -> IncomingData:
        values = self.cleaned_data
        return IncomingData(
            document_type=values["document_type"],
            issued_on=values["issued_on"],
            subject=values["subject"],
            organ_name=values["organ_name"],
            issuer=self.issuer(),
            code_number=values["code_number"],
            code_notation=values["code_notation"],
            urgency=values["urgency"],
            secrecy=values["secrecy"],
            page_amount=values["page_amount"],
            description=values["description"],
            signer_position=values["signer_position"],
            signer_full_name=values["signer_full_name"],
            to_places=values["to_places"],
            due_on=values["due_on"],
        )


class AssignForm(forms.Form):
    """Leader's distribution: one lead, co-handlers, readers, direction note, deadline.

    Targets are written "unit:<id>" or "user:<id>"; the choices come from the agency's units and
    staff (the service checks them again).
    """

    lead = forms.ChoiceField(label=_("Xử lý chính"))
    coordinate = forms.MultipleChoiceField(
        label=_("Phối hợp"), required=False, widget=forms.CheckboxSelectMultiple
    )
    inform = forms.MultipleChoiceField(
        label=_("Để biết"), required=False, widget=forms.CheckboxSelectMultiple
    )
    direction_note = forms.CharField(
        label=_("Ý kiến chỉ đạo"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )
    days = forms.IntegerField(
        label=_("Hạn xử lý (số ngày làm việc)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Tính từ hôm nay, không kể ngày nghỉ, lễ, Tết."),
    )
    due_on = typed_date(_("Hoặc hạn xử lý là ngày"), required=False)

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "coordinate", "inform"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = targets
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = [("", _("— Chọn đơn vị hoặc người —")), *targets]

    def entries(self) -> list[tuple[str, str]]:
        """(role, "kind:id") for every line, the lead first."""
        values = self.cleaned_data
        lines = [(AssignmentRole.LEAD.value, values["lead"])]
        lines += [(AssignmentRole.COORDINATE.value, target) for target in values["coordinate"]]
        lines += [(AssignmentRole.INFORM.value, target) for target in values["inform"]]
        return lines


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Nội dung"), max_length=5000, widget=forms.Textarea({"rows": 2}))
    kind = forms.ChoiceField(
        choices=[
            (HandlingNoteKind.OPINION, HandlingNoteKind.OPINION.label),
            (HandlingNoteKind.PROGRESS, HandlingNoteKind.PROGRESS.label),
            (HandlingNoteKind.DIRECTION, HandlingNoteKind.DIRECTION.label),
        ],
        initial=HandlingNoteKind.OPINION,
    )
    assignment = forms.IntegerField(required=False)
    progress_percent = forms.IntegerField(
        label=_("Tiến độ (%)"), required=False, min_value=0, max_value=100
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Kết quả xử lý"), required=False, max_length=5000)


class PersonForm(forms.Form):
    """Sub-assignment, reassignment and secret grants: one target and optional details."""

    target = forms.CharField(label=_("Giao cho"))
    days = forms.IntegerField(
        label=_("Số ngày làm việc"), required=False, min_value=1, max_value=365
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=5000)

"""HTML forms of the web portal: they parse and validate input; services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# The portal accepts the browser's date picker (ISO) and the Vietnamese way of writing dates.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
# Deadlines of administrative procedures run to a few months at most; cap the input sensibly.
MAX_WORKING_DAYS = 366


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập tên đăng nhập.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        max_length=256,
        strip=False,
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PublicLoginForm(LoginForm):
    """Citizens sign in with their CCCD number (or the username given to a business)."""

    username = forms.CharField(
        label=_("Số CCCD hoặc tên đăng nhập"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập số CCCD hoặc tên đăng nhập.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=6,
        min_length=6,
        validators=[
            RegexValidator(r"^[0-9]{6}$", _("Mã xác thực gồm đúng 6 chữ số."), code="invalid")
        ],
        error_messages={
            "required": _("Vui lòng nhập mã xác thực."),
            "min_length": _("Mã xác thực gồm đúng 6 chữ số."),
            "max_length": _("Mã xác thực gồm đúng 6 chữ số."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
            }
        ),
    )


class WorkingDayForm(forms.Form):
    """The public deadline calculator: received on + N working days → due on."""

    received_on = forms.DateField(
        label=_("Ngày nhận hồ sơ"),
        input_formats=DATE_INPUT_FORMATS,
        error_messages={
            "required": _("Vui lòng nhập ngày nhận hồ sơ."),
            "invalid": _(
                "Ngày nhận không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 01/02/2019."
            ),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    working_days = forms.IntegerField(
        label=_("Số ngày làm việc"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        error_messages={
            "required": _("Vui lòng nhập số ngày làm việc."),
            "invalid": _("Số ngày làm việc phải là một số nguyên."),
            "min_value": _("Số ngày làm việc phải từ 1 trở lên."),
            "max_value": _("Số ngày làm việc không được vượt quá %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class RegistrationForm(forms.Form):
    """A citizen (CCCD) or business (tax code) account; the services check the numbers' form."""

    KIND_CHOICES = [("citizen", _("Công dân (số CCCD)")), ("business", _("Doanh nghiệp, tổ chức"))]

    kind = forms.ChoiceField(
        label=_("Loại tài khoản"), choices=KIND_CHOICES, initial="citizen", widget=forms.RadioSelect
    )
    number = forms.CharField(
        label=_("Số CCCD (12 chữ số) hoặc mã số thuế"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập số CCCD hoặc mã số thuế.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    full_name = forms.CharField(
        label=_("Họ và tên (hoặc tên doanh nghiệp)"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=15,
        validators=[
            RegexValidator(r"^\+?[0-9 .]{9,15}$", _("Số điện thoại không hợp lệ."), code="invalid")
        ],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        max_length=256,
        strip=False,
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        max_length=256,
        strip=False,
        error_messages={"required": _("Vui lòng nhập lại mật khẩu.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Hai lần nhập mật khẩu không khớp."))
        return data

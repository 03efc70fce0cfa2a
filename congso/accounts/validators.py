"""Format checks for the identity numbers public accounts register with."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed

_CITIZEN_ID = re.compile(r"[0-9]{12}")  # ASCII digits only (\d also matches full-width ones)
# The lowest and highest province codes a CCCD may start with (Thông tư 07/2016/TT-BCA, Điều 7
# and its Phụ lục: 001 Hà Nội … 096 Cà Mau; Kon Tum is 062) [C: from general knowledge].
CITIZEN_ID_PROVINCE_MIN = 1
CITIZEN_ID_PROVINCE_MAX = 96
_TAX_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?")


def citizen_id_number_normalise(value: str) -> str:
    """Return the 12-digit CCCD number, or raise `invalid_citizen_id`.

    Số định danh cá nhân / CCCD: 12 digits; the first three are the province code of the place of
    birth registration, 001–096 (Thông tư 07/2016/TT-BCA, Điều 7) [C]; digit 4 encodes sex and
    century and digits 5–6 the year of birth, which are not checked here.
    """
    number = (value or "").strip()
    if not _CITIZEN_ID.fullmatch(number):
        raise ValidationFailed(
            _("Số căn cước công dân phải gồm đúng 12 chữ số."),
            code="invalid_citizen_id",
            field="citizen_id_number",
        )
    province = int(number[:3])
    if not CITIZEN_ID_PROVINCE_MIN <= province <= CITIZEN_ID_PROVINCE_MAX:
        raise ValidationFailed(
            _("Ba chữ số đầu của số căn cước công dân (mã tỉnh) phải từ 001 đến 096."),
            code="invalid_citizen_id",
            field="citizen_id_number",
        )
    return number


def tax_code_normalise(value: str) -> str:
    """Return the tax code (mã số thuế), or raise `invalid_tax_code`.

    10 digits for an enterprise or organisation, or 10 digits, a hyphen and 3 digits for a
    dependent unit (Thông tư 105/2020/TT-BTC, Điều 5) [C].
    """
    code = (value or "").strip()
    if not _TAX_CODE.fullmatch(code):
        raise ValidationFailed(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."),
            code="invalid_tax_code",
            field="tax_code",
        )
    return code

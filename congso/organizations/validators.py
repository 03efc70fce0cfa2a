"""Agency identifiers (mã định danh): the QCVN 102:2016 and QĐ 20/2020/QĐ-TTg forms.

Each validator raises `ValidationFailed` whose message names the rule broken, so a clerk typing a
code sees what to fix. Rules and marks come from docs standards.md §2.1 and §2.2.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed

QCVN102_LENGTH = 13
QD20_MAX_LENGTH = 35

INVALID_QCVN102_CODE = "invalid_qcvn102_code"
INVALID_QD20_CODE = "invalid_qd20_code"

_LEVEL1_GROUP = re.compile(r"[A-Y][0-9]{2}")
_QD20_ALLOWED = re.compile(r"[.0-9A-Z]*")
# V1V2V3.Z1Z2.Y1Y2.M1X1X2: widths of the four groups, left to right (QCVN 102:2016, standards §2.1).
_QCVN102_GROUP_WIDTHS = (3, 2, 2, 3)
_QCVN102_GROUP_NAMES = ("V1V2V3", "Z1Z2", "Y1Y2", "M1X1X2")


def _fail_qcvn102(message: str) -> ValidationFailed:
    return ValidationFailed(message, code=INVALID_QCVN102_CODE, field="code_qcvn102")


def _fail_qd20(message: str) -> ValidationFailed:
    return ValidationFailed(message, code=INVALID_QD20_CODE, field="code_qd20")


def validate_qcvn102_code(value: str) -> None:
    """Check the 13-character form `V1V2V3.Z1Z2.Y1Y2.M1X1X2` (QCVN 102:2016/BTTTT, standards §2.1).

    Digits fill the first three groups; the last group is the level-1 code: a letter A–Y and two
    digits (`H34`). The code reads right to left, so a group may be non-zero only when every group
    to its right (the higher levels) is non-zero: `000.05.00.H34` names no agency.
    """
    if not isinstance(value, str) or len(value) != QCVN102_LENGTH:
        raise _fail_qcvn102(
            _(
                "Mã định danh phải có đúng 13 ký tự theo QCVN 102:2016 "
                "(dạng 000.00.00.H34), không có khoảng trắng."
            )
        )
    groups = value.split(".")
    if len(groups) != len(_QCVN102_GROUP_WIDTHS) or any(
        len(group) != width for group, width in zip(groups, _QCVN102_GROUP_WIDTHS, strict=False)
    ):
        raise _fail_qcvn102(
            _(
                "Mã định danh theo QCVN 102:2016 gồm 4 nhóm 3, 2, 2 và 3 ký tự ngăn cách bởi "
                "dấu chấm (dạng V1V2V3.Z1Z2.Y1Y2.M1X1X2, ví dụ 000.00.00.H34)."
            )
        )
    for group, name in zip(groups[:3], _QCVN102_GROUP_NAMES, strict=False):
        if not (group.isascii() and group.isdigit()):
            raise _fail_qcvn102(
                _(
                    "Nhóm %(group)s của mã định danh QCVN 102:2016 chỉ gồm chữ số "
                    "(dạng 000.00.00.H34)."
                )
                % {"group": name}
            )
    if not _LEVEL1_GROUP.fullmatch(groups[3]):
        raise _fail_qcvn102(
            _(
                "Nhóm cuối (mã cấp 1, M1X1X2) của mã định danh QCVN 102:2016 phải là một chữ cái "
                "in hoa từ A đến Y và hai chữ số, ví dụ H34."
            )
        )
    v_group, z_group, y_group, _level1 = groups
    if (y_group == "00" and (z_group != "00" or v_group != "000")) or (
        z_group == "00" and v_group != "000"
    ):
        raise _fail_qcvn102(
            _(
                "Mã định danh QCVN 102:2016 đọc từ phải sang trái: một nhóm cấp dưới chỉ khác 0 "
                "khi mọi nhóm cấp trên (bên phải) đã khác 0, ví dụ 000.00.05.H34 hoặc "
                "000.12.05.H34."
            )
        )


def qcvn102_level(code: str) -> int:
    """The level (cấp 1–4) of a valid QCVN 102 code, read right to left (standards §2.1).

    `000.00.00.H34` → 1 (UBND tỉnh), `000.00.05.H34` → 2 (sở, UBND huyện),
    `000.12.05.H34` → 3 (đơn vị thuộc sở, UBND xã), `001.12.05.H34` → 4.
    """
    validate_qcvn102_code(code)
    v_group, z_group, y_group, _level1 = code.split(".")
    if y_group == "00":
        return 1
    if z_group == "00":
        return 2
    if v_group == "000":
        return 3
    return 4


def qcvn102_parent_code(code: str) -> str | None:
    """The code of the agency one level up, or None for a level-1 code.

    The next level up is the same code with its leftmost non-zero group set back to zeros.
    """
    level = qcvn102_level(code)
    v_group, z_group, y_group, level1 = code.split(".")
    if level == 1:
        return None
    if level == 2:
        return f"000.00.00.{level1}"
    if level == 3:
        return f"000.00.{y_group}.{level1}"
    return f"000.{z_group}.{y_group}.{level1}"


def qcvn102_level1_group(code: str) -> str:
    """The level-1 code `MX1X2` (the rightmost group), e.g. `H34`."""
    validate_qcvn102_code(code)
    return code.rsplit(".", 1)[1]


def validate_qd20_code(value: str) -> None:
    """Check the QĐ 20/2020/QĐ-TTg form (standards §2.2).

    At most 35 characters from `.`, `0–9`, `A–Z`; groups run left to right separated by `.`;
    the first group is the level-1 code `MX1X2` (a letter A–Y, two digits); no group is empty.
    The per-group widths after the first are not known [?], so they are not checked.
    """
    if not isinstance(value, str) or not value:
        raise _fail_qd20(_("Mã định danh theo QĐ 20/2020/QĐ-TTg không được để trống."))
    if len(value) > QD20_MAX_LENGTH:
        raise _fail_qd20(
            _("Mã định danh theo QĐ 20/2020/QĐ-TTg dài tối đa 35 ký tự (đang có %(n)d).")
            % {"n": len(value)}
        )
    if not _QD20_ALLOWED.fullmatch(value):
        raise _fail_qd20(
            _(
                "Mã định danh theo QĐ 20/2020/QĐ-TTg chỉ gồm dấu chấm, chữ số 0–9 và chữ cái "
                "in hoa A–Z (không dấu, không khoảng trắng)."
            )
        )
    groups = value.split(".")
    if any(group == "" for group in groups):
        raise _fail_qd20(
            _(
                "Mã định danh theo QĐ 20/2020/QĐ-TTg không có nhóm rỗng: không bắt đầu, kết thúc "
                "bằng dấu chấm và không có hai dấu chấm liền nhau."
            )
        )
    if not _LEVEL1_GROUP.fullmatch(groups[0]):
        raise _fail_qd20(
            _(
                "Nhóm đầu tiên của mã định danh theo QĐ 20/2020/QĐ-TTg là mã cấp 1 (MX1X2): "
                "một chữ cái từ A đến Y và hai chữ số, ví dụ H34 hoặc H34.05."
            )
        )


def qd20_level(code: str) -> int:
    """The level of a valid QĐ 20 code: its number of groups, left to right (standards §2.2)."""
    validate_qd20_code(code)
    return code.count(".") + 1


def qd20_from_qcvn102(code: str) -> str:
    """DEMO CONVENTION, not the law: derive a QĐ 20 form from a QCVN 102 code.

    QĐ 20/2020/QĐ-TTg fixes the first group (level-1 code) and the left-to-right order, but the
    widths of the later groups are unknown [?] (standards §2.2). congso's demo data simply puts the
    QCVN 102 groups in level order: `000.00.00.H34` → `H34`, `000.00.05.H34` → `H34.05`,
    `000.12.05.H34` → `H34.05.12`, `001.12.05.H34` → `H34.05.12.001`. Replace demo codes with
    the province's official list (ADR 0009).
    """
    level = qcvn102_level(code)
    v_group, z_group, y_group, level1 = code.split(".")
    return ".".join([level1, y_group, z_group, v_group][:level])


def qcvn102_code_field_validator(value: str) -> None:
    """Model-field form of `validate_qcvn102_code` (raises Django's ValidationError)."""
    try:
        validate_qcvn102_code(value)
    except ValidationFailed as exc:
        raise DjangoValidationError(exc.message, code=exc.code) from exc


def qd20_code_field_validator(value: str) -> None:
    """Model-field form of `validate_qd20_code` (raises Django's ValidationError)."""
    try:
        validate_qd20_code(value)
    except ValidationFailed as exc:
        raise DjangoValidationError(exc.message, code=exc.code) from exc

"""Member codes: the QCVN 102:2016 identifier form (standards §2.1).

Copied from `congso.organizations.validators` on purpose: the hub stands alone and imports no
platform domain app (.importlinter "The hub stands alone"). `HUB_MEMBER_CODE_REGEX` widens the
accepted form if the 2022 amendment or a national-axis adapter needs another one.
"""

from __future__ import annotations

import re

from django.conf import settings

from congso.hub.errors import HubMemberInvalid

QCVN102_REGEX = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Y][0-9]{2}"


def validate_member_code(value: str) -> None:
    pattern = getattr(settings, "HUB_MEMBER_CODE_REGEX", "") or QCVN102_REGEX
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        raise HubMemberInvalid(
            "Mã định danh thành viên phải theo QCVN 102:2016, dạng 000.00.00.H34 "
            "(4 nhóm 3, 2, 2 và 3 ký tự, nhóm cuối là một chữ cái A–Y và hai chữ số).",
            field="code",
        )
    if pattern == QCVN102_REGEX:
        v_group, z_group, y_group, _level1 = value.split(".")
        if (y_group == "00" and (z_group != "00" or v_group != "000")) or (
            z_group == "00" and v_group != "000"
        ):
            raise HubMemberInvalid(
                "Mã định danh QCVN 102:2016 đọc từ phải sang trái: một nhóm cấp dưới chỉ khác 0 "
                "khi mọi nhóm cấp trên đã khác 0, ví dụ 000.00.05.H34.",
                field="code",
            )

"""Agency identifier checks without Django (standards.md §2.1, §2.2).

The same rules as `congso.organizations.validators` (which raises Django-aware errors and so
cannot be imported here): the QCVN 102:2016 13-character form and the QĐ 20/2020 form.
"""

from __future__ import annotations

import re

_LEVEL1 = re.compile(r"[A-Y][0-9]{2}")
_QD20_ALLOWED = re.compile(r"[.0-9A-Z]*")
_QCVN102_WIDTHS = (3, 2, 2, 3)
QD20_MAX_LENGTH = 35


def is_qcvn102_code(value: str) -> bool:
    """`V1V2V3.Z1Z2.Y1Y2.M1X1X2`, read right to left: a lower group is non-zero only under
    non-zero higher groups (`000.05.00.H34` names no agency)."""
    if not isinstance(value, str) or len(value) != 13:
        return False
    groups = value.split(".")
    if len(groups) != 4 or any(len(g) != w for g, w in zip(groups, _QCVN102_WIDTHS, strict=True)):
        return False
    if not all(g.isascii() and g.isdigit() for g in groups[:3]):
        return False
    if not _LEVEL1.fullmatch(groups[3]):
        return False
    v, z, y, _level1 = groups
    return not ((y == "00" and (z != "00" or v != "000")) or (z == "00" and v != "000"))


def is_qd20_code(value: str) -> bool:
    """At most 35 characters of `.`, `0–9`, `A–Z`; groups left to right, the first `MX1X2`."""
    if not isinstance(value, str) or not value or len(value) > QD20_MAX_LENGTH:
        return False
    if not _QD20_ALLOWED.fullmatch(value):
        return False
    groups = value.split(".")
    return all(groups) and bool(_LEVEL1.fullmatch(groups[0]))


def is_organization_code(value: str) -> bool:
    """Either identifier form is accepted (both are in use, standards §2.2 "Implementation")."""
    return is_qcvn102_code(value) or is_qd20_code(value)

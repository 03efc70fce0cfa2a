"""Demo accounts for the Kon Tum demo tree (fictitious people; demo password, never production).

`congso load_demo` calls `demo_accounts_load()` after the organisations demo has created the
agencies. Every account shares `DEMO_PASSWORD`, printed on the console for trying the system out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from congso.accounts.constants import Role, UserKind
from congso.accounts.errors import DemoPrerequisiteMissing
from congso.accounts.models import User
from congso.accounts.services import (
    business_register,
    citizen_register,
    staff_user_create,
    user_admin_access_set,
)
from congso.organizations.constants import AgencyKind
from congso.organizations.models import Agency, Position

# Demo only: anyone reading the source or the console knows it.
DEMO_PASSWORD = "Congso@2020"  # noqa: S105

PROVINCIAL_COMMITTEE = "000.00.00.H34"  # UBND tỉnh Kon Tum
PROVINCIAL_OFFICE = "000.00.01.H34"  # Văn phòng UBND tỉnh
DEPARTMENT_OF_ICT = "000.00.11.H34"  # Sở Thông tin và Truyền thông
PUBLIC_SERVICE_CENTRE = "000.01.01.H34"  # Trung tâm Phục vụ hành chính công tỉnh
KONTUM_CITY_COMMITTEE = "000.00.31.H34"  # UBND thành phố Kon Tum

# name → (is_leadership, rank), as in the organisations demo.
POSITIONS: dict[str, tuple[bool, int]] = {
    "Chủ tịch": (True, 10),
    "Phó Chủ tịch": (True, 20),
    "Giám đốc": (True, 30),
    "Phó Giám đốc": (True, 40),
    "Chánh Văn phòng": (True, 50),
    "Trưởng phòng": (True, 70),
    "Chuyên viên": (False, 90),
    "Văn thư": (False, 95),
    "Cán bộ một cửa": (False, 95),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role_label: str
    agency_name: str | None


@dataclass(frozen=True)
class _StaffSpec:
    username: str
    full_name: str
    agency_code: str
    roles: tuple[str, ...]
    position: str | None = None
    unit: str | None = None  # abbreviation of an internal unit of the agency


STAFF: tuple[_StaffSpec, ...] = (
    _StaffSpec("admin", "Quản Trị Viên", DEPARTMENT_OF_ICT, (Role.ADMINISTRATOR,)),
    _StaffSpec("chutich", "Đỗ Minh Thành", PROVINCIAL_COMMITTEE, (Role.LEADER,), "Chủ tịch"),
    _StaffSpec("vanthu.vp", "Lê Thị Thu", PROVINCIAL_OFFICE, (Role.CLERK,), "Văn thư", "HCTC"),
    _StaffSpec("lanhdao.vp", "Trần Quốc Bảo", PROVINCIAL_OFFICE, (Role.LEADER,), "Chánh Văn phòng"),
    _StaffSpec(
        "chuyenvien.vp",
        "Hoàng Văn Minh",
        PROVINCIAL_OFFICE,
        (Role.SPECIALIST,),
        "Chuyên viên",
        "KT",
    ),
    _StaffSpec("vanthu.stttt", "Nguyễn Thị Hoa", DEPARTMENT_OF_ICT, (Role.CLERK,), "Văn thư", "VP"),
    _StaffSpec("giamdoc.stttt", "Phan Văn Hùng", DEPARTMENT_OF_ICT, (Role.LEADER,), "Giám đốc"),
    _StaffSpec(
        "chuyenvien.stttt",
        "Võ Thị Lan",
        DEPARTMENT_OF_ICT,
        (Role.SPECIALIST,),
        "Chuyên viên",
        "CNTT",
    ),
    _StaffSpec(
        "motcua", "Đinh Thị Mai", PUBLIC_SERVICE_CENTRE, (Role.ONE_STOP_OFFICER,), "Cán bộ một cửa"
    ),
    _StaffSpec(
        "vanthu.tpkt", "Bùi Thị Hạnh", KONTUM_CITY_COMMITTEE, (Role.CLERK,), "Văn thư", "VP"
    ),
)
# One-stop processing (issue 6): a commune desk and the officers of the agencies that take part
# in the demo's liên thông procedures (some created by the procedures demo; skipped if absent).
KONTUM_FIRST_WARD = "000.01.31.H34"  # first UBND xã/phường of TP Kon Tum (demo numbering)
ONE_STOP_STAFF: tuple[_StaffSpec, ...] = (
    _StaffSpec(
        "motcua.xa",
        "Y Hơ Niê",
        KONTUM_FIRST_WARD,
        (Role.ONE_STOP_OFFICER, Role.SPECIALIST),
        "Cán bộ một cửa",
    ),
    _StaffSpec("lanhdao.xa", "A Thuận", KONTUM_FIRST_WARD, (Role.LEADER,), "Chủ tịch"),
    # District level: the city's procedures are handled and approved at UBND TP Kon Tum.
    _StaffSpec(
        "chuyenvien.tpkt", "Rơ Châm Nga", KONTUM_CITY_COMMITTEE, (Role.SPECIALIST,), "Chuyên viên"
    ),
    _StaffSpec("lanhdao.tpkt", "Y Điêng", KONTUM_CITY_COMMITTEE, (Role.LEADER,), "Phó Chủ tịch"),
    _StaffSpec("chuyenvien.stp", "Lê Văn Tâm", "000.00.03.H34", (Role.SPECIALIST,), "Chuyên viên"),
    _StaffSpec("lanhdao.stp", "Hà Thị Lụa", "000.00.03.H34", (Role.LEADER,), "Giám đốc"),
    _StaffSpec(
        "chuyenvien.skhdt", "Đặng Văn Khoa", "000.00.04.H34", (Role.SPECIALIST,), "Chuyên viên"
    ),
    _StaffSpec("lanhdao.skhdt", "Mai Thị Hằng", "000.00.04.H34", (Role.LEADER,), "Giám đốc"),
    _StaffSpec(
        "chuyenvien.stnmt", "Lò Văn Sơn", "000.00.10.H34", (Role.SPECIALIST,), "Chuyên viên"
    ),
    _StaffSpec("chuyenvien.ca", "A Hưng", "000.00.21.H34", (Role.SPECIALIST,), "Chuyên viên"),
    _StaffSpec("chuyenvien.bhxh", "Vi Thị Hoa", "000.00.22.H34", (Role.SPECIALIST,), "Chuyên viên"),
    _StaffSpec("chuyenvien.thue", "Tạ Văn Lợi", "000.00.23.H34", (Role.SPECIALIST,), "Chuyên viên"),
)
CITIZEN_ID = "062090001234"  # 062 = Kon Tum; fictitious
CITIZEN_NAME = "Nguyễn Văn Dân"
BUSINESS_TAX_CODE = "6100123456"  # fictitious
BUSINESS_NAME = "Công ty TNHH Thử Nghiệm Kon Tum"


def _agencies() -> dict[str, Agency]:
    codes = {spec.agency_code for spec in STAFF}
    found = {
        agency.code_qcvn102: agency for agency in Agency.objects.filter(code_qcvn102__in=codes)
    }
    missing = sorted(codes - set(found))
    if missing:
        raise DemoPrerequisiteMissing(
            _(
                "Chưa có cây tổ chức mẫu (thiếu cơ quan mã %(codes)s). Hãy nạp dữ liệu mẫu "
                "tổ chức trước (congso load_demo nạp theo đúng thứ tự)."
            )
            % {"codes": ", ".join(missing)}
        )
    return {code: agency for code, agency in found.items() if code is not None}


def _unit(agency: Agency, abbreviation: str) -> Agency:
    unit = Agency.objects.filter(
        parent=agency, abbreviation=abbreviation, kind=AgencyKind.INTERNAL_UNIT
    ).first()
    if unit is None:
        raise DemoPrerequisiteMissing(
            _("Chưa có phòng, ban %(unit)s của %(agency)s trong cây tổ chức mẫu.")
            % {"unit": abbreviation, "agency": agency.name}
        )
    return unit


def _position(name: str) -> Position:
    is_leadership, rank = POSITIONS[name]
    position, _created = Position.objects.get_or_create(
        name=name, defaults={"is_leadership": is_leadership, "rank": rank}
    )
    return position


def _role_label(roles: tuple[str, ...]) -> str:
    return ", ".join(str(Role(role).label) for role in roles)


@transaction.atomic
def demo_accounts_load() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; return all of them (idempotent)."""
    agencies = _agencies()
    accounts: list[DemoAccount] = []
    existing = set(User.objects.values_list("username", flat=True))
    agencies.update(
        (agency.code_qcvn102, agency)
        for agency in Agency.objects.filter(
            code_qcvn102__in={spec.agency_code for spec in ONE_STOP_STAFF}
        )
        if agency.code_qcvn102 is not None
    )
    one_stop = [spec for spec in ONE_STOP_STAFF if spec.agency_code in agencies]
    for spec in (*STAFF, *one_stop):
        agency = agencies[spec.agency_code]
        if spec.username not in existing:
            user = staff_user_create(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                agency=agency,
                password=DEMO_PASSWORD,
                unit=_unit(agency, spec.unit) if spec.unit else None,
                position=_position(spec.position) if spec.position else None,
                roles=spec.roles,
            )
            if Role.ADMINISTRATOR in spec.roles:
                user_admin_access_set(actor=None, user=user, is_staff=True, is_superuser=True)
        accounts.append(
            DemoAccount(spec.username, DEMO_PASSWORD, _role_label(spec.roles), agency.name)
        )
    if CITIZEN_ID not in existing:
        citizen_register(
            citizen_id_number=CITIZEN_ID, full_name=CITIZEN_NAME, password=DEMO_PASSWORD
        )
    accounts.append(DemoAccount(CITIZEN_ID, DEMO_PASSWORD, str(UserKind.CITIZEN.label), None))
    if BUSINESS_TAX_CODE not in existing:
        business_register(tax_code=BUSINESS_TAX_CODE, name=BUSINESS_NAME, password=DEMO_PASSWORD)
    accounts.append(
        DemoAccount(BUSINESS_TAX_CODE, DEMO_PASSWORD, str(UserKind.BUSINESS.label), None)
    )
    return accounts

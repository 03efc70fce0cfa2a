"""The Kon Tum demo organisation (2019–2020): bodies, internal units and positions.

Sources and marks (docs standards.md §10): the provincial bodies follow NĐ 24/2014/NĐ-CP [C],
several attested for Kon Tum [A]; Ban Dân tộc, Ban Quản lý Khu kinh tế and the attachment of the
Trung tâm Phục vụ hành chính công to Văn phòng UBND tỉnh are [C]. Kon Tum's level-2/3 codes are not
public [?] (§2.3): the numbers below are OUR DEMO NUMBERING (bodies 01–20, district UBNDs 31–40,
communes numbered within their district; ADR 0009) and every agency using them has
`is_demo_code=True`. Internal units (phòng) are plausible demo departments, not an official list.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kon Tum's level-1 code: derived from the alphabetical order of H codes [C] (standards §2.3).
PROVINCE_LEVEL1_CODE = "H34"
PROVINCE_GSO_CODE = "62"  # QĐ 124/2004/QĐ-TTg [A] (standards §10.1)
PROVINCE_NAME = "Tỉnh Kon Tum"
PROVINCE_PLACE_NAME = "Kon Tum"

# District UBNDs take level-2 numbers from here on, in GSO order (608 → 31 … 618 → 40).
FIRST_DISTRICT_NUMBER = 31


@dataclass(frozen=True, slots=True)
class UnitSpec:
    name: str
    abbreviation: str


@dataclass(frozen=True, slots=True)
class BodySpec:
    number: int  # Y1Y2 of 000.00.Y1Y2.H34 (demo numbering)
    name: str
    abbreviation: str
    units: tuple[UnitSpec, ...]


_OFFICE = UnitSpec("Văn phòng", "VP")


def _units(*pairs: tuple[str, str]) -> tuple[UnitSpec, ...]:
    """Every sở/ban has a Văn phòng, then its specialised phòng."""
    return (_OFFICE, *(UnitSpec(name, abbreviation) for name, abbreviation in pairs))


# Level-2 bodies under UBND tỉnh, numbered in exactly this order.
PROVINCIAL_BODIES: tuple[BodySpec, ...] = (
    BodySpec(
        1,
        "Văn phòng UBND tỉnh",
        "VP",
        (
            UnitSpec("Phòng Hành chính - Tổ chức", "HCTC"),
            UnitSpec("Phòng Kinh tế", "KT"),
            UnitSpec("Phòng Văn xã", "VX"),
            UnitSpec("Phòng Nội chính", "NC"),
        ),
    ),
    BodySpec(
        2,
        "Sở Nội vụ",
        "SNV",
        _units(
            ("Phòng Tổ chức, biên chế và Tổ chức phi chính phủ", "TCBC"),
            ("Phòng Xây dựng chính quyền và Công tác thanh niên", "XDCQ"),
        ),
    ),
    BodySpec(
        3,
        "Sở Tư pháp",
        "STP",
        _units(
            ("Phòng Xây dựng và Kiểm tra văn bản quy phạm pháp luật", "XDKTVB"),
            ("Phòng Hành chính tư pháp", "HCTP"),
        ),
    ),
    BodySpec(
        4,
        "Sở Kế hoạch và Đầu tư",
        "SKHĐT",
        _units(("Phòng Tổng hợp, Quy hoạch", "THQH"), ("Phòng Đăng ký kinh doanh", "ĐKKD")),
    ),
    BodySpec(
        5,
        "Sở Tài chính",
        "STC",
        _units(("Phòng Quản lý ngân sách", "QLNS"), ("Phòng Quản lý giá và Công sản", "QLGCS")),
    ),
    BodySpec(
        6,
        "Sở Công Thương",
        "SCT",
        _units(("Phòng Quản lý thương mại", "QLTM"), ("Phòng Quản lý công nghiệp", "QLCN")),
    ),
    BodySpec(
        7,
        "Sở Nông nghiệp và Phát triển nông thôn",
        "SNNPTNT",
        _units(
            ("Phòng Kế hoạch - Tài chính", "KHTC"), ("Phòng Quản lý xây dựng công trình", "QLXD")
        ),
    ),
    BodySpec(
        8,
        "Sở Giao thông vận tải",
        "SGTVT",
        _units(
            ("Phòng Quản lý vận tải, phương tiện và người lái", "QLVT"),
            ("Phòng Quản lý kết cấu hạ tầng giao thông", "QLKCHT"),
        ),
    ),
    BodySpec(
        9,
        "Sở Xây dựng",
        "SXD",
        _units(("Phòng Quản lý xây dựng", "QLXD"), ("Phòng Quy hoạch - Kiến trúc", "QHKT")),
    ),
    BodySpec(
        10,
        "Sở Tài nguyên và Môi trường",
        "STNMT",
        _units(("Phòng Quản lý đất đai", "QLĐĐ"), ("Phòng Tài nguyên nước, Khoáng sản", "TNNKS")),
    ),
    BodySpec(
        11,
        "Sở Thông tin và Truyền thông",
        "STTTT",
        _units(("Phòng Công nghệ thông tin", "CNTT"), ("Phòng Bưu chính, Viễn thông", "BCVT")),
    ),
    BodySpec(
        12,
        "Sở Lao động - Thương binh và Xã hội",
        "SLĐTBXH",
        _units(("Phòng Lao động - Việc làm", "LĐVL"), ("Phòng Người có công", "NCC")),
    ),
    BodySpec(
        13,
        "Sở Văn hóa, Thể thao và Du lịch",
        "SVHTTDL",
        _units(("Phòng Quản lý văn hóa", "QLVH"), ("Phòng Quản lý du lịch", "QLDL")),
    ),
    BodySpec(
        14,
        "Sở Khoa học và Công nghệ",
        "SKHCN",
        _units(
            ("Phòng Quản lý khoa học", "QLKH"),
            ("Phòng Quản lý công nghệ và Chuyên ngành", "QLCN"),
        ),
    ),
    BodySpec(
        15,
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        _units(("Phòng Giáo dục Trung học", "GDTrH"), ("Phòng Giáo dục Tiểu học", "GDTH")),
    ),
    BodySpec(
        16,
        "Sở Y tế",
        "SYT",
        _units(("Phòng Nghiệp vụ Y", "NVY"), ("Phòng Nghiệp vụ Dược", "NVD")),
    ),
    BodySpec(
        17,
        "Thanh tra tỉnh",
        "TTr",
        _units(("Phòng Nghiệp vụ 1", "NV1"), ("Phòng Nghiệp vụ 2", "NV2")),
    ),
    BodySpec(
        18,
        "Sở Ngoại vụ",
        "SNgV",
        _units(("Phòng Quản lý biên giới", "QLBG"), ("Phòng Lãnh sự và Hợp tác quốc tế", "LSHT")),
    ),
    BodySpec(
        19,
        "Ban Dân tộc",
        "BDT",
        _units(("Phòng Chính sách dân tộc", "CSDT"), ("Phòng Kế hoạch - Tổng hợp", "KHTH")),
    ),
    BodySpec(
        20,
        "Ban Quản lý Khu kinh tế tỉnh",
        "BQLKKT",
        _units(
            ("Phòng Quản lý đầu tư", "QLĐT"),
            ("Phòng Quản lý quy hoạch, xây dựng và tài nguyên môi trường", "QLQHXD"),
        ),
    ),
)

# Level 3 under Văn phòng UBND tỉnh (body 01): from 18/7/2019 [A]; the attachment is [C].
ONE_STOP_CENTRE = BodySpec(1, "Trung tâm Phục vụ hành chính công tỉnh", "TTPVHCC", ())
ONE_STOP_CENTRE_PARENT_NUMBER = 1

# Under every UBND huyện / thành phố.
DISTRICT_UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("Văn phòng HĐND và UBND", "VP"),
    UnitSpec("Phòng Nội vụ", "NV"),
    UnitSpec("Phòng Tài chính - Kế hoạch", "TCKH"),
)


@dataclass(frozen=True, slots=True)
class PositionSpec:
    name: str
    is_leadership: bool
    rank: int  # lower ranks first: heads before deputies before staff


POSITIONS: tuple[PositionSpec, ...] = (
    PositionSpec("Chủ tịch", True, 10),
    PositionSpec("Phó Chủ tịch", True, 20),
    PositionSpec("Giám đốc", True, 30),
    PositionSpec("Phó Giám đốc", True, 40),
    PositionSpec("Chánh Văn phòng", True, 50),
    PositionSpec("Phó Chánh Văn phòng", True, 60),
    PositionSpec("Trưởng phòng", True, 70),
    PositionSpec("Phó Trưởng phòng", True, 80),
    PositionSpec("Chuyên viên", False, 90),
    PositionSpec("Văn thư", False, 95),
    PositionSpec("Cán bộ một cửa", False, 95),
)

"""Synthetic corpus for `congso bench documents`: realistic Vietnamese incoming documents.

Subjects are built from the phrases Kon Tum's agencies actually write (công văn "V/v ...",
quyết định, kế hoạch, báo cáo, giấy mời ...), issuers and their abbreviations come from the demo
organisation tree, places from its administrative units; numbers and ký hiệu follow Nghị định
30/2020/NĐ-CP, Phụ lục I, mục II.3 (`05/QĐ-UBND`, công văn `12/UBND-VX`). Deterministic per seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from congso.documents.services.bulk import BulkIncomingRow

# (catalogue code, abbreviation in ký hiệu, share of the corpus, subject opening)
TYPES: tuple[tuple[str, str, int, str], ...] = (
    ("cong_van", "", 48, "V/v"),
    ("quyet_dinh", "QĐ", 10, "Quyết định về việc"),
    ("bao_cao", "BC", 9, "Báo cáo"),
    ("ke_hoach", "KH", 8, "Kế hoạch"),
    ("thong_bao", "TB", 8, "Thông báo"),
    ("giay_moi", "GM", 7, "Giấy mời dự họp"),
    ("to_trinh", "TTr", 5, "Tờ trình đề nghị"),
    ("huong_dan", "HD", 3, "Hướng dẫn"),
    ("chi_thi", "CT", 2, "Chỉ thị về việc"),
)
TOPICS = (
    "triển khai nhiệm vụ chuyển đổi số",
    "phòng, chống dịch bệnh COVID-19",
    "tình hình kinh tế - xã hội",
    "tổ chức hội nghị tổng kết công tác",
    "cấp giấy phép xây dựng",
    "quản lý, sử dụng đất đai",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "phòng cháy, chữa cháy rừng",
    "bảo đảm trật tự an toàn giao thông",
    "cải cách hành chính",
    "thực hiện cơ chế một cửa, một cửa liên thông",
    "ứng dụng công nghệ thông tin trong cơ quan nhà nước",
    "tuyển dụng công chức, viên chức",
    "đánh giá, xếp loại cán bộ",
    "quyết toán ngân sách nhà nước",
    "phân bổ kinh phí sự nghiệp giáo dục",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "bảo vệ và phát triển rừng",
    "khám bệnh, chữa bệnh bảo hiểm y tế",
    "tiêm chủng mở rộng",
    "bảo đảm an toàn thông tin mạng",
    "xây dựng chính quyền điện tử",
    "thu hồi đất để thực hiện dự án",
    "hỗ trợ đồng bào dân tộc thiểu số",
    "phát triển du lịch Măng Đen",
    "trồng sâm Ngọc Linh",
    "kiểm tra công tác văn thư, lưu trữ",
    "tiếp công dân định kỳ",
    "giải quyết khiếu nại, tố cáo",
)
PERIODS = ("quý I", "quý II", "quý III", "quý IV", "6 tháng đầu năm", "năm", "tháng 10")
SIGNERS = (
    ("Chủ tịch", "Nguyễn Văn Hòa"),
    ("Phó Chủ tịch", "Lê Ngọc Tuấn"),
    ("Giám đốc", "Trần Thị Mai Hương"),
    ("Phó Giám đốc", "Đặng Quốc Khánh"),
    ("Chánh Văn phòng", "Phạm Minh Đức"),
)
FIELDS_OF_WORK = ("VX", "KT", "NC", "TH", "HCTC", "KTN")
SECRET_SHARE = 0.005


@dataclass(frozen=True)
class Issuer:
    name: str
    abbreviation: str
    organ_id: str


class CorpusGenerator:
    """Rows for `incoming_documents_bulk_register`, one batch at a time (memory stays flat)."""

    def __init__(
        self, *, issuers: list[Issuer], places: list[str], seed: int, years: tuple[int, ...]
    ) -> None:
        self.random = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.issuers = issuers or [Issuer("UBND tỉnh Kon Tum", "UBND", "000.00.00.H34")]
        self.places = places or ["Kon Tum"]
        self.years = years
        self.type_weights = [share for _code, _abbr, share, _opening in TYPES]
        self.counters: dict[tuple[str, str], int] = {}
        self.notations: list[str] = []  # a sample, for exact-notation queries

    def _notation(self, type_abbr: str, issuer: Issuer) -> tuple[str, str]:
        notation = (
            f"{type_abbr}-{issuer.abbreviation}"
            if type_abbr
            else f"{issuer.abbreviation}-{self.random.choice(FIELDS_OF_WORK)}"
        )
        key = (notation, issuer.organ_id)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{self.counters[key]:02d}", notation

    def row(self) -> BulkIncomingRow:
        code, abbr, _share, opening = self.random.choices(TYPES, weights=self.type_weights)[0]
        issuer = self.random.choice(self.issuers)
        number, notation = self._notation(abbr, issuer)
        topic = self.random.choice(TOPICS)
        place = self.random.choice(self.places)
        year = self.random.choice(self.years)
        issued_on = date(year, 1, 1) + timedelta(days=self.random.randrange(0, 360))
        subject = f"{opening} {topic} {self.random.choice(PERIODS)} {year} tại {place}"
        arrived = datetime.combine(
            issued_on + timedelta(days=self.random.randrange(0, 4)),
            time(1 + self.random.randrange(9)),
            tzinfo=UTC,
        ) + timedelta(seconds=self.random.randrange(3600))
        position, signer = self.random.choice(SIGNERS)
        if len(self.notations) < 5000 and self.random.random() < 0.05:
            self.notations.append(f"{number}/{notation}")
        return BulkIncomingRow(
            subject=subject[:500],
            organ_name=issuer.name[:200],
            organ_id=issuer.organ_id,
            issued_on=issued_on,
            document_type=code,
            code_number=number,
            code_notation=notation[:30],
            arrived_at=arrived,
            secrecy="mat" if self.random.random() < SECRET_SHARE else "thuong",
            urgency=self.random.choices(("thuong", "khan", "hoa_toc"), weights=(90, 8, 2))[0],
            signer_position=position,
            signer_full_name=signer,
            description=f"Đề nghị các đơn vị {topic} trên địa bàn {place}.",
            page_amount=self.random.randint(1, 12),
        )

    def batches(self, total: int, size: int) -> Iterator[list[BulkIncomingRow]]:
        made = 0
        while made < total:
            count = min(size, total - made)
            yield [self.row() for _ in range(count)]
            made += count

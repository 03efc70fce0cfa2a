"""Reference entries: document types, copy kinds, urgency and secrecy levels, procedure fields.

The data is written out here (not imported from app code) so the migration stays what it was when
it ran. Sources: docs standards.md §3.1 (NĐ 30/2020/NĐ-CP Điều 7, Phụ lục III) [A]; §3.3 and Phụ lục
I ô 10a/10b for the urgency and secrecy marks; §6.2 for the one procedure-field code seen (`G03-GD10`
[C]). Every other procedure-field code is congso's own demo code (`is_demo_code=True`).
Re-running is safe (existing codes are left alone); reversing deletes exactly these codes.
"""

from django.db import migrations

# (ordinal = the number in Điều 7, code, name, abbreviation in Phụ lục III)
DOCUMENT_TYPES = [
    (1, "nghi_quyet", "Nghị quyết (cá biệt)", "NQ"),
    (2, "quyet_dinh", "Quyết định (cá biệt)", "QĐ"),
    (3, "chi_thi", "Chỉ thị", "CT"),
    (4, "quy_che", "Quy chế", "QC"),
    (5, "quy_dinh", "Quy định", "QyĐ"),
    (6, "thong_cao", "Thông cáo", "TC"),
    (7, "thong_bao", "Thông báo", "TB"),
    (8, "huong_dan", "Hướng dẫn", "HD"),
    (9, "chuong_trinh", "Chương trình", "CTr"),
    (10, "ke_hoach", "Kế hoạch", "KH"),
    (11, "phuong_an", "Phương án", "PA"),
    (12, "de_an", "Đề án", "ĐA"),
    (13, "du_an", "Dự án", "DA"),
    (14, "bao_cao", "Báo cáo", "BC"),
    (15, "bien_ban", "Biên bản", "BB"),
    (16, "to_trinh", "Tờ trình", "TTr"),
    (17, "hop_dong", "Hợp đồng", "HĐ"),
    (18, "cong_van", "Công văn", ""),  # none: ký hiệu is issuer-unit, e.g. 05/BNV-VP (§3.2)
    (19, "cong_dien", "Công điện", "CĐ"),
    (20, "ban_ghi_nho", "Bản ghi nhớ", "BGN"),
    (21, "ban_thoa_thuan", "Bản thỏa thuận", "BTT"),
    (22, "giay_uy_quyen", "Giấy ủy quyền", "GUQ"),
    (23, "giay_moi", "Giấy mời", "GM"),
    (24, "giay_gioi_thieu", "Giấy giới thiệu", "GGT"),
    (25, "giay_nghi_phep", "Giấy nghỉ phép", "GNP"),
    (26, "phieu_gui", "Phiếu gửi", "PG"),
    (27, "phieu_chuyen", "Phiếu chuyển", "PC"),
    (28, "phieu_bao", "Phiếu báo", "PB"),
    (29, "thu_cong", "Thư công", ""),  # Phụ lục III lists no abbreviation
]

COPY_KINDS = [
    (1, "sao_y", "Bản sao y", "SY"),
    (2, "trich_sao", "Bản trích sao", "TrS"),
    (3, "sao_luc", "Bản sao lục", "SL"),
]

URGENCY_LEVELS = [
    (1, "thuong", "Thường"),
    (2, "khan", "Khẩn"),
    (3, "thuong_khan", "Thượng khẩn"),
    (4, "hoa_toc", "Hỏa tốc"),
]

# (ordinal, code, name, is_secret)
SECRECY_LEVELS = [
    (1, "thuong", "Thường", False),
    (2, "mat", "Mật", True),
    (3, "toi_mat", "Tối mật", True),
    (4, "tuyet_mat", "Tuyệt mật", True),
]

# (ordinal, code, name, is_demo_code): common fields of a provincial one-stop shop.
PROCEDURE_FIELDS = [
    (1, "LV-HOTICH", "Hộ tịch", True),
    (2, "LV-CHUNGTHUC", "Chứng thực", True),
    (3, "LV-LYLICHTUPHAP", "Lý lịch tư pháp", True),
    (4, "LV-NUOICONNUOI", "Nuôi con nuôi", True),
    (5, "LV-DATDAI", "Đất đai", True),
    (6, "LV-MOITRUONG", "Môi trường", True),
    (7, "LV-TAINGUYENNUOC", "Tài nguyên nước", True),
    (8, "LV-XAYDUNG", "Hoạt động xây dựng", True),
    (9, "LV-DOANHNGHIEP", "Thành lập và hoạt động của doanh nghiệp", True),
    (10, "LV-HOKINHDOANH", "Thành lập và hoạt động của hộ kinh doanh", True),
    (11, "LV-DAUTU", "Đầu tư tại Việt Nam", True),
    (12, "LV-LUUTHONG", "Lưu thông hàng hóa trong nước", True),
    (13, "LV-DUONGBO", "Đường bộ", True),
    (14, "LV-BUUCHINH", "Bưu chính", True),
    (15, "LV-BAOCHI", "Báo chí", True),
    (16, "LV-VANHOA", "Văn hóa cơ sở", True),
    (17, "LV-DULICH", "Du lịch", True),
    (18, "LV-THETHAO", "Thể dục thể thao", True),
    (19, "LV-VIECLAM", "Việc làm", True),
    (20, "LV-NGUOICOCONG", "Người có công", True),
    (21, "LV-BAOTROXAHOI", "Bảo trợ xã hội", True),
    (22, "G03-GD10", "Giáo dục Trung học", False),  # seen in one source [C] (§6.2)
    (23, "LV-KHAMCHUABENH", "Khám bệnh, chữa bệnh", True),
    (24, "LV-DUOC", "Dược phẩm", True),
    (25, "LV-TRONGTROT", "Trồng trọt", True),
    (26, "LV-THUY", "Thú y", True),
    (27, "LV-LAMNGHIEP", "Lâm nghiệp", True),
    (28, "LV-TONGIAO", "Tín ngưỡng, tôn giáo", True),
    (29, "LV-THIDUA", "Thi đua - khen thưởng", True),
    (30, "LV-CONGCHUC", "Công chức, viên chức", True),
]


def _rows():
    yield "DocumentType", [
        {"ordinal": o, "code": c, "name": n, "abbreviation": a} for o, c, n, a in DOCUMENT_TYPES
    ]
    yield "CopyKind", [
        {"ordinal": o, "code": c, "name": n, "abbreviation": a} for o, c, n, a in COPY_KINDS
    ]
    yield "UrgencyLevel", [{"ordinal": o, "code": c, "name": n} for o, c, n in URGENCY_LEVELS]
    yield "SecrecyLevel", [
        {"ordinal": o, "code": c, "name": n, "is_secret": s} for o, c, n, s in SECRECY_LEVELS
    ]
    yield "ProcedureField", [
        {"ordinal": o, "code": c, "name": n, "is_demo_code": d} for o, c, n, d in PROCEDURE_FIELDS
    ]


def load(apps, schema_editor):
    for model_name, rows in _rows():
        model = apps.get_model("catalogues", model_name)
        existing = set(model.objects.values_list("code", flat=True))
        model.objects.bulk_create([model(**row) for row in rows if row["code"] not in existing])


def unload(apps, schema_editor):
    for model_name, rows in _rows():
        model = apps.get_model("catalogues", model_name)
        model.objects.filter(code__in=[row["code"] for row in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogues", "0002_copy_kind_and_demo_codes")]

    operations = [migrations.RunPython(load, unload)]

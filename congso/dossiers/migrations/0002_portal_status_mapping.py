"""Load the default local status → national portal TrangThaiHoSo mapping (standards.md §6.4)."""

from django.db import migrations

DEFAULTS = [
    ("submitted", 1, "Mới đăng ký"),
    ("received", 2, "Được tiếp nhận"),
    ("refused", 3, "Không được tiếp nhận"),
    ("processing", 4, "Đang xử lý"),
    ("supplement_requested", 5, "Yêu cầu bổ sung giấy tờ"),
    ("fee_requested", 6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
    ("withdrawn", 7, "Công dân yêu cầu rút hồ sơ"),
    ("stopped", 8, "Dừng xử lý"),
    ("done", 9, "Đã xử lý xong"),
    ("returned", 10, "Đã trả kết quả"),
]


def load(apps, schema_editor):
    mapping = apps.get_model("dossiers", "PortalStatusMapping")
    for status, code, name in DEFAULTS:
        mapping.objects.get_or_create(
            status=status, defaults={"portal_code": code, "portal_name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

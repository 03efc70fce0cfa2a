"""Seed the day swaps of 2018–2019 that standards.md §9 lists.

The `holidays` package (0.109) already has every other day of the §9 table for 2019–2021 (Tết
2020 23–29/01, Giỗ Tổ 02/4/2020, Tết 2021 10–16/02, 21/4/2021, 03/5/2021 observed, 02/9 + 03/9/2021)
and also knows these swaps; the rows make them visible and editable in the decision table and keep
them if a later package version drops them. Rows already present for these days are left alone;
reversing removes only rows still carrying the reason given here.
"""

from datetime import date

from django.db import migrations

BASIS = (
    "[C] theo standards.md §9 (python-holidays 0.109 dẫn Công văn 6519/VPCP-KGVX năm 2018); "
    "chưa đối chiếu văn bản gốc"
)
DECISIONS = [
    (date(2018, 12, 31), "off", "Nghỉ hoán đổi, làm bù Thứ Bảy 05/01/2019"),
    (date(2019, 1, 5), "work", "Thứ Bảy làm bù cho ngày nghỉ 31/12/2018"),
    (date(2019, 4, 29), "off", "Nghỉ hoán đổi, làm bù Thứ Bảy 04/5/2019"),
    (date(2019, 5, 4), "work", "Thứ Bảy làm bù cho ngày nghỉ 29/4/2019"),
]


def seed(apps, schema_editor):
    CalendarDecision = apps.get_model("workdays", "CalendarDecision")
    for day, kind, reason in DECISIONS:
        CalendarDecision.objects.get_or_create(
            day=day, defaults={"kind": kind, "reason": reason, "legal_basis": BASIS}
        )


def unseed(apps, schema_editor):
    CalendarDecision = apps.get_model("workdays", "CalendarDecision")
    for day, _kind, reason in DECISIONS:
        CalendarDecision.objects.filter(day=day, reason=reason).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

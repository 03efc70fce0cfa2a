"""`congso calendar ...` prints answers, and bad input gives a message, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["add-working-days", "add_working_days"])
def test_add_working_days_prints_the_due_date(name):
    assert run(name, "2019-02-01", "5") == "2019-02-15\n"


def test_add_working_days_with_a_cutoff_after_a_late_friday_receipt():
    # Friday 26/4/2019 16:00 > 15:00 → Thu 02/5 (29/4, 30/4, 1/5 off); 03/5, Sat 04/5, 06/5
    assert run("add-working-days", "2019-04-26T16:00", "3", "--cutoff", "15:00") == "2019-05-06\n"
    assert run("add-working-days", "2019-04-26T16:00", "3", "--no-cutoff") == "2019-05-04\n"


def test_add_working_days_explains_the_effective_day_when_verbose():
    out = StringIO()
    call_command(
        "calendar", "add-working-days", "2019-04-26T16:00", "3", "--cutoff", "15:00",
        verbosity=2, stdout=out,
    )  # fmt: skip
    assert out.getvalue() == "Ngày tiếp nhận có hiệu lực: 2019-05-02\n2019-05-06\n"


def test_is_working_day_says_yes_for_a_working_saturday():
    assert run("is-working-day", "2019-05-04") == "có (Thứ Bảy làm bù cho ngày nghỉ 29/4/2019)\n"


def test_is_working_day_says_no_and_exits_1_for_a_day_off():
    out = StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("calendar", "is_working_day", "2019-02-05", stdout=out)
    assert caught.value.code == 1
    assert out.getvalue() == "không (Tết Nguyên Đán)\n"


@pytest.mark.parametrize(
    ("a", "b", "count"), [("2019-02-01", "2019-02-15", "5"), ("2019-02-15", "2019-02-01", "-5")]
)
def test_working_days_between_prints_a_count(a, b, count):
    assert run("working-days-between", a, b) == f"{count}\n"


def test_holidays_lists_the_year():
    out = run("holidays", "2019")
    assert "2019-02-05  Thứ Ba    Tết Nguyên Đán" in out
    assert "2019-04-15  Thứ Hai   Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" in out
    assert "Ngày cuối tuần làm việc năm 2019: 2" in out
    assert "2019-05-04  Thứ Bảy   Thứ Bảy làm bù cho ngày nghỉ 29/4/2019" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add-working-days", "2019-02-30", "5"], "2019-02-30"),
        (["add-working-days", "2019-02-01", "năm"], "Số ngày"),
        (["add-working-days", "2019-02-01", "-1"], "Số ngày"),
        (["add-working-days", "2019-02-01", "5", "--cutoff", "3pm"], "HH:MM"),
        (["is-working-day", "hôm nay"], "YYYY-MM-DD"),
        (["holidays", "1990"], "2000"),
        (["holidays", "năm nay"], "Năm"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_input_is_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("calendar", *args)


def test_the_console_entry_point_runs_the_command(tmp_path: Path):
    # given a fresh SQLite database for a separate process
    congso = str(Path(sys.executable).parent / "congso")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CONGSO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.test")
    subprocess.run([congso, "migrate", "-v0", "--skip-checks"], env=env, check=True, timeout=120)
    # when
    due = subprocess.run(
        [congso, "calendar", "add-working-days", "2019-04-26T16:00", "3", "--cutoff", "15:00"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    day_off = subprocess.run(
        [congso, "calendar", "is-working-day", "2019-02-05"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    bad = subprocess.run(
        [congso, "calendar", "is-working-day", "2019-02-30"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    # then
    assert (due.returncode, due.stdout) == (0, "2019-05-06\n"), due.stderr
    assert (day_off.returncode, day_off.stdout) == (1, "không (Tết Nguyên Đán)\n")
    assert bad.returncode == 2
    assert "2019-02-30" in bad.stderr
    assert "Traceback" not in bad.stderr

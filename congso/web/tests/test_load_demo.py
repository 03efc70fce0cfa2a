"""`congso load_demo`: the demo data `make run` loads before serving."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from congso.accounts.models import User
from congso.organizations.models import AdministrativeUnit, Agency
from congso.web.management.commands.load_demo import format_table


def _run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    return Agency.objects.count(), AdministrativeUnit.objects.count(), User.objects.count()


@pytest.mark.django_db
def test_load_demo_twice_adds_nothing_the_second_time_and_prints_the_accounts():
    # given
    _run()
    after_first = _counts()
    # when
    output = _run()
    # then
    assert _counts() == after_first
    agencies, units, users = after_first
    assert agencies > 200  # the Kon Tum tree: bodies, internal units, districts, communes
    assert units > 100  # province, 10 districts, 102 communes
    assert users >= 2
    assert "http://127.0.0.1:8000/" in output
    assert "Tên đăng nhập" in output
    for user in User.objects.exclude(username="").order_by("pk"):
        assert user.username in output


def test_format_table_aligns_columns():
    # when
    table = format_table(["Tên", "Mật khẩu"], [("vanthu", "MatKhau@2020"), ("a", "b")])
    # then
    lines = table.splitlines()
    assert lines[0] == "Tên     Mật khẩu"
    assert lines[1] == "------  ------------"
    assert lines[2] == "vanthu  MatKhau@2020"
    assert lines[3].startswith("a       b")

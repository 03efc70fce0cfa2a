"""Public catalogue pages: accent-insensitive search with filters and pages, and the detail page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from congso.procedures.constants import ProcedureLevel
from congso.procedures.selectors import procedure_search
from congso.procedures.tests.factories import (
    CommuneCommitteeFactory,
    ProcedureFactory,
    ProcessStepFactory,
    procedure_field,
)
from congso.procedures.text import search_text_for

pytestmark = pytest.mark.django_db


def _procedure(name: str, code: str, **kwargs: Any) -> Any:
    return ProcedureFactory(
        name=name,
        national_code=code,
        code=f"{code}.000.00.00.H34",
        search_text=search_text_for(name, f"{code}.000.00.00.H34", code),
        **kwargs,
    )


@pytest.mark.parametrize(
    "query", ["dang ky ket hon", "Đăng ký kết hôn", "ĐĂNG KÝ KẾT HÔN", "ket  hon", "1.000894"]
)
def test_search_ignores_accents_case_and_spacing(query: str) -> None:
    # given two procedures
    _procedure("Đăng ký kết hôn", "1.000894")
    _procedure("Đăng ký khai sinh", "1.001193")

    # when searching with or without accents / by code
    names = [p.name for p in procedure_search(query)]

    # then only the marriage registration is found
    assert names == ["Đăng ký kết hôn"]


def test_search_filters_by_level_field_and_agency_and_hides_unpublished() -> None:
    # given procedures at two levels, two fields, two desks, one unpublished
    desk: Any = CommuneCommitteeFactory()
    _procedure("Đăng ký khai sinh", "1.001193", receiving_agencies=[desk])
    _procedure(
        "Chứng thực bản sao",
        "9.000007",
        field=procedure_field("LV-CHUNGTHUC"),
        level=ProcedureLevel.DISTRICT,
    )
    _procedure("Đăng ký khai tử", "9.000003", is_published=False, receiving_agencies=[desk])

    # when / then
    assert [p.name for p in procedure_search("", level="huyen")] == ["Chứng thực bản sao"]
    assert [p.name for p in procedure_search("", field="LV-CHUNGTHUC")] == ["Chứng thực bản sao"]
    assert [p.name for p in procedure_search("dang ky", agency=desk.pk)] == ["Đăng ký khai sinh"]


def test_search_page_finds_without_accents_and_paginates(client: Client) -> None:
    # given 25 procedures whose names share a word, and one other
    for i in range(25):
        _procedure(f"Cấp giấy phép số {i:02d}", f"9.{100000 + i}")
    _procedure("Đăng ký kết hôn", "1.000894")

    # when the first and second pages are requested without accents
    first = client.get("/thu-tuc/", {"q": "cap giay phep"})
    second = client.get("/thu-tuc/", {"q": "cap giay phep", "page": "2"})

    # then 20 + 5 results are listed, with the total, the next-page link keeping the query
    assert first.status_code == 200
    body = first.content.decode()
    assert "25 thủ tục" in body
    assert body.count('href="/thu-tuc/9.') == 20
    assert "q=cap+giay+phep&amp;page=2" in body
    assert second.content.decode().count('href="/thu-tuc/9.') == 5
    assert "Đăng ký kết hôn" not in body


def test_detail_page_shows_components_steps_fee_and_online_link(client: Client) -> None:
    # given a level-3 procedure with a step in another agency
    procedure = _procedure(
        "Đăng ký khai sinh", "1.001193", fee_text="Miễn lệ phí", processing_days=Decimal("1.0")
    )
    other = CommuneCommitteeFactory(name="Công an tỉnh Kon Tum")
    ProcessStepFactory(procedure=procedure, order=3, agency=other, name="Đăng ký thường trú")

    # when the detail page is opened
    response = client.get(f"/thu-tuc/{procedure.code}/")

    # then it shows what a citizen needs, and links to online submission
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tờ khai đăng ký" in body  # component from the factory
    assert "Công an tỉnh Kon Tum" in body
    assert "Miễn lệ phí" in body
    assert "1 ngày làm việc" in body
    assert f'href="/dich-vu-cong/nop/{procedure.code}/"' in body
    assert "Nộp hồ sơ trực tuyến" in body


def test_unpublished_or_unknown_procedure_is_not_found(client: Client) -> None:
    # given an unpublished procedure
    hidden = _procedure("Đăng ký khai tử", "9.000003", is_published=False)

    # when / then
    assert client.get(f"/thu-tuc/{hidden.code}/").status_code == 404
    assert client.get("/thu-tuc/1.999999.000.00.00.H34/").status_code == 404


def test_level_two_procedure_has_no_online_submission_link(client: Client) -> None:
    # given a level-2 procedure
    procedure = _procedure("Chứng thực chữ ký", "9.000009", online_level=2)

    # when / then
    body = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "/dich-vu-cong/nop/" not in body

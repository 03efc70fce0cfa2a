"""The portal simulator as a separate process: protocol, validation (field named), storage."""

from __future__ import annotations

import itertools
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from congso.portalsim import codes
from congso.portalsim.testing import SimulatorProcess

AGENCY = "000.00.12.H34"
_sequence = itertools.count(1)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    db = tmp_path_factory.mktemp("portalsim") / "portal.sqlite3"
    with SimulatorProcess(db) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def session(portal: SimulatorProcess) -> str:
    return portal.session()


def new_code() -> str:
    return f"{AGENCY}-200318-{next(_sequence):04d}"


def dossier(**overrides: Any) -> dict[str, Any]:
    data = {
        "MaHoSo": new_code(),
        "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "HT",
        "TenLinhVuc": "Hộ tịch",
        "LoaiDoiTuong": "1",
        "ChuHoSo": "Nguyễn Văn A",
        "Email": "a@example.vn",
        "SoDienThoai": "0912345678",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "NgayTiepNhan": "20200318091500",
        "NgayHenTra": "20200319091500",
        "TrangThaiHoSo": "2",
        "HinhThuc": "0",
        "DonViXuLy": "UBND xã Đăk Cấm",
        "TaiLieuNop": [{"TenTepDinhKem": "to-khai.pdf", "MaThanhPhanHoSo": "TP1"}],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sync(
    portal: SimulatorProcess, session: str, items: list[dict[str, Any]], updating: str = "False"
) -> dict[str, Any]:
    body = {"session": session, "madonvi": AGENCY, "service": "DongBoHoSoMC"}
    return portal.post(codes.INTEGRATION_PATH, {**body, "isUpdating": updating, "data": items})


def progress(portal: SimulatorProcess, session: str, item: dict[str, Any]) -> dict[str, Any]:
    body = {"session": session, "madonvi": AGENCY, "service": "CapNhatTienDoHoSoMC"}
    return portal.post(codes.INTEGRATION_PATH, {**body, "data": [item]})


def progress_item(code: str, **change: Any) -> dict[str, Any]:
    item = {
        "MaHoSo": code,
        "NguoiXuLy": "Trần Thị B",
        "ThoiDiemXuLy": "20200318140000",
        "NoiDungXuLy": "Xử lý",
        "TrangThai": "9",
    }
    return item | change


def test_auth_gives_a_session_only_for_the_right_credentials(portal: SimulatorProcess):
    # when
    good = portal.post(codes.AUTH_PATH, {"username": "congso", "password": "congso-portal-test"})
    bad = portal.post(codes.AUTH_PATH, {"username": "congso", "password": "wrong"})
    # then
    assert good["error_code"] == 0
    assert len(good["session"]) > 20
    assert bad["error_code"] != 0
    assert "session" not in bad


def test_a_call_without_a_valid_session_is_refused(portal: SimulatorProcess):
    # when
    answer = sync(portal, "not-a-session", [dossier()])
    # then
    assert (answer["error_code"], answer["field"]) == (codes.SESSION_INVALID, "session")


def test_expired_sessions_are_refused(tmp_path: Path):
    # given a session the portal has since expired
    with SimulatorProcess(tmp_path / "p.sqlite3") as portal:
        token = portal.session()
        portal.post("/api/_admin/expire-sessions", {})
        # when
        answer = sync(portal, token, [dossier()])
    # then
    assert answer["error_code"] == codes.SESSION_INVALID


def test_a_valid_dossier_is_stored_and_found_by_lookup(portal: SimulatorProcess, session: str):
    # given
    item = dossier()
    # when
    answer = sync(portal, session, [item])
    lookup = portal.post(
        codes.INTEGRATION_PATH,
        {"session": session, "madonvi": AGENCY, "service": "TraCuuHoSo", "mahoso": item["MaHoSo"]},
    )
    status, stored = portal.get(f"/api/dossiers/{item['MaHoSo']}")
    # then
    assert answer["error_code"] == codes.OK
    assert lookup["result"][0]["MaHoSo"] == item["MaHoSo"]
    assert lookup["result"][0]["TrangThaiHoSo"] == "2"
    assert status == 200
    assert stored["result"]["TrangThaiHoSo"] == 2


def test_lookup_of_an_unknown_dossier_is_an_empty_result(portal: SimulatorProcess, session: str):
    # when
    answer = portal.post(
        codes.INTEGRATION_PATH,
        {"session": session, "madonvi": AGENCY, "service": "TraCuuHoSo", "mahoso": new_code()},
    )
    # then
    assert (answer["error_code"], answer["result"]) == (codes.OK, [])


def test_is_updating_must_match_whether_the_dossier_exists(portal: SimulatorProcess, session: str):
    # given
    item = dossier()
    sync(portal, session, [item])
    # when
    again = sync(portal, session, [item], updating="False")
    missing = sync(portal, session, [dossier()], updating="True")
    update = sync(portal, session, [{**item, "TrangThaiHoSo": "4"}], updating="True")
    # then
    assert (again["error_code"], again["field"]) == (codes.ALREADY_EXISTS, "data[0].MaHoSo")
    assert (missing["error_code"], missing["field"]) == (codes.NOT_FOUND, "data[0].MaHoSo")
    assert update["error_code"] == codes.OK
    assert portal.get(f"/api/dossiers/{item['MaHoSo']}")[1]["result"]["versions"] == 2


BAD_DOSSIERS = [
    ({"TenTTHC": None}, "data[0].TenTTHC"),
    ({"TrichYeuHoSo": "  "}, "data[0].TrichYeuHoSo"),
    ({"Email": None}, "data[0].Email"),
    ({"Email": "not-an-address"}, "data[0].Email"),
    ({"SoDienThoai": "call me"}, "data[0].SoDienThoai"),
    ({"NgayTiepNhan": "2020-03-18 09:15:00"}, "data[0].NgayTiepNhan"),
    ({"NgayTiepNhan": "20200230091500"}, "data[0].NgayTiepNhan"),
    ({"NgayHenTra": "20200317091500"}, "data[0].NgayHenTra"),
    ({"NgayHenTra": ""}, "data[0].NgayHenTra"),
    ({"TrangThaiHoSo": "11"}, "data[0].TrangThaiHoSo"),
    ({"TrangThaiHoSo": "0"}, "data[0].TrangThaiHoSo"),
    ({"TrangThaiHoSo": "mới"}, "data[0].TrangThaiHoSo"),
    ({"TrangThaiHoSo": "10"}, "data[0].NgayTra"),
    ({"MaHoSo": "HS-2020-1"}, "data[0].MaHoSo"),
    ({"MaHoSo": f"{AGENCY}-201399-0001"}, "data[0].MaHoSo"),
    ({"MaHoSo": "000.00.13.H34-200318-0001"}, "data[0].MaHoSo"),
    ({"MaTTHC": "khai-sinh"}, "data[0].MaTTHC"),
    ({"LoaiDoiTuong": "3"}, "data[0].LoaiDoiTuong"),
    ({"HinhThuc": "2"}, "data[0].HinhThuc"),
    ({"TaiLieuNop": [{"TenTepDinhKem": "a.pdf"}]}, "data[0].TaiLieuNop[0].MaThanhPhanHoSo"),
    ({"DanhSachLePhi": "50000"}, "data[0].DanhSachLePhi"),
]


@pytest.mark.parametrize(("change", "field"), BAD_DOSSIERS)
def test_a_bad_dossier_is_rejected_naming_the_field_and_nothing_is_stored(
    portal: SimulatorProcess, session: str, change: dict[str, Any], field: str
):
    # given
    item = dossier(**change)
    # when
    answer = sync(portal, session, [item])
    # then
    assert answer["error_code"] == codes.INVALID_DATA
    assert answer["field"] == field
    assert answer["message"].startswith(field)
    if isinstance(item.get("MaHoSo"), str):
        assert portal.get(f"/api/dossiers/{item['MaHoSo']}")[0] == 404


def test_one_bad_dossier_rejects_the_whole_batch(portal: SimulatorProcess, session: str):
    # given
    good, bad = dossier(), dossier(NgayTiepNhan="18/03/2020")
    # when
    answer = sync(portal, session, [good, bad])
    # then
    assert answer["field"] == "data[1].NgayTiepNhan"
    assert portal.get(f"/api/dossiers/{good['MaHoSo']}")[0] == 404


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"isUpdating": "yes"}, codes.INVALID_DATA, "isUpdating"),
        ({"data": []}, codes.INVALID_DATA, "data"),
        ({"madonvi": ""}, codes.INVALID_DATA, "madonvi"),
        ({"service": "XoaHoSo"}, codes.UNKNOWN_SERVICE, "service"),
    ],
)
def test_bad_envelopes_are_rejected(
    portal: SimulatorProcess, session: str, body: dict[str, Any], code: str, field: str
):
    # given
    envelope: dict[str, Any] = {"session": session, "madonvi": AGENCY, "service": "DongBoHoSoMC"}
    envelope |= {"isUpdating": "False", "data": [dossier()], **body}
    # when
    answer = portal.post(codes.INTEGRATION_PATH, envelope)
    # then
    assert (answer["error_code"], answer["field"]) == (code, field)


def test_progress_appends_and_moves_the_status(portal: SimulatorProcess, session: str):
    # given
    item = dossier()
    sync(portal, session, [item])
    step = progress_item(item["MaHoSo"], NoiDungXuLy="Chuyển phòng chuyên môn", TrangThai="4")
    # when
    answer = progress(portal, session, step)
    stored = portal.get(f"/api/dossiers/{item['MaHoSo']}")[1]["result"]
    # then
    assert answer["error_code"] == codes.OK
    assert stored["TrangThaiHoSo"] == 4
    assert [p["NoiDungXuLy"] for p in stored["progress"]] == ["Chuyển phòng chuyên môn"]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"TrangThai": "12"}, codes.INVALID_DATA, "data[0].TrangThai"),
        ({"ThoiDiemXuLy": "20200318"}, codes.INVALID_DATA, "data[0].ThoiDiemXuLy"),
        ({"NgayKetThucTheoQuyDinh": "x"}, codes.INVALID_DATA, "data[0].NgayKetThucTheoQuyDinh"),
        ({"NguoiXuLy": ""}, codes.INVALID_DATA, "data[0].NguoiXuLy"),
        ({"MaHoSo": f"{AGENCY}-200318-9999"}, codes.NOT_FOUND, "data[0].MaHoSo"),
    ],
)
def test_bad_progress_is_rejected_and_the_status_kept(
    portal: SimulatorProcess, session: str, change: dict[str, Any], code: str, field: str
):
    # given
    item = dossier()
    sync(portal, session, [item])
    step = progress_item(item["MaHoSo"], **change)
    # when
    answer = progress(portal, session, step)
    # then
    assert (answer["error_code"], answer["field"]) == (code, field)
    assert portal.get(f"/api/dossiers/{item['MaHoSo']}")[1]["result"]["TrangThaiHoSo"] == 2


def test_lay_thu_tuc_returns_the_seeded_catalogue(portal: SimulatorProcess, session: str):
    # when
    envelope = {"session": session, "madonvi": AGENCY, "service": "LayThuTuc"}
    one = portal.post(codes.SHARE_PATH, {**envelope, "maTTHC": "1.001193"})
    every = portal.post(codes.SHARE_PATH, envelope)
    # then
    assert one["result"][0]["TENTTHC"] == "Đăng ký khai sinh"
    assert one["result"][0]["LINHVUCTHUCHIEN"][0]["MALINHVUC"] == "HT"
    assert len(every["result"]) >= 4


def test_a_seeded_catalogue_file_replaces_the_default(tmp_path: Path):
    # given
    catalogue = tmp_path / "national.json"
    catalogue.write_text(
        '[{"MATTHC": "1.999999", "TENTTHC": "Thủ tục thử", "LINHVUCTHUCHIEN": []}]',
        encoding="utf-8",
    )
    with SimulatorProcess(tmp_path / "p.sqlite3", extra_args=["--catalogue", str(catalogue)]) as p:
        # when
        answer = p.post(
            codes.SHARE_PATH,
            {"session": p.session(), "madonvi": AGENCY, "service": "LayThuTuc"},
        )
    # then
    assert [proc["MATTHC"] for proc in answer["result"]] == ["1.999999"]


def test_non_json_bodies_and_unknown_paths_are_errors(portal: SimulatorProcess):
    # when
    status, missing = portal.get("/api/nothing")
    request = urllib.request.Request(  # noqa: S310 - local http URL
        portal.url + codes.AUTH_PATH, data=b"{oops", method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        broken = response.read().decode()
    # then
    assert status == 404
    assert missing["error_code"] == codes.BAD_REQUEST
    assert '"error_code": "99"' in broken


def test_the_demo_page_and_read_api_list_what_the_portal_holds(
    portal: SimulatorProcess, session: str
):
    # given
    item = dossier(TrangThaiHoSo="5")
    sync(portal, session, [item])
    # when
    status, page = portal.get("/")
    listed = portal.get("/api/dossiers?status=5")[1]["result"]
    # then
    assert status == 200
    assert item["MaHoSo"] in page
    assert "Yêu cầu bổ sung giấy tờ" in page
    assert item["MaHoSo"] in [d["MaHoSo"] for d in listed]
    assert all(d["TrangThaiHoSo"] == 5 for d in listed)

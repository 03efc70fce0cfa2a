"""The PDF layout of a composed draft: Vietnamese text, embedded fonts, byte-for-byte rendering."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from congso.documents.services import rendering
from congso.documents.tests.factories import rendering_layout
from congso.documents.tests.outgoing.conftest import pdf_text

LAYOUT = rendering_layout(
    body="Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư;\n"
    + "Xét đề nghị của Trưởng phòng Công nghệ thông tin.\n" * 40
)


def test_the_same_layout_renders_to_the_same_bytes() -> None:
    # when
    first = rendering.render_outgoing_pdf(LAYOUT)
    second = rendering.render_outgoing_pdf(dict(LAYOUT))
    # then: fixed dates and document ID (reportlab invariant mode)
    assert first == second
    assert first.startswith(b"%PDF-")


def test_vietnamese_text_is_in_the_pdf_text_layer() -> None:
    text = pdf_text(rendering.render_outgoing_pdf(LAYOUT))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "UBND TỈNH KON TUM",
        "Số: 05/QĐ-STTTT",
        "Kon Tum, ngày 05 tháng 01 năm 2020",
        "QUYẾT ĐỊNH",
        "Về việc ban hành Quy chế quản lý hệ thống văn bản điện tử",
        "HỎA TỐC",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Thị Ngọc Ánh",
        "Nơi nhận:",
        "- Lưu: VT, CNTT.",
    ):
        assert expected in text, expected


def test_fonts_are_embedded_truetype_subsets() -> None:
    data = rendering.render_outgoing_pdf(LAYOUT)
    reader = PdfReader(io.BytesIO(data))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = resources["/Font"]
    descriptors = [font.get_object()["/FontDescriptor"].get_object() for font in fonts.values()]
    assert descriptors
    assert all("/FontFile2" in descriptor for descriptor in descriptors)
    assert b"/FontFile2" in data


def test_pages_after_the_first_carry_their_number_in_the_top_margin() -> None:
    reader = PdfReader(io.BytesIO(rendering.render_outgoing_pdf(LAYOUT)))
    assert len(reader.pages) >= 2
    assert reader.pages[1].extract_text().lstrip().startswith("2")
    assert not reader.pages[0].extract_text().lstrip().startswith("1\n")


def test_official_letter_prints_v_v_under_the_number_and_kinh_gui() -> None:
    layout = dict(LAYOUT, is_official_letter=True, type_name="", subject="V/v báo cáo quý I")
    layout["addressed_to"] = "Các sở, ban, ngành"
    text = pdf_text(rendering.render_outgoing_pdf(layout))
    assert "V/v báo cáo quý I" in text
    assert "Kính gửi: Các sở, ban, ngành" in text
    assert "QUYẾT ĐỊNH" not in text


def test_chosen_font_covers_every_vietnamese_letter() -> None:
    family = rendering.document_font()
    assert family.name in ("Liberation Serif", "DejaVu Serif")
    assert rendering.family_is_usable(family)


def test_liberation_one_is_refused_for_lack_of_vietnamese_glyphs() -> None:
    old = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
    if not old.exists():
        pytest.skip("fonts-liberation (1.x) is not installed here")
    assert not rendering.covers_vietnamese(old)


def test_no_usable_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: no candidate font anywhere
    monkeypatch.setattr(rendering, "_candidates", lambda: [])
    rendering.document_font.cache_clear()
    try:
        with pytest.raises(rendering.RenderingUnavailable) as caught:
            rendering.document_font()
        assert caught.value.code == "font_missing"
    finally:
        monkeypatch.undo()
        rendering.document_font.cache_clear()
        rendering.document_font()

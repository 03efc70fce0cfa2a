from __future__ import annotations

import pytest

from congso.core.errors import ValidationFailed
from congso.organizations.validators import (
    qcvn102_level,
    qcvn102_parent_code,
    qd20_from_qcvn102,
    qd20_level,
    validate_qcvn102_code,
    validate_qd20_code,
)


@pytest.mark.parametrize(
    "code", ["000.00.00.H34", "000.00.18.G12", "000.17.22.H56", "001.12.05.H34", "000.00.01.A00"]
)
def test_accepts_well_formed_qcvn102_codes(code: str) -> None:
    validate_qcvn102_code(code)  # then: no error


@pytest.mark.parametrize(
    ("code", "rule_words"),
    [
        ("000.00.00.H3", "đúng 13 ký tự"),
        ("000.00.00.H345", "đúng 13 ký tự"),
        (" 00.00.00.H34", "chỉ gồm chữ số"),
        ("0000.0.00.H34", "4 nhóm"),
        ("000-00-00-H34", "4 nhóm"),
        ("00A.00.00.H34", "chỉ gồm chữ số"),
        ("000.0B.00.H34", "chỉ gồm chữ số"),
        ("000.00.00.h34", "chữ cái in hoa từ A đến Y"),
        ("000.00.00.Z34", "chữ cái in hoa từ A đến Y"),
        ("000.00.00.HH4", "chữ cái in hoa từ A đến Y"),
        ("000.05.00.H34", "đọc từ phải sang trái"),
        ("001.00.05.H34", "đọc từ phải sang trái"),
    ],
)
def test_rejects_bad_qcvn102_codes_naming_the_rule(code: str, rule_words: str) -> None:
    # when
    with pytest.raises(ValidationFailed) as caught:
        validate_qcvn102_code(code)
    # then
    assert caught.value.code == "invalid_qcvn102_code"
    assert rule_words in caught.value.message
    assert "QCVN 102" in caught.value.message


def test_length_message_shows_the_expected_form() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_qcvn102_code("H34")
    assert caught.value.message == (
        "Mã định danh phải có đúng 13 ký tự theo QCVN 102:2016 "
        "(dạng 000.00.00.H34), không có khoảng trắng."
    )


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("000.00.00.H34", 1, None),
        ("000.00.05.H34", 2, "000.00.00.H34"),
        ("000.12.05.H34", 3, "000.00.05.H34"),
        ("007.12.05.H34", 4, "000.12.05.H34"),
    ],
)
def test_reads_the_level_right_to_left(code: str, level: int, parent: str | None) -> None:
    assert qcvn102_level(code) == level
    assert qcvn102_parent_code(code) == parent


@pytest.mark.parametrize(
    "code", ["H34", "H34.05", "H34.05.12", "G09.20", "H55.242", "H37.02.02", "A00.ABC.1"]
)
def test_accepts_well_formed_qd20_codes(code: str) -> None:
    validate_qd20_code(code)


@pytest.mark.parametrize(
    ("code", "rule_words"),
    [
        ("", "không được để trống"),
        ("H34." + "1" * 32, "tối đa 35 ký tự"),
        ("h34.05", "chữ cái in hoa A–Z"),
        ("H34 05", "chữ cái in hoa A–Z"),
        ("H34-05", "chữ cái in hoa A–Z"),
        ("H34.Đ5", "chữ cái in hoa A–Z"),
        ("H34..05", "không có nhóm rỗng"),
        (".H34", "không có nhóm rỗng"),
        ("H34.", "không có nhóm rỗng"),
        ("34.05", "mã cấp 1 (MX1X2)"),
        ("Z34.05", "mã cấp 1 (MX1X2)"),
        ("H345.05", "mã cấp 1 (MX1X2)"),
    ],
)
def test_rejects_bad_qd20_codes_naming_the_rule(code: str, rule_words: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_qd20_code(code)
    assert caught.value.code == "invalid_qd20_code"
    assert rule_words in caught.value.message
    assert "QĐ 20/2020/QĐ-TTg" in caught.value.message


def test_qd20_code_of_exactly_35_characters_is_accepted() -> None:
    code = "H34." + "1" * 31
    assert len(code) == 35
    validate_qd20_code(code)
    assert qd20_level(code) == 2


@pytest.mark.parametrize(
    ("qcvn102", "qd20"),
    [
        ("000.00.00.H34", "H34"),
        ("000.00.05.H34", "H34.05"),
        ("000.12.05.H34", "H34.05.12"),
        ("001.12.05.H34", "H34.05.12.001"),
    ],
)
def test_demo_convention_puts_qcvn102_groups_in_level_order(qcvn102: str, qd20: str) -> None:
    assert qd20_from_qcvn102(qcvn102) == qd20
    assert qd20_level(qd20) == qcvn102_level(qcvn102)


def test_demo_convention_refuses_an_invalid_code() -> None:
    with pytest.raises(ValidationFailed):
        qd20_from_qcvn102("000.05.00.H34")

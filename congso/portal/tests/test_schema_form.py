"""The declarative form: JSON Schema in, Django fields out, JSON data back."""

from __future__ import annotations

from typing import cast

from django import forms

from congso.portal.schema_form import SchemaForm
from congso.portal.tests.conftest import FORM_SCHEMA, VALID_FORM


def test_each_schema_type_becomes_its_field():
    # when
    form = SchemaForm(FORM_SCHEMA)
    # then
    fields = form.fields
    assert isinstance(fields["ho_ten_chu_ho"], forms.CharField)
    assert isinstance(fields["ngay_sinh"], forms.DateField)
    assert isinstance(fields["so_tang"], forms.IntegerField)
    assert isinstance(fields["loai_cong_trinh"], forms.ChoiceField)
    assert ("nha_o", "Nhà ở riêng lẻ") in cast(list, fields["loai_cong_trinh"].choices)
    assert isinstance(fields["co_tang_ham"], forms.BooleanField)
    assert fields["ho_ten_chu_ho"].label == "Họ tên chủ hộ *"
    assert "dia_chi_cong_trinh__xa" in fields


def test_valid_input_becomes_typed_json():
    # when
    form = SchemaForm(FORM_SCHEMA, VALID_FORM, strict=True)
    # then
    assert form.is_valid(), form.errors
    data = form.form_data()
    assert data == {
        "ho_ten_chu_ho": "Y Blốc",
        "ngay_sinh": "1990-05-17",
        "so_tang": 3,
        "loai_cong_trinh": "nha_o",
        "co_tang_ham": True,
        "dia_chi_cong_trinh": {"xa": "Xã Đăk Hring"},
    }
    assert form.add_schema_errors(data)


def test_a_draft_may_leave_required_fields_empty_but_a_submission_may_not():
    # given
    partial = {"ho_ten_chu_ho": "Y Blốc"}
    # when
    draft = SchemaForm(FORM_SCHEMA, partial)
    strict = SchemaForm(FORM_SCHEMA, partial, strict=True)
    # then
    assert draft.is_valid()
    assert not strict.is_valid()
    assert strict.errors["ngay_sinh"] == ["Vui lòng nhập trường này."]


def test_wrong_types_and_out_of_range_values_are_refused():
    # when
    form = SchemaForm(
        FORM_SCHEMA,
        {**VALID_FORM, "so_tang": "mười", "ngay_sinh": "31/02/1990", "loai_cong_trinh": "x"},
    )
    # then
    assert not form.is_valid()
    assert set(form.errors) == {"so_tang", "ngay_sinh", "loai_cong_trinh"}
    too_high = SchemaForm(FORM_SCHEMA, {**VALID_FORM, "so_tang": "9"})
    assert not too_high.is_valid()


def test_the_json_schema_check_reports_missing_nested_fields_on_their_input():
    # given: stored data missing a nested required key
    form = SchemaForm(FORM_SCHEMA, form_data={}, strict=True)
    # when
    valid = form.add_schema_errors({"ho_ten_chu_ho": "A", "dia_chi_cong_trinh": {}})
    # then
    assert not valid
    assert "dia_chi_cong_trinh__xa" in form.errors
    assert "ngay_sinh" in form.errors

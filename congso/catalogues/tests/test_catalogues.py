from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from congso.audit.models import AuditEntry
from congso.catalogues.constants import CatalogueAuditAction
from congso.catalogues.models import DocumentType, ProcedureField, SecrecyLevel, UrgencyLevel
from congso.catalogues.selectors import document_type_get_by_code, document_type_list
from congso.catalogues.services import catalogue_entry_save
from congso.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

API = "/api/v1/catalogues/"


@pytest.fixture
def signed_in(db: Any) -> APIClient:
    """Any signed-in account reads the catalogues, here a citizen."""
    user = get_user_model().objects.create_user(
        username="062012345678",
        password="MatKhau@2020",
        kind="citizen",
        citizen_id_number="062012345678",
    )
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin_client_h2(db: Any) -> Client:
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "MatKhau@2020")
    client = Client()
    client.force_login(user)
    return client


def test_the_29_document_types_of_article_7_are_loaded_in_order() -> None:
    types = list(document_type_list())
    assert len(types) == 29
    assert [t.ordinal for t in types] == list(range(1, 30))
    assert (types[0].code, types[-1].code) == ("nghi_quyet", "thu_cong")


@pytest.mark.parametrize(
    ("code", "name", "abbreviation"),
    [
        ("quyet_dinh", "Quyết định (cá biệt)", "QĐ"),
        ("quy_dinh", "Quy định", "QyĐ"),
        ("to_trinh", "Tờ trình", "TTr"),
        ("chuong_trinh", "Chương trình", "CTr"),
        ("de_an", "Đề án", "ĐA"),
        ("du_an", "Dự án", "DA"),
        ("giay_uy_quyen", "Giấy ủy quyền", "GUQ"),
        ("cong_van", "Công văn", ""),
        ("thu_cong", "Thư công", ""),
    ],
)
def test_document_types_carry_the_annex_iii_abbreviations(
    code: str, name: str, abbreviation: str
) -> None:
    document_type = document_type_get_by_code(code)
    assert document_type is not None
    assert (document_type.name, document_type.abbreviation) == (name, abbreviation)


def test_codes_are_ascii_slugs_and_only_two_types_lack_an_abbreviation() -> None:
    assert all(t.code.isascii() for t in DocumentType.objects.all())
    assert set(DocumentType.objects.filter(abbreviation="").values_list("code", flat=True)) == {
        "cong_van",
        "thu_cong",
    }


def test_urgency_and_secrecy_levels() -> None:
    assert list(UrgencyLevel.objects.values_list("code", "name")) == [
        ("thuong", "Thường"),
        ("khan", "Khẩn"),
        ("thuong_khan", "Thượng khẩn"),
        ("hoa_toc", "Hỏa tốc"),
    ]
    assert list(SecrecyLevel.objects.values_list("code", "is_secret")) == [
        ("thuong", False),
        ("mat", True),
        ("toi_mat", True),
        ("tuyet_mat", True),
    ]


def test_procedure_fields_mark_the_codes_congso_made_up() -> None:
    fields = ProcedureField.objects.all()
    assert 25 <= fields.count() <= 35
    assert fields.get(code="G03-GD10").is_demo_code is False
    assert fields.filter(is_demo_code=False).count() == 1


@pytest.mark.parametrize(
    ("path", "count", "first"),
    [
        ("document-types/", 29, {"code": "nghi_quyet", "abbreviation": "NQ", "ordinal": 1}),
        ("copy-kinds/", 3, {"code": "sao_y", "abbreviation": "SY"}),
        ("urgency-levels/", 4, {"code": "thuong", "name": "Thường"}),
        ("secrecy-levels/", 4, {"code": "thuong", "is_secret": False}),
        ("procedure-fields/", 30, {"code": "LV-HOTICH", "is_demo_code": True}),
    ],
)
def test_api_lists_each_catalogue(
    signed_in: APIClient,
    django_assert_max_num_queries: Any,
    path: str,
    count: int,
    first: dict[str, Any],
) -> None:
    with django_assert_max_num_queries(1):
        response = signed_in.get(API + path)
    assert response.status_code == 200
    data = response.json()
    assert len(data) == count
    assert first.items() <= data[0].items()


def test_api_leaves_out_inactive_entries(signed_in: APIClient) -> None:
    DocumentType.objects.filter(code="thu_cong").update(is_active=False)
    codes = [t["code"] for t in signed_in.get(API + "document-types/").json()]
    assert "thu_cong" not in codes
    assert len(codes) == 28


def test_api_needs_a_signed_in_user() -> None:
    response = APIClient().get(API + "document-types/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_service_saves_and_audits_a_change() -> None:
    # given
    entry = UrgencyLevel.objects.get(code="khan")
    # when
    entry.name = "Khẩn (sửa)"
    catalogue_entry_save(actor=None, entry=entry)
    catalogue_entry_save(actor=None, entry=entry)  # nothing changed: no second entry
    # then
    (audit,) = AuditEntry.objects.filter(action=CatalogueAuditAction.CATALOGUE_CHANGED)
    assert audit.data["changes"] == {"name": ["Khẩn", "Khẩn (sửa)"]}
    assert audit.data["catalogue"] == "urgencylevel"


@pytest.mark.parametrize("code", ["", "có dấu", "công_văn", "-x"])
def test_service_refuses_non_ascii_or_empty_codes(code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        catalogue_entry_save(actor=None, entry=ProcedureField(code=code, name="Lĩnh vực"))
    assert caught.value.code == "invalid_catalogue_code"
    assert not ProcedureField.objects.filter(name="Lĩnh vực").exists()


def test_service_refuses_a_duplicate_or_changed_code() -> None:
    with pytest.raises(Conflict) as duplicate:
        catalogue_entry_save(actor=None, entry=DocumentType(code="cong_van", name="Công văn 2"))
    entry = DocumentType.objects.get(code="to_trinh")
    entry.code = "to_trinh_moi"
    with pytest.raises(ValidationFailed) as recoded:
        catalogue_entry_save(actor=None, entry=entry)
    assert duplicate.value.code == "duplicate_catalogue_code"
    assert recoded.value.code == "catalogue_code_immutable"
    assert DocumentType.objects.filter(code="to_trinh").exists()


def test_admin_edit_goes_through_the_service_and_is_audited(admin_client_h2: Client) -> None:
    # given
    field = ProcedureField.objects.get(code="LV-HOTICH")
    # when
    response = admin_client_h2.post(
        f"/admin/catalogues/procedurefield/{field.pk}/change/",
        {"name": "Hộ tịch (cấp xã)", "ordinal": 1, "is_active": "on", "is_demo_code": "on"},
    )
    # then
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.name == "Hộ tịch (cấp xã)"
    audit = AuditEntry.objects.get(action=CatalogueAuditAction.CATALOGUE_CHANGED)
    assert audit.target_id == str(field.pk)
    assert audit.actor_label == "quantri"


def test_admin_add_checks_the_code(admin_client_h2: Client) -> None:
    response = admin_client_h2.post(
        "/admin/catalogues/procedurefield/add/", {"code": "lĩnh vực", "name": "X", "ordinal": 40}
    )
    assert response.status_code == 200
    assert "Mã danh mục chỉ gồm chữ cái không dấu" in response.content.decode()
    response = admin_client_h2.post(
        "/admin/catalogues/procedurefield/add/",
        {
            "code": "LV-KHOANGSAN",
            "name": "Khoáng sản",
            "ordinal": 31,
            "is_active": "on",
            "is_demo_code": "on",
        },
    )
    assert response.status_code == 302
    assert (
        AuditEntry.objects.get(action=CatalogueAuditAction.CATALOGUE_CHANGED).data["created"]
        is True
    )


def test_admin_cannot_delete_entries(admin_client_h2: Client) -> None:
    entry = DocumentType.objects.get(code="bao_cao")
    response = admin_client_h2.get(f"/admin/catalogues/documenttype/{entry.pk}/delete/")
    assert response.status_code == 403
    assert DocumentType.objects.filter(code="bao_cao").exists()


def test_data_migration_reverses_and_reapplies_cleanly() -> None:
    # given the migration's own functions, run against the current models
    import importlib

    from django.apps import apps

    migration = importlib.import_module("congso.catalogues.migrations.0003_reference_entries")
    catalogue_models = [DocumentType, UrgencyLevel, SecrecyLevel, ProcedureField]
    # when
    migration.unload(apps, None)
    emptied = [model._default_manager.count() for model in catalogue_models]
    migration.load(apps, None)
    migration.load(apps, None)  # a second run adds nothing
    # then
    assert emptied == [0, 0, 0, 0]
    assert [model._default_manager.count() for model in catalogue_models] == [29, 4, 4, 30]

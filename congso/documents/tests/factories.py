"""Factories for the documents domain. Catalogue rows come from the catalogues data migration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from congso.accounts.tests.factories import StaffUserFactory
from congso.catalogues.models import DocumentType, SecrecyLevel, UrgencyLevel
from congso.documents.constants import Direction, IncomingSource, IncomingStatus
from congso.documents.models import DocumentRegister, IncomingDocument, OutgoingDocument
from congso.organizations.tests.factories import AgencyFactory


def document_type(code: str = "cong_van") -> DocumentType:
    return DocumentType.objects.get(code=code)


def urgency(code: str = "thuong") -> UrgencyLevel:
    return UrgencyLevel.objects.get(code=code)


def secrecy(code: str = "thuong") -> SecrecyLevel:
    return SecrecyLevel.objects.get(code=code)


class DocumentRegisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentRegister

    agency = factory.SubFactory(AgencyFactory)
    year = 2020
    direction = Direction.INCOMING
    is_secret = False
    last_number = 0


class IncomingDocumentFactory(factory.django.DjangoModelFactory):
    """A registered (accepted) incoming document; no files."""

    class Meta:
        model = IncomingDocument

    agency = factory.SubFactory(AgencyFactory)
    register = factory.SubFactory(DocumentRegisterFactory, agency=factory.SelfAttribute("..agency"))
    arrival_number = factory.Sequence(lambda n: n + 1)
    arrived_at = factory.LazyFunction(timezone.now)
    document_type = factory.LazyFunction(document_type)
    code_number = factory.Sequence(lambda n: f"{n + 1:02d}")
    code_notation = "UBND-VX"
    issued_on = dt.date(2020, 1, 6)
    organ_name = "UBND tỉnh Kon Tum"
    organ_id = "000.00.00.H34"
    subject = factory.Sequence(lambda n: f"V/v triển khai nhiệm vụ chuyển đổi số năm 2020 ({n})")
    urgency = factory.LazyFunction(urgency)
    secrecy = factory.LazyFunction(secrecy)
    is_secret = False
    status = IncomingStatus.ACCEPTED
    source = IncomingSource.UPLOAD
    registered_by = factory.SubFactory(StaffUserFactory, agency=factory.SelfAttribute("..agency"))


class OutgoingDocumentFactory(factory.django.DjangoModelFactory):
    """A draft outgoing document."""

    class Meta:
        model = OutgoingDocument

    agency = factory.SubFactory(AgencyFactory)
    document_type = factory.LazyFunction(document_type)
    subject = factory.Sequence(lambda n: f"V/v báo cáo tình hình ứng dụng CNTT quý I ({n})")
    body = "Thực hiện chỉ đạo của UBND tỉnh, Sở đề nghị các đơn vị báo cáo..."
    created_by = factory.SubFactory(StaffUserFactory, agency=factory.SelfAttribute("..agency"))
    urgency = factory.LazyFunction(urgency)
    secrecy = factory.LazyFunction(secrecy)
    place_name = "Kon Tum"


def rendering_layout(**overrides: Any) -> dict[str, Any]:
    """The layout of a Quyết định as `rendering.render_outgoing_pdf` takes it (one short body)."""
    layout: dict[str, Any] = {
        "layout": 1,
        "parent_agency": "UBND tỉnh Kon Tum",
        "agency": "Sở Thông tin và Truyền thông",
        "number_line": "Số: 05/QĐ-STTTT",
        "date_line": "Kon Tum, ngày 05 tháng 01 năm 2020",
        "is_official_letter": False,
        "type_name": "Quyết định",
        "subject": "Về việc ban hành Quy chế quản lý hệ thống văn bản điện tử",
        "addressed_to": "",
        "body": "Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư;\n"
        "Xét đề nghị của Trưởng phòng Công nghệ thông tin.",
        "secrecy_mark": "",
        "urgency_mark": "HỎA TỐC",
        "authority_line": "KT. GIÁM ĐỐC",
        "signer_position": "Phó Giám đốc",
        "signer_name": "Nguyễn Thị Ngọc Ánh",
        "recipients": ["Ủy ban nhân dân tỉnh (b/c)", "Sở Tài chính"],
        "storage_line": "Lưu: VT, CNTT.",
    }
    return {**layout, **overrides}

"""Fixtures of the connector tests: two agencies that are members of a hub (A sends, B
receives), their people, an issued document for B, and the in-memory FakeHub."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.services import outgoing as outgoing_services
from congso.documents.services.outgoing_common import RecipientSpec
from congso.documents.tests.factories import document_type
from congso.exchange.services import config
from congso.exchange.tests import fakes
from congso.organizations.tests.factories import (
    AgencyFactory,
    InternalUnitFactory,
    PositionFactory,
)

A_CODE = "000.00.12.H34"
B_CODE = "000.00.13.H34"


def write_rsa_key(path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture(scope="session")
def exchange_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Member keys (JWT) and one XML-signing key pair, generated once per test session."""
    folder = tmp_path_factory.mktemp("exchange-keys")
    xml_key, xml_cert = folder / "xml-key.pem", folder / "xml-cert.pem"
    config._generate_dev_key(xml_key, xml_cert)
    return {
        "a": write_rsa_key(folder / "a.pem"),
        "b": write_rsa_key(folder / "b.pem"),
        "xml_key": xml_key,
        "xml_cert": xml_cert,
    }


@pytest.fixture(autouse=True)
def _exchange_settings(settings: Any, tmp_path: Path, exchange_keys: dict[str, Path]) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CONGSO_DOCUMENT_SIGNER = ""
    settings.EXCHANGE_HUB_URL = "http://hub.test"
    settings.EXCHANGE_MEMBER_CODE = A_CODE
    settings.EXCHANGE_MEMBER_KEY_FILE = str(exchange_keys["a"])
    settings.EXCHANGE_MEMBERS = [f"{B_CODE}={exchange_keys['b']}"]
    settings.EXCHANGE_TRANSPORT = "congso.exchange.tests.fakes.transport_factory"
    settings.EXCHANGE_XML_KEY_FILE = str(exchange_keys["xml_key"])
    settings.EXCHANGE_XML_CERT_FILE = str(exchange_keys["xml_cert"])
    settings.EXCHANGE_SPOOL_DIR = str(tmp_path / "spool")
    settings.EXCHANGE_SEND_MAX_ATTEMPTS = 3
    settings.EXCHANGE_RETRY_BASE_SECONDS = 30
    settings.EXCHANGE_RETRY_MAX_SECONDS = 3600


@pytest.fixture
def hub() -> Iterator[fakes.FakeHub]:
    fake = fakes.FakeHub()
    previous = fakes.CURRENT_HUB
    fakes.CURRENT_HUB = fake
    yield fake
    fakes.CURRENT_HUB = previous


@pytest.fixture
def agency_a() -> Any:
    return AgencyFactory.create(
        name="Sở Thông tin và Truyền thông", abbreviation="STTTT", code_qcvn102=A_CODE
    )


@pytest.fixture
def agency_b() -> Any:
    return AgencyFactory.create(name="Sở Tài chính", abbreviation="STC", code_qcvn102=B_CODE)


@pytest.fixture
def clerk_a(agency_a: Any) -> Any:
    return StaffUserFactory.create(agency=agency_a, roles=[Role.CLERK], full_name="Nguyễn Thị Hoa")


@pytest.fixture
def clerk_b(agency_b: Any) -> Any:
    return StaffUserFactory.create(agency=agency_b, roles=[Role.CLERK], full_name="Trần Thị Mai")


@pytest.fixture
def leader_b(agency_b: Any) -> Any:
    position = PositionFactory.create(name="Giám đốc", is_leadership=True, rank=30)
    return StaffUserFactory.create(
        agency=agency_b, position=position, roles=[Role.LEADER], full_name="Đỗ Văn Bình"
    )


@pytest.fixture
def approve_to(agency_a: Any) -> Callable[..., Any]:
    """A công văn of agency A to the given outside recipients (RecipientSpec or codes), signed
    off by its leader and waiting for the clerk to issue it."""
    unit = InternalUnitFactory.create(parent=agency_a, name="Văn phòng Sở", abbreviation="VP")
    drafter = StaffUserFactory.create(agency=agency_a, unit=unit, roles=[Role.SPECIALIST])
    signer = StaffUserFactory.create(
        agency=agency_a,
        roles=[Role.LEADER],
        position=PositionFactory.create(name="Giám đốc", is_leadership=True, rank=30),
        full_name="Phan Văn Hùng",
    )

    def approve(*codes: str, **overrides: Any) -> Any:
        recipients = [
            RecipientSpec(name=f"Cơ quan {code}", organ_id=code) for code in codes or (B_CODE,)
        ]
        values: dict[str, Any] = {
            "author": drafter,
            "document_type": document_type("cong_van"),
            "subject": "Báo cáo tình hình ứng dụng công nghệ thông tin quý I năm 2020",
            "body": "Sở Thông tin và Truyền thông đề nghị báo cáo.\nTrân trọng.",
            "signer": signer,
            "recipients": recipients,
        }
        values.update(overrides)
        document = outgoing_services.outgoing_draft_create(**values)
        outgoing_services.outgoing_document_submit(actor=drafter, document=document)
        outgoing_services.outgoing_step_approve(actor=signer, document=document)
        document.refresh_from_db()
        return document

    return approve


@pytest.fixture
def issue_to(approve_to: Callable[..., Any], clerk_a: Any) -> Callable[..., Any]:
    """Issue a công văn of agency A to the given outside recipients (RecipientSpec or codes)."""

    def issue(
        *codes: str, before_issue: Callable[[Any], Any] | None = None, **overrides: Any
    ) -> Any:
        document = approve_to(*codes, **overrides)
        if before_issue is not None:
            before_issue(document)  # e.g. declare what it replaces or corrects
        return outgoing_services.outgoing_document_issue(clerk=clerk_a, document=document)

    return issue

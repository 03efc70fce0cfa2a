"""The member registry and operator accounts; each change is audited."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, load_pem_public_key
from django.contrib.auth import get_user_model
from django.db import transaction

from congso.audit.services import audit_record
from congso.hub.constants import HubAuditAction
from congso.hub.errors import HubMemberInvalid
from congso.hub.models import Member
from congso.hub.signers import certificates_from_pem
from congso.hub.validators import validate_member_code


def _check_public_key(pem: str) -> str:
    try:
        load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise HubMemberInvalid(
            "Khóa công khai không đọc được (cần tệp PEM 'BEGIN PUBLIC KEY', RSA hoặc Ed25519).",
            field="public_key",
        ) from exc
    return pem.strip() + "\n"


def _check_certificates(bundle: str) -> str:
    try:
        certificates = certificates_from_pem(bundle)
    except (ValueError, UnicodeEncodeError) as exc:
        raise HubMemberInvalid(
            "Tệp chứng thư ký gói tin không đọc được (cần một hoặc nhiều khối PEM "
            "'BEGIN CERTIFICATE').",
            field="xml_certificates",
        ) from exc
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certificates)


@transaction.atomic
def member_add(
    *,
    code: str,
    name: str,
    public_key_pem: str,
    xml_certificates_pem: str | None = None,
    actor: Any = None,
) -> Member:
    """Register an organisation by its identifier code, or replace the name and key of one.

    `xml_certificates_pem`: the certificates it signs packages with (HUB_XML_SIGNERS); None keeps
    those on record, "" forgets them."""
    validate_member_code(code)
    if not name.strip():
        raise HubMemberInvalid("Cần tên đơn vị.", field="name")
    pem = _check_public_key(public_key_pem)
    certificates = (
        _check_certificates(xml_certificates_pem) if xml_certificates_pem else xml_certificates_pem
    )
    member = Member.objects.select_for_update().filter(code=code).first()
    if member is None:
        member = Member.objects.create(
            code=code,
            name=name.strip(),
            public_key_pem=pem,
            xml_certificates_pem=certificates or "",
        )
        action = HubAuditAction.MEMBER_ADDED
    else:
        member.name = name.strip()
        member.public_key_pem = pem
        member.is_active = True
        if certificates is not None:
            member.xml_certificates_pem = certificates
        member.save(update_fields=["name", "public_key_pem", "is_active", "xml_certificates_pem"])
        action = HubAuditAction.MEMBER_UPDATED
    signers = member.xml_certificates_pem.count("BEGIN CERTIFICATE")
    data = {"code": code, "name": name, "xml_certificates": signers}
    audit_record(actor=actor, action=action, target=member, data=data)
    return member


@transaction.atomic
def operator_create(*, username: str, password: str) -> Any:
    """Create a staff account for the hub's operator pages (no other rights)."""
    user_model = get_user_model()
    user = user_model.objects.create_user(username=username, password=password)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    audit_record(
        actor=None, action=HubAuditAction.OPERATOR_CREATED, target=user, data={"username": username}
    )
    return user

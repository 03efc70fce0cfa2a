"""The member registry and operator accounts; each change is audited."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.contrib.auth import get_user_model
from django.db import transaction

from congso.audit.services import audit_record
from congso.hub.constants import HubAuditAction
from congso.hub.errors import HubMemberInvalid
from congso.hub.models import Member
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


@transaction.atomic
def member_add(*, code: str, name: str, public_key_pem: str, actor: Any = None) -> Member:
    """Register an organisation by its identifier code, or replace the name and key of one."""
    validate_member_code(code)
    if not name.strip():
        raise HubMemberInvalid("Cần tên đơn vị.", field="name")
    pem = _check_public_key(public_key_pem)
    member = Member.objects.select_for_update().filter(code=code).first()
    if member is None:
        member = Member.objects.create(code=code, name=name.strip(), public_key_pem=pem)
        action = HubAuditAction.MEMBER_ADDED
    else:
        member.name = name.strip()
        member.public_key_pem = pem
        member.is_active = True
        member.save(update_fields=["name", "public_key_pem", "is_active"])
        action = HubAuditAction.MEMBER_UPDATED
    audit_record(actor=actor, action=action, target=member, data={"code": code, "name": name})
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

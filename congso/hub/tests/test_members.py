"""The member registry: codes in QCVN 102 form, readable public keys, every change audited."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congso.audit.models import AuditEntry
from congso.hub.constants import HubAuditAction
from congso.hub.errors import HubMemberInvalid
from congso.hub.keys import KeyFiles
from congso.hub.models import Member
from congso.hub.services.members import member_add, operator_create
from congso.hub.tests.conftest import SENDER_CODE

pytestmark = pytest.mark.django_db


def test_member_add_registers_and_audits(key_files: dict[str, KeyFiles]) -> None:
    # given
    pem = key_files[SENDER_CODE].public_key.read_text()
    # when
    member = member_add(code=SENDER_CODE, name="UBND tỉnh Kon Tum", public_key_pem=pem)
    # then
    assert Member.objects.get(code=SENDER_CODE).name == "UBND tỉnh Kon Tum"
    entry = AuditEntry.objects.get(target_id=str(member.pk), action=HubAuditAction.MEMBER_ADDED)
    assert entry.data["code"] == SENDER_CODE


def test_member_add_again_replaces_name_and_key(key_files: dict[str, KeyFiles]) -> None:
    # given a registered member
    first = key_files[SENDER_CODE].public_key.read_text()
    member_add(code=SENDER_CODE, name="Cũ", public_key_pem=first)
    # when its key is rotated
    second = next(k for c, k in key_files.items() if c != SENDER_CODE).public_key.read_text()
    member_add(code=SENDER_CODE, name="Mới", public_key_pem=second)
    # then one member holds the new name and key
    member = Member.objects.get(code=SENDER_CODE)
    assert (member.name, member.public_key_pem.strip()) == ("Mới", second.strip())
    assert AuditEntry.objects.filter(action=HubAuditAction.MEMBER_UPDATED).count() == 1


@pytest.mark.parametrize("code", ["000.00.00.h34", "H34", "000.05.00.H34", "000.00.00.Z34", ""])
def test_member_code_must_be_a_qcvn102_code(code: str, key_files: dict[str, KeyFiles]) -> None:
    pem = key_files[SENDER_CODE].public_key.read_text()
    with pytest.raises(HubMemberInvalid):
        member_add(code=code, name="X", public_key_pem=pem)
    assert not Member.objects.exists()


def test_an_unreadable_public_key_is_refused() -> None:
    with pytest.raises(HubMemberInvalid, match="Khóa công khai"):
        member_add(code=SENDER_CODE, name="X", public_key_pem="not a key")


def test_member_commands(tmp_path: Path) -> None:
    # given a key pair made by the keygen command
    out = StringIO()
    call_command("hub", "keygen", SENDER_CODE, "--out", str(tmp_path), stdout=out)
    public = tmp_path / f"{SENDER_CODE}.pub.pem"
    assert (tmp_path / f"{SENDER_CODE}.key.pem").stat().st_mode & 0o777 == 0o600
    # when the member is added and listed
    call_command(
        "hub",
        "member-add",
        SENDER_CODE,
        "--name",
        "UBND tỉnh",
        "--public-key",
        str(public),
        stdout=out,
    )
    listing = StringIO()
    call_command("hub", "member-list", stdout=listing)
    # then
    assert listing.getvalue().startswith(f"{SENDER_CODE}\tUBND tỉnh")
    with pytest.raises(CommandError):
        call_command("hub", "member-add", "bad", "--name", "X", "--public-key", str(public))


def test_operator_create_makes_a_staff_account() -> None:
    # when
    user = operator_create(username="vanhanh", password="mat-khau-rat-dai-123")
    # then
    user.refresh_from_db()
    assert user.is_staff
    assert user.check_password("mat-khau-rat-dai-123")
    assert AuditEntry.objects.filter(action=HubAuditAction.OPERATOR_CREATED).count() == 1

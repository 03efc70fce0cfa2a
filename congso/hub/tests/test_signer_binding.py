"""A package's XML signature must be made with the sending member's key (HUB_XML_SIGNERS)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from congso.hub.errors import HubMemberInvalid
from congso.hub.models import Member, Message
from congso.hub.services.members import member_add
from congso.hub.tests import packages
from congso.hub.tests.test_messages import send, signed
from congso.hub.tests.test_statuses import STATUSES

pytestmark = pytest.mark.django_db

BROKEN_PEM = "-----BEGIN CERTIFICATE-----\nkhông phải\n-----END CERTIFICATE-----\n"


def _certificates_on_record(member, *cert_files) -> None:
    member_add(
        code=member.code,
        name=member.member.name,
        public_key_pem=member.keys.public_key.read_text(),
        xml_certificates_pem="".join(path.read_text() for path in cert_files),
    )


def test_a_member_with_certificates_on_record_cannot_sign_with_another_key(
    client, sender, recipient, other
) -> None:
    # given the sender registered its signing certificate, and a package signed with other's key
    _certificates_on_record(sender, sender.keys.certificate)
    body = packages.edoc(sender=sender.code, recipients=[recipient.code], keys=other.keys)
    # when
    response = send(client, sender, body)
    # then refused, naming the reason, and nothing kept
    assert (response.status_code, response.json()["code"]) == (403, "hub_signer_mismatch")
    assert Message.objects.count() == 0


def test_a_certificate_on_record_other_than_the_member_key_may_sign(
    client, sender, recipient, other
) -> None:
    # given the sender's platform signs with a certificate of another key, on record
    _certificates_on_record(sender, other.keys.certificate)
    body = packages.edoc(sender=sender.code, recipients=[recipient.code], keys=other.keys)
    # when / then
    assert send(client, sender, body).status_code == 201


def test_without_certificates_on_record_any_valid_signer_passes_unless_strict(
    client, sender, recipient, other, settings
) -> None:
    # given a package signed with a key that is not the sender's, no certificate on record
    first = packages.edoc(sender=sender.code, recipients=[recipient.code], keys=other.keys)
    second = packages.edoc(
        sender=sender.code, recipients=[recipient.code], keys=other.keys, number=2
    )
    # when / then: registered mode lets it through, strict mode refuses it
    assert send(client, sender, first).status_code == 201
    settings.HUB_XML_SIGNERS = "strict"
    response = send(client, sender, second)
    assert (response.status_code, response.json()["code"]) == (403, "hub_signer_mismatch")
    # and the member's own key is always accepted
    assert send(client, sender, signed(sender, [recipient], number=3)).status_code == 201


def test_a_status_signed_with_another_key_is_refused(client, sender, recipient, other) -> None:
    # given a delivered document, and the recipient's signing certificate on record
    message_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    client.post(f"/api/v1/hub/messages/{message_id}/ack/", **recipient.auth())
    _certificates_on_record(recipient, recipient.keys.certificate)
    doc_id = packages.document_id(sender.code, 1)
    forged = packages.status(
        reporter=recipient.code, keys=other.keys, original_sender=sender.code, doc_id=doc_id
    )
    # when
    response = send(client, recipient, forged, url=STATUSES)
    # then
    assert (response.status_code, response.json()["code"]) == (403, "hub_signer_mismatch")
    assert Message.objects.filter(kind="status").count() == 0


def test_an_unreadable_certificate_file_is_refused_and_changes_nothing(sender) -> None:
    # given / when
    with pytest.raises(HubMemberInvalid):
        member_add(
            code=sender.code,
            name="Tên mới",
            public_key_pem=sender.keys.public_key.read_text(),
            xml_certificates_pem=BROKEN_PEM,
        )
    # then
    member = Member.objects.get(code=sender.code)
    assert (member.name, member.xml_certificates_pem) == ("UBND tỉnh Kon Tum", "")


def test_the_command_registers_the_certificates_and_keeps_them_on_a_key_rotation(sender) -> None:
    # given
    call_command(
        "hub",
        "member-add",
        sender.code,
        "--name",
        "UBND tỉnh Kon Tum",
        "--public-key",
        str(sender.keys.public_key),
        "--xml-cert",
        str(sender.keys.certificate),
    )
    # when the key is registered again without --xml-cert
    call_command(
        "hub",
        "member-add",
        sender.code,
        "--name",
        "UBND tỉnh Kon Tum",
        "--public-key",
        str(sender.keys.public_key),
    )
    # then the certificate on record stays
    assert Member.objects.get(code=sender.code).xml_certificates_pem.count("BEGIN CERTIFICATE") == 1

"""`signatures_test_pki --demo-signer`: TEST keys on SoftHSM2 tokens for a demo signer and its
agency, recorded as signing keys (README, "Ký số thử nghiệm")."""

from __future__ import annotations

import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.organizations.tests.factories import AgencyFactory
from congso.signatures.constants import KeyProviderKind, KeyPurpose
from congso.signatures.demo import DEMO_PIN_ENV
from congso.signatures.lib.testpki import TestPki
from congso.signatures.models import SigningKey
from congso.signatures.tests.session import free_port

pytestmark = pytest.mark.django_db


def _provision(directory: Path, *usernames: str) -> str:
    out = StringIO()
    arguments = ["--dir", str(directory), "--port", str(free_port())]
    for username in usernames:
        arguments += ["--demo-signer", username]
    call_command("signatures_test_pki", *arguments, stdout=out)
    return out.getvalue()


def test_a_demo_signer_and_its_agency_get_keys_on_their_own_tokens(
    softhsm: str, tmp_path: Path
) -> None:
    # given: the Giám đốc of a Sở under the province
    province = AgencyFactory.create(name="UBND tỉnh Kon Tum")
    agency = AgencyFactory.create(name="Sở Thông tin và Truyền thông", parent=province)
    leader = StaffUserFactory.create(
        username="giamdoc.demo", agency=agency, roles=[Role.LEADER], full_name="Phan Văn Hùng"
    )
    # when
    output = _provision(tmp_path / "pki", "giamdoc.demo")
    # then: a person key for the leader and a seal key for the agency, PIN from the environment
    person = SigningKey.objects.get(purpose=KeyPurpose.PERSON)
    seal = SigningKey.objects.get(purpose=KeyPurpose.ORGANISATION)
    assert (person.owner_id, seal.agency_id) == (leader.pk, agency.pk)
    for key in (person, seal):
        assert key.provider == KeyProviderKind.PKCS11
        assert key.module_path == softhsm
        assert key.pin_env == DEMO_PIN_ENV
    assert "CN=Phan Văn Hùng" in person.certificate_subject
    assert "CN=SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in seal.certificate_subject
    assert "O=UBND TỈNH KON TUM" in seal.certificate_subject
    # and the certificates chain to the TEST root of that PKI, the tokens exist
    pki = TestPki.load(tmp_path / "pki")
    labels = {entity["subject"] for entity in pki.entities.values()}
    assert person.certificate_subject in labels
    slots = subprocess.run(
        ["softhsm2-util", "--show-slots"],
        env={**os.environ, "SOFTHSM2_CONF": str(tmp_path / "pki" / "softhsm" / "softhsm2.conf")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert person.token_label in slots
    assert seal.token_label in slots
    assert f"export {DEMO_PIN_ENV}=" in output
    assert "CONGSO_DOCUMENT_SIGNER=congso.signatures.documents.PadesDocumentSigner" in output


def test_provisioning_again_reuses_the_key_rows(softhsm: str, tmp_path: Path) -> None:
    agency = AgencyFactory.create()
    StaffUserFactory.create(username="chutich.demo", agency=agency, roles=[Role.LEADER])
    _provision(tmp_path / "pki", "chutich.demo")
    first = set(SigningKey.objects.values_list("pk", "certificate_sha256"))
    _provision(tmp_path / "pki", "chutich.demo")
    second = set(SigningKey.objects.values_list("pk", "certificate_sha256"))
    assert {pk for pk, _sha in first} == {pk for pk, _sha in second}
    assert first != second  # new TEST certificates, same rows


def test_an_unknown_demo_signer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        _provision(tmp_path / "pki", "khong.co")
    assert not (tmp_path / "pki").exists()

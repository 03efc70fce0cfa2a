"""`congso signatures validate|sign` and the TEST PKI commands."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from congso.signatures.lib.testpki import TestPki
from congso.signatures.tests import pdfattacks


@pytest.fixture(autouse=True)
def _test_pki_setting(settings, test_pki):
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = str(test_pki.directory)


def test_validate_exits_zero_only_for_a_valid_file(signed_twice, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(signed_twice)
    call_command("signatures", "validate", str(good), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "valid"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdfattacks.add_page(signed_twice))
    with pytest.raises(SystemExit) as exited:
        call_command("signatures", "validate", str(bad))
    assert exited.value.code == 1
    assert "KHÔNG HỢP LỆ" in capsys.readouterr().out


def test_validate_without_the_root_is_indeterminate_and_trust_adds_it(
    signed_twice, tmp_path, settings, test_pki
):
    settings.CONGSO_SIGNATURES_TEST_PKI_DIR = ""
    path = tmp_path / "doc.pdf"
    path.write_bytes(signed_twice)
    with pytest.raises(SystemExit) as exited:
        call_command("signatures", "validate", str(path))
    assert exited.value.code == 2
    call_command(
        "signatures", "validate", str(path), "--trust", str(test_pki.cert_path("root")),
        "--trust", str(test_pki.cert_path("ca")),
    )  # fmt: skip


def test_sign_command_signs_as_person_then_organisation(
    test_pki, tmp_path, softhsm, monkeypatch, capsys
):
    from congso.signatures.lib import sampledoc
    from congso.signatures.lib.softhsm import TEST_TOKENS

    monkeypatch.setenv("TOKEN_PIN", "1234")
    source = tmp_path / "d.pdf"
    source.write_bytes(sampledoc.decision_pdf()[0])
    common = ["--pkcs11-module", softhsm, "--pin-env", "TOKEN_PIN"]
    call_command(
        "signatures", "sign", str(source), "--out", str(tmp_path / "d1.pdf"), "--as", "person",
        "--token", TEST_TOKENS[0].token_label, "--key", TEST_TOKENS[0].key_label,
        "--fields-at", "453,224", *common,
    )  # fmt: skip
    call_command(
        "signatures", "sign", str(tmp_path / "d1.pdf"), "--out", str(tmp_path / "d2.pdf"),
        "--as", "organisation", "--token", TEST_TOKENS[1].token_label,
        "--key", TEST_TOKENS[1].key_label, *common,
    )  # fmt: skip
    capsys.readouterr()
    call_command("signatures", "validate", str(tmp_path / "d2.pdf"), "--json")
    assert len(json.loads(capsys.readouterr().out)["signatures"]) == 2


def test_test_pki_command_writes_a_marked_hierarchy(tmp_path):
    call_command("signatures_test_pki", "--dir", str(tmp_path / "pki"), "--no-tokens")
    pki = TestPki.load(tmp_path / "pki")
    assert pki.cert("root").subject.rfc4514_string().count("TEST") >= 1
    assert "Kon Tum" in pki.entities["person"]["subject"]
    assert (tmp_path / "pki" / "images" / "con-dau-do.png").exists()
